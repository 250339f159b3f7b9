"""The delivery page on the demo coalition's plan: each hub month by month as throughput.csv has
it, the airport full and the shipments that arrive over it then; a store without routes has no
transport limits; a plan made before the store had routes is named as such; and only roles
that may read plans see it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from api.support import Server, open_server
from replenish.api.planner import ignore_progress, plan_files
from replenish.scenario.reader import read_scenario
from replenish.store import make_engine
from replenish.store.server_tables import PlanJob
from web.test_sessions import sign_in

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "examples/coalition"
USERS = {"coordinator": ("desk", "coordinator", None, None),
         "nation": ("aldoria", "nation", "ALD", None),
         "recipient": ("partner", "recipient", "PTR", None)}


def _add_plan(url: str, summary: dict[str, Any] | None, rows: dict[str, Any]) -> None:
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        now = datetime.now(UTC)
        session.add(PlanJob(status="done", progress=1.0, stage="done", requested_by="desk",
                            created_at=now, started_at=now, finished_at=now, summary=summary,
                            rows=rows))
    engine.dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, Any]]]:
    """The demo store with its plan as the latest finished plan, and that plan's files."""
    scenario = read_scenario(DEMO)
    summary, rows = plan_files(scenario, ignore_progress)
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('delivery') / 's.db'}", scenario,
                     USERS) as opened:
        _add_plan(opened.url, summary, rows)
        yield opened, rows


def _cells(row: str) -> list[str]:
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def _table(page: str, selector: str) -> list[tuple[str, list[str]]]:
    """The body rows of the table whose opening tag holds `selector`: each row's opening tag
    and its cells as text."""
    body = re.search(rf"<table [^>]*{selector}[^>]*>.*?<tbody>(.*?)</tbody>", page, re.S)
    assert body, selector
    return [(tag, _cells(cells))
            for tag, cells in re.findall(r"(<tr[^>]*>)(.*?)</tr>", body.group(1), re.S)]


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_each_hub_s_months_are_its_throughput_and_the_airport_is_full(
    demo: tuple[Server, dict[str, Any]],
) -> None:
    server, rows = demo
    page = sign_in(server, "coordinator").get("/pages/delivery")
    assert page.status_code == 200
    assert 'id="chart-spec"' in page.text and 'aria-current="page">Delivery</a>' in page.text
    throughput = rows["throughput.csv"]
    for hub in ("RHD", "APT"):
        planned = {r["month"]: r for r in throughput if r["kind"] == "hub" and r["code"] == hub}
        shown = _table(page.text, f'id="limit-{hub}"')
        assert [re.search(r'data-month="([\d-]+)"', tag).group(1)  # type: ignore[union-attr]
                for tag, _cells in shown] == sorted(planned), hub
        for tag, (_month, tonnes, capacity, use) in shown:
            month = re.search(r'data-month="([\d-]+)"', tag).group(1)  # type: ignore[union-attr]
            row = planned[month]
            assert _number(tonnes) == pytest.approx(row["tonnes"], abs=0.05), (hub, month)
            assert _number(capacity) == row["capacity_tonnes"]
            full = row["tonnes"] >= 0.999 * row["capacity_tonnes"]
            assert ('class="full"' in tag) == full, (hub, month)
            assert use.endswith("full") == full
    airport = [tag for tag, _cells in _table(page.text, 'id="limit-APT"')
               if 'class="full"' in tag]
    assert airport, "the demo's airport is full in no month"
    assert not [tag for tag, _cells in _table(page.text, 'id="limit-RHD"')
                if 'class="full"' in tag]
    peaks = {tag: cells for tag, cells in _table(page.text, "delivery-peaks")}
    assert peaks['<tr data-limit="APT">'][-1] == str(len(airport))
    assert peaks['<tr data-limit="RHD">'][-1] == "0"


def test_the_shipments_over_the_full_airport_are_what_it_carries_in_those_months(
    demo: tuple[Server, dict[str, Any]],
) -> None:
    server, rows = demo
    page = sign_in(server, "coordinator").get("/pages/delivery").text
    waiting = _table(page, 'class="numbers waiting"')
    assert waiting and all('data-full="APT"' in tag for tag, _cells in waiting)
    full = {r["month"]: r["tonnes"] for r in rows["throughput.csv"]
            if r["kind"] == "hub" and r["code"] == "APT" and r["tonnes"] >= 0.999 * 120}
    by_month: dict[str, float] = {}
    for tag, (_when, _full, kind, sender, _item, _quantity, tonnes, route) in waiting:
        month = re.search(r'data-month="([\d-]+)"', tag).group(1)  # type: ignore[union-attr]
        assert route.endswith("-AIR") and kind in ("donation", "order"), (route, kind)
        assert sender in route or kind == "order"
        by_month[month] = by_month.get(month, 0.0) + _number(tonnes)
    assert sorted(by_month) == sorted(full)
    for month, tonnes in full.items():
        assert by_month[month] == pytest.approx(tonnes, abs=0.5), month
    # the first one is a donation the plan sends by air in the first full month
    first = min(full)
    donation = next(d for d in rows["donations.csv"]
                    if d["arrival_month"] == first and d["route"].endswith("-AIR"))
    assert any(cells[2:4] == ["donation", donation["donor"]]
               and cells[7] == donation["route"] for _tag, cells in waiting)


def test_roles_that_may_not_read_plans_see_no_delivery(
    demo: tuple[Server, dict[str, Any]],
) -> None:
    server, _rows = demo
    for role in ("nation", "recipient"):
        client = sign_in(server, role)
        page = client.get("/pages/delivery")
        assert page.status_code == 403, role
        main = re.search(r"<main>(.*?)</main>", page.text, re.S)
        assert main and not re.search(r"\d", re.sub(r"<[^>]*>", "", main.group(1))), role
        assert "/pages/delivery" not in client.get("/pages").text, role


def test_a_store_without_routes_has_no_transport_limits(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('no-routes') / 's.db'}") as server:
        client = sign_in(server, "coordinator")
        assert "/pages/delivery" in client.get("/pages").text
        for language, words in (("en", "There are no transport limits"),
                                ("da", "Der er ingen transportgrænser")):
            page = client.get("/pages/delivery", params={"lang": language})
            assert page.status_code == 200
            notice = re.search(r'id="no-transport-limits">(.*?)</p>', page.text, re.S)
            assert notice and notice.group(1).startswith(words), language
            assert "chart-spec" not in page.text and "<table" not in page.text


def test_a_plan_from_before_the_routes_says_it_lacks_its_throughput(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    scenario = read_scenario(ROOT / "tests/scenarios/delivery")
    summary, rows = plan_files(scenario, ignore_progress)
    del rows["throughput.csv"]
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('old-plan') / 's.db'}", scenario,
                     {"coordinator": USERS["coordinator"]}) as server:
        _add_plan(server.url, summary, rows)
        page = sign_in(server, "coordinator").get("/pages/delivery")
    assert page.status_code == 200
    problem = re.search(r'id="plan-problem"[^>]*>(.*?)</p>', page.text, re.S)
    assert problem and "has no throughput.csv, which this page needs" in problem.group(1)
    assert "no-transport-limits" not in page.text
