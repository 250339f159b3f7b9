"""The joint-versus-national page in-process: coordinators only; the store is planned both ways
in the background, and the page shows reports/compare.py's outcome of the two plans."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.support import Server, open_server
from replenish.reports.compare import headline_sentences, money
from replenish.store import make_engine
from replenish.store.scenarios import export_scenario
from replenish.store.server_tables import PlanJob
from replenish.web import views
from replenish.web.compare import compare_pair, latest_pair
from web.test_sessions import _csrf, sign_in
from web.test_whatif import _wait

PAGE = "/pages/compare"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('compare') / 's.db'}") as opened:
        yield opened


def test_only_a_coordinator_compares(server: Server) -> None:
    for role in ("nation", "recipient", "industry", "admin"):
        client = sign_in(server, role)
        assert client.get(PAGE).status_code == 403, role
        csrf = _csrf(client.get("/pages").text)
        assert client.post(PAGE, data={"csrf": csrf}).status_code == 403, role
    coordinator = sign_in(server, "coordinator")
    assert coordinator.post(PAGE, data={}).status_code == 403  # no CSRF token
    page = coordinator.get(PAGE)
    assert page.status_code == 200 and "Plan both ways" in page.text


def test_the_store_is_planned_both_ways_and_compared(server: Server) -> None:
    client = sign_in(server, "coordinator")
    answer = client.post(PAGE, data={"csrf": _csrf(client.get(PAGE).text)},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == PAGE
    page = client.get(PAGE).text
    # while either plan runs the bar polls its progress: wait for one, then the other
    while progress := re.search(r'data-progress-url="([^"]+)"', page):
        assert _wait(client, progress.group(1))["status"] == "done"
        page = client.get(PAGE).text
    engine = make_engine(server.url)
    with Session(engine) as session:
        pair = latest_pair(session)
        assert pair is not None and pair.done
        assert [job.summary["procurement"] for job in pair.jobs if job.summary] == [
            "joint", "national"]
        result = compare_pair(pair, export_scenario(session))
        latest = views.latest_plan(session)
        assert latest is not None and latest.id == server.plan_id  # neither is the plan
        assert len(session.scalars(select(PlanJob)).all()) == 3
    engine.dispose()
    for sentence in headline_sentences(result):
        assert sentence.replace("'", "&#39;") in page
    assert result.years == ["2027-03..2027-08"]
    assert "pays in Mar 2027 – Aug 2027" in page  # a budget year as months by name
    assert "2027-03..2027-08" not in page.partition('id="chart-spec"')[0]
    members = page.partition('id="compare-members"')[2].partition("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">(\w+)</th><td>([^<]*)</td>\s*'
                      r'<td>([^<]*)</td><td>([^<]*)</td>', members)
    assert [r[0] for r in rows] == result.members
    for member, _budget, joint, alone in rows:   # what each pays in the year, each way
        assert joint == money(result.joint.spending[member][0]), member
        assert alone == money(result.national.spending[member][0]), member
    assert '"vconcat"' in page
