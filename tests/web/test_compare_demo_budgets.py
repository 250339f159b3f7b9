"""The compare page on the demo coalition (two budget years): each member's spending is shown
per year against its annual budget, billed as plan.totals bills the plans, so a member whose
two years add up to more than one year's budget does not read as over it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from api.support import USERS, Server, open_server
from replenish.plan.totals import spending_by_year
from replenish.reports.compare import CompareResult, money, with_procurement
from replenish.scenario.reader import read_scenario
from replenish.store import make_engine
from replenish.store.scenarios import export_scenario
from replenish.web.compare import compare_pair, latest_pair
from replenish.web.whatif import job_plan
from web.test_sessions import _csrf, sign_in
from web.test_whatif import _wait

PAGE = "/pages/compare"
DEMO = Path(__file__).parents[2] / "examples" / "coalition"


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str,
                                                                         CompareResult]]:
    """The demo store compared both ways from the page: the server, the page, the result."""
    url = f"sqlite:///{tmp_path_factory.mktemp('compare-demo') / 's.db'}"
    with open_server(url, read_scenario(DEMO), {"coordinator": USERS["coordinator"]}) as server:
        client = sign_in(server, "coordinator")
        client.post(PAGE, data={"csrf": _csrf(client.get(PAGE).text)})
        page = client.get(PAGE).text
        while progress := re.search(r'data-progress-url="([^"]+)"', page):
            assert _wait(client, progress.group(1))["status"] == "done"
            page = client.get(PAGE).text
        engine = make_engine(server.url)
        with Session(engine) as session:
            pair = latest_pair(session)
            assert pair is not None and pair.done
            scenario = export_scenario(session)
            result = compare_pair(pair, scenario)
            for mode, job in zip(("joint", "national"), pair.jobs, strict=True):
                billed = spending_by_year(job_plan(job), with_procurement(scenario, mode))
                assert {m: [round(billed.get(m, {}).get(y, 0.0), 2) for y in range(2)]
                        for m in result.members} == {
                    m: result.mode(mode).spending[m] for m in result.members}
        engine.dispose()
        yield server, page, result


def test_each_year_is_shown_against_the_annual_budget(
    compared: tuple[Server, str, CompareResult],
) -> None:
    _server, page, result = compared
    assert result.years == ["2027", "2028"]
    table = page.partition('id="compare-members"')[2].partition("</table>")[0]
    assert "pays in 2027" in table and "pays in 2028" in table
    rows = dict(re.findall(r'<tr><th scope="row">(\w+)</th>(.*?)</tr>', table, re.S))
    assert list(rows) == result.members
    for member, cells in rows.items():
        shown = re.findall(r"<td(?: class=\"over\")?>([^<]*)", cells)
        budget = result.budgets[member]
        assert shown[0] == (money(budget) if budget is not None else "no limit"), member
        assert shown[1:5] == [money(result.mode(mode).spending[member][y])
                              for y in range(2) for mode in ("joint", "national")], member
    # one member spends more over the two years alone than one year's budget, yet keeps
    # within it in each year: its row says no overrun
    budgets = {m: b for m, b in result.budgets.items() if b is not None}
    whole = {m: sum(result.national.spending[m]) for m in budgets}
    within = [m for m, b in budgets.items()
              if whole[m] > b and all(y <= b for y in result.national.spending[m])]
    assert within, whole
    for member in within:
        assert "over budget" not in rows[member]


def test_the_headline_names_the_months_in_danish(
    compared: tuple[Server, str, CompareResult],
) -> None:
    server, _page, _result = compared
    page = sign_in(server, "coordinator").get(PAGE, params={"lang": "da"}).text
    headline = page.partition('id="compare-headline"')[2].partition("</div>")[0]
    assert "jan. 2027 – dec. 2028" in headline and "dec. 2028" in headline
    assert not re.search(r"\d{4}-\d{2}", headline), headline
