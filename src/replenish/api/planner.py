"""Planning jobs in the background: the stored state is exported and planned on a worker thread.

The job row is the only channel between the request that queued the job and the worker: the
worker records its stage and progress there, then the plan's summary and files, or the error.
The planner itself never sees the database (it takes a Scenario and returns a Plan).
"""

from __future__ import annotations

import logging
import math
import numbers
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from replenish.errors import InfeasiblePlan, NoPlanInTime, ScenarioError
from replenish.store.scenarios import export_scenario
from replenish.store.server_tables import PlanJob

log = logging.getLogger(__name__)

#: Seconds between progress writes (the last one always goes through).
PROGRESS_INTERVAL = 0.5


def new_job(session: Session, requested_by: str) -> PlanJob:
    """Queue a planning job (flushed, so it has its id)."""
    job = PlanJob(status="queued", progress=0.0, stage="queued", requested_by=requested_by,
                  created_at=datetime.now(UTC))
    session.add(job)
    session.flush()
    return job


def latest_plan(session: Session) -> PlanJob | None:
    """The most recently finished successful plan, if any."""
    query = (select(PlanJob).where(PlanJob.status == "done")
             .order_by(PlanJob.finished_at.desc(), PlanJob.id.desc()).limit(1))
    return session.scalar(query)


class PlanRunner:
    """Runs queued planning jobs on a small pool of threads (planning is CPU-bound)."""

    def __init__(self, sessions: sessionmaker[Session], workers: int = 1) -> None:
        self.sessions = sessions
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, job_id: int) -> None:
        """Start job `job_id` when a worker is free (call after its row is committed)."""
        with self._lock:
            # Made on demand: an application may be started and stopped more than once.
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers,
                                                thread_name_prefix="replenish-plan")
            self._pool.submit(self.run, job_id)

    def shutdown(self, wait: bool = False) -> None:
        """Stop taking queued jobs; a plan in progress finishes (waited for only if `wait`)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)

    def run(self, job_id: int) -> None:
        """Plan the stored state and record the outcome on the job row."""
        try:
            self._update(job_id, status="running", stage="reading the store", progress=0.0,
                         started_at=datetime.now(UTC))
            with self.sessions.begin() as session:
                scenario = export_scenario(session)
            summary, files = plan_files(scenario, self._progress(job_id))
            self._update(job_id, status="done", stage="done", progress=1.0, summary=summary,
                         rows=files, finished_at=datetime.now(UTC))
        except (InfeasiblePlan, NoPlanInTime, ScenarioError) as exc:
            self._fail(job_id, f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # a worker thread has no one else to report to
            log.exception("planning job %s failed", job_id)
            self._fail(job_id, f"{type(exc).__name__}: {exc}")

    def _progress(self, job_id: int) -> Callable[[str, float], None]:
        """A progress callback that writes the job row at most every PROGRESS_INTERVAL."""
        last = [0.0]

        def report(stage: str, fraction: float) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL or fraction >= 1.0:
                last[0] = now
                self._update(job_id, stage=stage[:200], progress=min(max(fraction, 0.0), 1.0))
        return report

    def _fail(self, job_id: int, error: str) -> None:
        """Record that the job failed, and why."""
        self._update(job_id, status="failed", stage="failed", error=error,
                     finished_at=datetime.now(UTC))

    def _update(self, job_id: int, **values: Any) -> None:
        """Set columns of the job row in a short transaction of its own."""
        with self.sessions.begin() as session:
            job = session.get(PlanJob, job_id)
            if job is not None:
                for name, value in values.items():
                    setattr(job, name, value)


def plan_files(
    scenario: Any, progress: Callable[[str, float], None],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Plan `scenario`; return the summary and each plan file's rows, as plain JSON values."""
    from replenish.plan.writer import plan_tables, summary_dict
    from replenish.planning import plan_scenario

    plan = plan_scenario(scenario, None, progress)
    return jsonable(summary_dict(plan, scenario)), jsonable(plan_tables(plan, scenario))


def jsonable(value: Any) -> Any:
    """`value` with numpy scalars made plain and non-finite floats made null (JSON has neither)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    return str(value)
