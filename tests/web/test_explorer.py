"""The plan explorer in-process: a member's stock over the plan and a line's demand signal, each
to the roles the API releases them to, with the plan's own numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from api.support import Server, open_server
from replenish.plan.reader import read_plan
from replenish.reports.signal import SIGNAL_FILES, build_signal
from replenish.store import make_engine
from replenish.store.scenarios import export_scenario
from web.test_sessions import sign_in
from web.test_whatif import _job, _plan

PAGE = "/pages/explorer"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose latest plan is a real plan of the stored scenario."""
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('explorer') / 's.db'}") as opened:
        _plan(opened)
        yield opened


def _rows(html: str) -> list[list[str]]:
    body = re.search(r'<table class="numbers explorer".*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, "no explorer table"
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def _spec(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="chart-spec">(.*?)</script>', html,
                      re.S)
    assert found
    spec: dict[str, object] = json.loads(found.group(1))
    return spec


def test_a_member_s_stock_over_the_plan_is_the_plan_s(server: Server) -> None:
    client = sign_in(server, "coordinator")
    assert re.search(r'data-member="AAA"', client.get(PAGE).text)  # the first member shown
    page = client.get(PAGE, params={"nation": "AAA", "item": "S155"})
    assert page.status_code == 200
    job, _ = _job(server, server.plan_id)
    expected = [r for r in (job.rows or {})["stocks.csv"]
                if r["nation"] == "AAA" and r["item"] == "S155"]
    rows = _rows(page.text)
    assert [r[0] for r in rows] == sorted(r["month"] for r in expected)
    by_month = {r["month"]: r for r in expected}
    for month, on_hand, floor, target, _donated, _ordered in rows:
        assert on_hand == f"{by_month[month]['on_hand']:,.0f}"
        assert floor == f"{by_month[month]['floor']:,.0f}"
        assert target == f"{by_month[month]['target']:,.0f}"
    donated = sum(float(r[4].replace(",", "")) for r in rows)
    assert donated == sum(d["quantity"] for d in (job.rows or {}).get("donations.csv", [])
                          if d["donor"] == "AAA" and d["item"] == "S155"
                          and d["dispatch_month"] in by_month)
    assert len(_spec(page.text)["layer"]) == 2  # type: ignore[arg-type]


def test_a_line_shows_capacity_committed_orders_and_the_expansion(server: Server) -> None:
    page = sign_in(server, "coordinator").get(PAGE, params={"producer": "RHM", "item": "S155"})
    assert page.status_code == 200
    job, _ = _job(server, server.plan_id)
    engine = make_engine(server.url)
    with Session(engine) as session:
        scenario = export_scenario(session)
    engine.dispose()
    plan = read_plan({**(job.rows or {}), "summary.json": job.summary},
                     scenario.settings.start, SIGNAL_FILES)
    signal = build_signal(plan, scenario)
    line = next(s for s in signal.lines if s.line.key == ("RHM", "S155"))
    assert _rows(page.text) == [
        [m, f"{c:,.0f}", f"{e:,.0f}", f"{o:,.0f}", f"{a:,.0f}"]
        for m, c, e, o, a in zip(signal.months, line.capacity, line.expansion, line.committed,
                                 line.announced, strict=True)]
    assert "<script" in page.text and '"layer"' in page.text


def test_each_role_sees_only_what_the_api_releases_to_it(server: Server) -> None:
    nation = sign_in(server, "nation")
    own = nation.get(PAGE)
    assert own.status_code == 200 and re.search(r'data-member="AAA"', own.text)
    for other in ("BBB", "CCC", "RHM", "KNDS"):
        assert other not in own.text, other
    assert 'href="/pages/explorer"' in nation.get("/pages").text
    for params in ({"nation": "BBB", "item": "S155"}, {"producer": "RHM", "item": "S155"}):
        refused = nation.get(PAGE, params=params)
        assert refused.status_code == 403, params
        assert not re.search(r"\d", re.sub(r"<[^>]+>|&#\d+;", "", refused.text.split(
            "<main>")[1])), params
    industry = sign_in(server, "industry")
    assert industry.get(PAGE).status_code == 200
    assert industry.get(PAGE, params={"producer": "RHM", "item": "S155"}).status_code == 200
    assert "KNDS" not in industry.get(PAGE).text
    for params in ({"producer": "KNDS", "item": "H155"}, {"nation": "AAA", "item": "S155"}):
        assert industry.get(PAGE, params=params).status_code == 403, params
    for role in ("recipient", "admin"):
        assert sign_in(server, role).get(PAGE).status_code == 403, role


def test_an_unknown_stock_or_line_says_so(server: Server) -> None:
    client = sign_in(server, "coordinator")
    for params, words in (({"nation": "AAA", "item": "NOPE"}, "holds no stock of NOPE"),
                          ({"producer": "RHM", "item": "H155"}, "no line RHM/H155")):
        answer = client.get(PAGE, params=params)
        assert answer.status_code == 404 and words in answer.text, params


def test_the_pickers_go_to_the_page_of_what_they_picked(server: Server) -> None:
    client = sign_in(server, "coordinator")
    for params, target in (({"stock": "BBB/S155"}, "?nation=BBB&item=S155"),
                           ({"line": "KNDS/H155"}, "?producer=KNDS&item=H155")):
        answer = client.get(PAGE, params=params, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == PAGE + target
