"""Planning jobs in the background: the stored state is exported and planned on a worker thread.

The job row is the only channel between the request that queued the job and the worker: the
worker records its stage and progress there, then the plan's summary and files, or the error.
The planner itself never sees the database (it takes a Scenario and returns a Plan).

With a Dask scheduler set (REPLENISH_DASK_SCHEDULER), the worker thread sends `plan_files` and the
exported scenario there and waits: the job row then says queued, then running, on that
scheduler (a progress callback does not cross processes), and cancelling the job cancels its
task. The thread records the outcome either way.

A job names the server process that queued it (`worker`, HOST:PID); jobs only ever run in that
process. A server starting up marks failed every queued or running job of a process on its
host that no longer exists (`fail_orphaned_jobs`). A cancelled job is skipped if still queued,
or stopped at its next progress report if running.
"""

from __future__ import annotations

import logging
import math
import numbers
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from replenish.errors import ConflictError, InfeasiblePlan, NoPlanInTime, ScenarioError
from replenish.store.scenarios import export_scenario
from replenish.store.server_tables import PlanJob, User

if TYPE_CHECKING:
    from distributed import Client, Future

log = logging.getLogger(__name__)

#: Seconds between progress writes (the last one always goes through).
PROGRESS_INTERVAL = 0.5


#: Jobs that are not over yet.
OPEN = ("queued", "running")


class TooManyPlans(Exception):
    """The user already has as many plan jobs queued or running as it may."""


class JobCancelled(Exception):
    """The job was cancelled while it ran."""


class SchedulerError(Exception):
    """The Dask scheduler could not be reached, or dropped the plan."""


def this_worker() -> str:
    """This server process, as a job names it: HOST:PID."""
    return f"{socket.gethostname()}:{os.getpid()}"


def new_job(session: Session, requested_by: str, limit: int | None = None,
            change: dict[str, Any] | None = None) -> PlanJob:
    """Queue a planning job (flushed, so it has its id); TooManyPlans if the user already has
    `limit` jobs queued or running. With `change`, a what-if: the stored state with that
    scenario change (planning.measure.apply_change)."""
    if limit is not None:
        # The user's row is locked so that two requests cannot both take the last place.
        session.execute(select(User.id).where(User.name == requested_by).with_for_update())
        open_jobs = session.scalar(select(func.count()).select_from(PlanJob).where(
            PlanJob.requested_by == requested_by, PlanJob.status.in_(OPEN)))
        if (open_jobs or 0) >= limit:
            raise TooManyPlans(f"{requested_by} already has {open_jobs} plans queued or "
                               f"running (at most {limit}); wait for one or cancel it")
    job = PlanJob(status="queued", progress=0.0, stage="queued", requested_by=requested_by,
                  created_at=datetime.now(UTC), worker=this_worker(), change=change)
    session.add(job)
    session.flush()
    return job


def cancel_job(session: Session, job: PlanJob) -> None:
    """Cancel a queued or running job (a running one stops at its next progress report)."""
    if job.status not in OPEN:
        raise ConflictError(f"plan {job.id} is {job.status} and can no longer be cancelled")
    job.status = "cancelled"
    job.stage = "cancelled"
    job.finished_at = datetime.now(UTC)


def fail_orphaned_jobs(sessions: sessionmaker[Session]) -> list[int]:
    """Mark failed, with the reason, every queued or running job whose server process is gone
    (on this host; a job of another host is left to that host's servers). Returns their ids."""
    host = socket.gethostname()
    failed = []
    with sessions.begin() as session:
        for job in session.scalars(select(PlanJob).where(PlanJob.status.in_(OPEN))
                                   .with_for_update()):
            worker_host, _, pid = (job.worker or "").rpartition(":")
            if job.worker is not None and (worker_host != host or _alive(pid)):
                continue
            job.status, job.stage = "failed", "failed"
            job.error = (f"the server process running this plan ({job.worker or 'unknown'}) "
                         f"stopped before it finished; plan again")
            job.finished_at = datetime.now(UTC)
            failed.append(job.id)
    if failed:
        log.warning("plan jobs %s were left by a stopped server; marked failed", failed)
    return failed


def _alive(pid: str) -> bool:
    """Whether process `pid` of this host exists (this process's own jobs are never left
    over at start-up: a match is a reused pid)."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def latest_plan(session: Session) -> PlanJob | None:
    """The most recently finished successful plan of the store as it is (no what-if), if any."""
    query = (select(PlanJob).where(PlanJob.status == "done", PlanJob.change.is_(None))
             .order_by(PlanJob.finished_at.desc(), PlanJob.id.desc()).limit(1))
    return session.scalar(query)


class PlanRunner:
    """Runs queued planning jobs on a small pool of threads (planning is CPU-bound), each
    planning in its thread or, given a Dask `scheduler` address, there."""

    def __init__(self, sessions: sessionmaker[Session], workers: int = 1, scheduler: str = "",
                 connect_timeout: float = 10.0) -> None:
        self.sessions = sessions
        self.workers = workers
        self.scheduler = scheduler
        self.connect_timeout = connect_timeout
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        #: the last plan of the store made by item groups, kept to plan its what-ifs warm
        #: (issue 19): (its job id, its decompose.GroupPlanner); one at a time, as it holds
        #: every group's model (about 1 GB at M)
        self._kept: tuple[int, Any] | None = None
        self._kept_lock = threading.Lock()

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
        with self._kept_lock:
            self._keep(None)

    def _keep(self, kept: tuple[int, Any] | None) -> None:
        """Keep `kept` (job id, planner) in place of the planner kept before, which is closed
        (call holding `_kept_lock`)."""
        if self._kept is not None:
            self._kept[1].close()
        self._kept = kept

    def run(self, job_id: int) -> None:
        """Plan the stored state and record the outcome on the job row."""
        try:
            if not self._start(job_id):
                return  # cancelled while queued
            with self.sessions.begin() as session:
                scenario = export_scenario(session)
                change = session.scalar(select(PlanJob.change).where(PlanJob.id == job_id))
            if change:
                scenario = changed_scenario(scenario, change)
            if self.scheduler:
                summary, files = self._plan_on_dask(job_id, scenario)
            else:
                summary, files = self._plan_here(job_id, scenario, change)
            self._update(job_id, status="done", stage="done", progress=1.0, summary=summary,
                         rows=files, finished_at=datetime.now(UTC))
        except JobCancelled:
            log.info("planning job %s cancelled", job_id)
        except (InfeasiblePlan, NoPlanInTime, ScenarioError, SchedulerError) as exc:
            self._fail(job_id, f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # a worker thread has no one else to report to
            log.exception("planning job %s failed", job_id)
            self._fail(job_id, f"{type(exc).__name__}: {exc}")

    def _plan_here(self, job_id: int, scenario: Any, change: dict[str, Any] | None
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
        """`plan_files` of `scenario` in this process: a plan of the store as it is keeps its
        planner where it was made by item groups; a what-if compared with that plan starts
        from it (a warm re-plan, one at a time)."""
        progress = self._progress(job_id)
        if change is None:
            kept: list[Any] = []
            try:
                out = plan_files(scenario, progress, keep=kept)
            except BaseException:
                for planner in kept:
                    planner.close()
                raise
            if kept:
                with self._kept_lock:
                    self._keep((job_id, kept[0]))
            return out
        base = change.get("base")
        with self._kept_lock:
            if (self._kept is not None and base == self._kept[0]
                    and "procurement" not in change):
                return plan_files(scenario, progress, warm_from=self._kept[1])
        return plan_files(scenario, progress)

    def _plan_on_dask(self, job_id: int, scenario: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """`plan_files` of `scenario` on the Dask scheduler, through a client of this job's own
        (closing it releases the task whatever happened)."""
        from distributed import Client

        try:
            client = Client(self.scheduler, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SchedulerError(f"the Dask scheduler at {self.scheduler} could not be reached "
                                 f"in {self.connect_timeout:g} s: {exc}") from exc
        with client:
            self._update(job_id, stage=f"queued on {self.scheduler}"[:200])
            future = client.submit(plan_files, scenario, ignore_progress, pure=False,
                                   key=f"replenish-plan-{job_id}-{uuid.uuid4().hex[:8]}")
            try:
                return self._wait(job_id, client, future)
            except JobCancelled:
                future.cancel()
                raise
            except CancelledError as exc:  # the scheduler cancelled it (lost, restarted)
                raise SchedulerError(f"the Dask scheduler at {self.scheduler} dropped the plan: "
                                     f"{exc or 'cancelled'}") from exc

    def _wait(self, job_id: int, client: Client, future: Future,
              ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The result of `future`, checking every PROGRESS_INTERVAL that the job still runs and
        saying so on its row once a Dask worker runs the task (JobCancelled if cancelled)."""
        started = False
        while True:
            try:
                summary, files = future.result(timeout=PROGRESS_INTERVAL)
                return summary, files
            except TimeoutError:
                if future.done():
                    # done since the wait ran out (CI, a busy machine: the finished plan read
                    # as failed), or the plan itself timed out: its result, or its error
                    summary, files = future.result()
                    return summary, files
            if not started and any(future.key in stacks
                                   for stacks in client.call_stack(keys=[future.key]).values()):
                started = True
                self._update(job_id, stage=f"running on {self.scheduler}"[:200], progress=0.5)
            else:
                self._update(job_id)

    def _progress(self, job_id: int) -> Callable[[str, float], None]:
        """A progress callback that writes the job row at most every PROGRESS_INTERVAL."""
        last = [0.0]

        def report(stage: str, fraction: float) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL or fraction >= 1.0:
                last[0] = now
                self._update(job_id, stage=stage[:200], progress=min(max(fraction, 0.0), 1.0))
        return report

    def _start(self, job_id: int) -> bool:
        """Mark a queued job running (by this process); False if it is no longer queued."""
        with self.sessions.begin() as session:
            started = session.execute(
                update(PlanJob).where(PlanJob.id == job_id, PlanJob.status == "queued")
                .values(status="running", stage="reading the store", progress=0.0,
                        started_at=datetime.now(UTC), worker=this_worker()))
            return bool(getattr(started, "rowcount", 0))

    def _fail(self, job_id: int, error: str) -> None:
        """Record that the job failed, and why."""
        try:
            self._update(job_id, status="failed", stage="failed", error=error,
                         finished_at=datetime.now(UTC))
        except JobCancelled:
            pass

    def _update(self, job_id: int, **values: Any) -> None:
        """Set columns of a running job's row in a short transaction of its own (none: only
        check); JobCancelled if it was cancelled meanwhile (its row is left as the cancel made
        it)."""
        with self.sessions.begin() as session:
            job = session.get(PlanJob, job_id, with_for_update=True)
            if job is None:
                return
            if job.status != "running":
                raise JobCancelled(job_id)
            for name, value in values.items():
                setattr(job, name, value)


def changed_scenario(scenario: Any, change: dict[str, Any]) -> Any:
    """The scenario a job with `change` plans: in another procurement mode
    ({"procurement": MODE}, the joint/national comparison), or with one cell changed (a
    what-if: planning.measure.apply_change)."""
    if "procurement" in change:
        from replenish.reports.compare import with_procurement

        return with_procurement(scenario, change["procurement"])
    from replenish.planning.measure import apply_change

    return apply_change(scenario, change)


def plan_files(
    scenario: Any, progress: Callable[[str, float], None], keep: list[Any] | None = None,
    warm_from: Any = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Plan `scenario`; return the summary and each plan file's rows, as plain JSON values
    (`keep`, `warm_from`: see planning.plan_scenario)."""
    from replenish.plan.writer import plan_tables, summary_dict
    from replenish.planning import plan_scenario

    plan = plan_scenario(scenario, None, progress, keep=keep, warm_from=warm_from)
    return jsonable(summary_dict(plan, scenario)), jsonable(plan_tables(plan, scenario))


def ignore_progress(stage: str, fraction: float) -> None:
    """A progress callback that reports nowhere (planning in another process)."""


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
