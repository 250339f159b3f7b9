"""`replenish serve --plan` plans the store before serving: a finished plan job the pages and
the API open on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.commands.server import _plan_store
from replenish.scenario.reader import read_scenario
from replenish.store import make_engine, upgrade
from replenish.store.scenarios import load_scenario
from replenish.store.server_tables import PlanJob

SCENARIO = Path(__file__).parents[1] / "scenarios/plan_sustain"


def test_the_store_is_planned_into_a_finished_job(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        load_scenario(session, read_scenario(SCENARIO), author="test")
    job_id = _plan_store(sqlite_url)
    with Session(engine) as session:
        job = session.scalars(select(PlanJob).where(PlanJob.id == job_id)).one()
        assert (job.status, job.change, job.finished_at is not None) == ("done", None, True)
        assert job.summary is not None and job.summary["start"] == "2026-01"
        assert job.rows is not None and job.rows["sustainment.csv"]
    engine.dispose()
