"""POST /plans (plan the current state in the background), GET /plans (newest first, a page
at a time), GET /plans/{id}, POST /plans/{id}/cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, HTTPException, Path, Query, Request, status
from sqlalchemy import select

from replenish.api.auditing import record_write
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.planner import PlanRunner, cancel_job, new_job
from replenish.api.schemas.common import errors
from replenish.api.schemas.plans import PlanJobPublic
from replenish.store.scenarios import stored_scenario_name
from replenish.store.server_tables import PlanJob

router = APIRouter(prefix="/plans", tags=["plans"])
PlanId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=errors(401, 403, 409))
def create_plan(
    request: Request, background: BackgroundTasks, session: SessionDep,
    grant: Annotated[Grant, permit("plans.create")],
) -> PlanJobPublic:
    """Queue a plan of the store as it is now; poll GET /plans/{id} for progress and result.
    A user may have REPLENISH_MAX_QUEUED_PLANS plans queued or running at once (429 above)."""
    name = stored_scenario_name(session)
    if name is None:
        raise HTTPException(status.HTTP_409_CONFLICT, "the store holds no scenario to plan")
    job = new_job(session, grant.user.name, request.app.state.settings.max_queued_plans)
    record_write(session, grant.user, "plan.create", f"plan:{job.id}", {"scenario": name})
    runner: PlanRunner = request.app.state.runner
    # Background tasks run after the response, hence after the job row is committed.
    background.add_task(runner.submit, job.id)
    return to_public(job, with_files=False)


@router.get("", responses=errors(401, 403))
def read_plans(
    session: SessionDep, grant: Annotated[Grant, permit("plans.read")],
    before: Annotated[int | None, Query(ge=1, le=2**31, description=(
        "Only jobs with a smaller id: the last id of a page gives the next page."))] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many.")] = 50,
) -> list[PlanJobPublic]:
    """Planning jobs, newest first, without their summaries' files: one page."""
    query = select(PlanJob).order_by(PlanJob.id.desc()).limit(limit)
    if before is not None:
        query = query.where(PlanJob.id < before)
    return [to_public(job, with_files=False) for job in session.scalars(query)]


@router.post("/{plan_id}/cancel", responses=errors(401, 403, 404, 409))
def cancel_plan(
    plan_id: PlanId, session: SessionDep, grant: Annotated[Grant, permit("plans.create")],
) -> PlanJobPublic:
    """Cancel a queued or running plan (409 if it is already over)."""
    job = session.get(PlanJob, plan_id, with_for_update=True)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no plan {plan_id}")
    cancel_job(session, job)
    record_write(session, grant.user, "plan.cancel", f"plan:{job.id}", {})
    return to_public(job, with_files=False)


@router.get("/{plan_id}", responses=errors(401, 403, 404))
def read_plan(
    plan_id: PlanId, session: SessionDep, grant: Annotated[Grant, permit("plans.read")],
) -> PlanJobPublic:
    """A planning job: status and progress; when done, the summary and each file's rows."""
    job = session.get(PlanJob, plan_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no plan {plan_id}")
    return to_public(job, with_files=True)


def to_public(job: PlanJob, with_files: bool) -> PlanJobPublic:
    """The public view of a job row (files only when asked for, as they can be large)."""
    return PlanJobPublic(
        id=job.id, status=job.status, progress=job.progress,  # type: ignore[arg-type]
        stage=job.stage, requested_by=job.requested_by, created_at=job.created_at,
        started_at=job.started_at, finished_at=job.finished_at, error=job.error,
        summary=job.summary, files=job.rows if with_files else None,
    )
