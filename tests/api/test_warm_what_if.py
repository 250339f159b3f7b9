"""What-ifs planned warm in the server (issue 19): a plan of the store made by item groups
keeps its planner; a what-if compared with it re-plans only what the change touches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from replenish.api.planner import PlanRunner, new_job
from replenish.planning import decompose
from replenish.scenario.generator import generate_scenario
from replenish.store import make_engine, upgrade
from replenish.store.scenarios import load_scenario
from replenish.store.server_tables import PlanJob


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PlanRunner]:
    """A runner over a SQLite store of a small generated scenario, planned by item groups
    (as a large store would be)."""
    monkeypatch.setattr(decompose, "AUTO_COLUMNS", 0)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        load_scenario(session, generate_scenario(3, 12, 8, 5), "test")
    planner = PlanRunner(sessionmaker(engine))
    yield planner
    planner.shutdown()
    engine.dispose()


def _run(runner: PlanRunner, change: dict[str, object] | None = None) -> PlanJob:
    with runner.sessions.begin() as session:
        job_id = new_job(session, "coord", change=change).id
    runner.run(job_id)
    with runner.sessions.begin() as session:
        job = session.get(PlanJob, job_id)
        assert job is not None
        session.expunge(job)
    assert job.status == "done", job.error
    return job


def _decomposition(job: PlanJob) -> dict[str, object]:
    return job.summary["model"]["decomposition"]  # type: ignore[index, no-any-return]


def test_a_what_if_of_the_kept_plan_is_planned_warm(runner: PlanRunner) -> None:
    base = _run(runner)
    assert "warm" not in _decomposition(base)
    member = next(n for n in generate_scenario(3, 12, 8, 5).members
                  if n.annual_budget is not None)
    budget = member.annual_budget or 0.0
    change = {"file": "nations.csv", "match": {"code": member.code},
              "column": "annual_budget", "from": f"{budget:g}", "to": f"{2 * budget:g}",
              "base": base.id}
    warm = _run(runner, change)
    # a budget is the coupling's: no group is built again
    assert _decomposition(warm)["warm"]["groups_rebuilt"] == 0  # type: ignore[index]
    # a what-if of another plan than the kept one is planned from scratch
    cold = _run(runner, {**change, "base": base.id + 1000})
    assert "warm" not in _decomposition(cold)
    # both plan the same change, each within its gap of the same optimum
    gap = warm.summary["model"]["gap"] + cold.summary["model"]["gap"]  # type: ignore[index]
    assert abs(warm.summary["objective"] - cold.summary["objective"]) <= (  # type: ignore[index]
        (gap + 1e-6) * abs(cold.summary["objective"]))  # type: ignore[index]
