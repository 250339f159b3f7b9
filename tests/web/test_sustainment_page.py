"""The sustainment page: ammunition cover, the crew-training queue and the fleet's
fragmentation from a real plan of a small scenario, and only for roles that may read plans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.support import Server, open_server
from replenish.api.planner import ignore_progress, plan_files
from replenish.plan.sustain import plan_arrivals, train_crews
from replenish.planning import PlanOptions, plan_scenario
from replenish.scenario.reader import read_scenario
from replenish.store import make_engine
from replenish.store.server_tables import PlanJob
from replenish.web.sustainment import read_sustainment

SCENARIO = Path(__file__).parents[1] / "scenarios/plan_sustain"
USERS = {"coordinator": ("desk", "coordinator", None, None),
         "nation": ("alpha", "nation", "AA", None),
         "recipient": ("partner", "recipient", "RR", None)}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    scenario = read_scenario(SCENARIO)
    summary, rows = plan_files(scenario, ignore_progress)
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('sustain') / 's.db'}", scenario,
                     USERS) as opened:
        engine = make_engine(opened.url)
        with Session(engine) as session, session.begin():
            now = datetime.now(UTC)
            session.add(PlanJob(status="done", progress=1.0, stage="done",
                                requested_by="desk", created_at=now, started_at=now,
                                finished_at=now, summary=summary, rows=rows))
        engine.dispose()
        yield opened


def _client(server: Server, role: str) -> TestClient:
    client = TestClient(server.app)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf
    client.post("/login", data={"csrf": csrf.group(1), "token": server.tokens[role]})
    return client


@pytest.mark.parametrize("method", ["optimal", "greedy"])
def test_the_view_follows_the_plan_s_rows_and_its_crew_rule(method: str) -> None:
    scenario = read_scenario(SCENARIO)
    plan = plan_scenario(scenario, PlanOptions(method=method))
    view = read_sustainment(scenario, plan)
    (months,) = [[m for m in view.months if m["platform"] == "how"]]
    rows = sorted(plan.sustainment, key=lambda r: r.month)
    for m, r in zip(months, rows, strict=True):
        # at hand: what is left at the month's end plus the share of the month's fire served
        assert m["cover"] == pytest.approx(
            r.ammo_cover_months + (r.operational - r.idle_no_ammo) / r.operational)
        assert m["reserve"] == r.ammo_cover_months
        assert m["in_training"] >= 0
    # a one-month course: every crew the plan trains spends one month on it
    arrivals = plan_arrivals(scenario, plan)
    trained = train_crews(scenario, arrivals, ahead=method != "greedy")[("RR", "how")]
    in_course = sum(m["in_training"] for m in months)
    assert in_course == pytest.approx(trained[-1] + months[-1]["in_training"])
    (queue,) = view.queues
    assert (queue.course_months, queue.seats_per_month) == (1, 1)
    assert queue.waiting_months == pytest.approx(sum(r.idle_no_crew for r in rows))
    (family,) = view.fragmentation
    delivered = sum(a.sum() for (rec, item), a in arrivals.items() if item == "how")
    assert family.start is not None and family.start.systems == 2
    assert family.end.systems == 2 + delivered and family.end.types == 1
    assert family.end.munitions == 1


def test_a_coordinator_sees_cover_crews_and_fragmentation(server: Server) -> None:
    page = _client(server, "coordinator").get("/pages/sustainment")
    assert page.status_code == 200
    for chart in ("chart-spec", "cover-spec", "queue-spec", "fragmentation-spec"):
        assert f'id="{chart}"' in page.text, chart
    for table in ("cover", "crews", "fragmentation"):
        body = re.search(rf'<table class="numbers {table}">.*?<tbody>(.*?)</tbody>', page.text,
                         re.S)
        assert body and "data-" in body.group(1), table
    assert re.search(r"<td[^>]*>2 → 4</td>", page.text)  # systems: 2 fielded, 2 donated


def test_roles_that_may_not_read_plans_see_no_number(server: Server) -> None:
    for role in ("nation", "recipient"):
        page = _client(server, role).get("/pages/sustainment")
        assert page.status_code == 403, role
        main = re.search(r"<main>(.*?)</main>", page.text, re.S)
        assert main and not re.search(r"\d", re.sub(r"<[^>]*>", "", main.group(1))), role
