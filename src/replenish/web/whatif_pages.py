"""The what-if page (coordinators): change one row of the stored scenario or add a route to
it, re-plan it in the background as a plan job, and show what that does to the current plan."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.api.auditing import record_write
from replenish.api.deps import SessionDep
from replenish.api.identity import Identity
from replenish.api.planner import OPEN, PlanRunner, TooManyPlans, new_job
from replenish.errors import ScenarioError
from replenish.i18n import _
from replenish.store.scenarios import export_scenario, stored_scenario_name
from replenish.store.server_tables import PlanJob
from replenish.web import views
from replenish.web.access import require
from replenish.web.job_words import job_words
from replenish.web.pages import HOME, Visit, VisitDep, _render, _root
from replenish.web.sessions import read_form
from replenish.web.unreadable import UnreadablePlan, log_unreadable, trouble_words
from replenish.web.whatif import (
    KINDS,
    ROUTE_FIELDS,
    WhatIfError,
    describe,
    parse_change,
    parse_route,
    read_choices,
    read_outcome,
    read_route_choices,
)

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
PAGE = HOME + "/what-if"
JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _what_if(db: Session, job_id: int | None) -> PlanJob | None:
    job = db.get(PlanJob, job_id) if job_id is not None else None
    return job if job is not None and job.change is not None else None


def _one_change(job: PlanJob) -> bool:
    """Whether a job is a what-if (not one of the joint/national comparison's plans)."""
    return job.change is not None and "procurement" not in job.change


def _page(request: Request, visit: Visit, db: Session, job_id: int | None = None,
          status_code: int = 200, error: str | None = None, row: str = "",
          value: str = "", route_error: str | None = None,
          route: dict[str, str] | None = None) -> HTMLResponse:
    """The forms (a changed row, an added route), the what-if `job_id` (its progress or
    outcome) and the recent what-ifs; `route` the route form's entries to show again."""
    scenario = export_scenario(db) if stored_scenario_name(db) is not None else None
    choices = read_choices(scenario) if scenario is not None else []
    route_choices = read_route_choices(scenario) if scenario is not None else None
    shown = _what_if(db, job_id)
    shown = shown if shown is not None and _one_change(shown) else None
    outcome, problem = None, None
    if shown is not None and shown.status == "done" and scenario is not None:
        base = db.get(PlanJob, (shown.change or {}).get("base") or 0)
        if base is not None and base.status == "done":
            try:
                outcome = read_outcome(scenario, shown, base)
            except UnreadablePlan as exc:
                log_unreadable("what-if", exc)
                problem = trouble_words(exc) + " " + _("Plan the store again and ask again.")
            except (ScenarioError, KeyError, ValueError, TypeError):
                log.warning("what-if %s cannot be compared with plan %s", shown.id, base.id,
                            exc_info=True)
        if outcome is None and problem is None:
            problem = _("The plan this what-if is compared with can no longer be read: "
                        "plan the store again and ask again.")
    recent = [job for job in db.scalars(select(PlanJob).where(PlanJob.change.is_not(None))
                                        .order_by(PlanJob.id.desc()).limit(40))
              if _one_change(job)][:10]
    return _render(request, "what_if.html", visit, status_code, page="what-if",
                   choices=choices, kinds=KINDS, base=views.latest_plan(db), shown=shown,
                   outcome=outcome, problem=problem, recent=recent, describe=describe,
                   error=error, row=row, value=value, open_statuses=OPEN,
                   route_choices=route_choices, route_error=route_error,
                   route=route or {})


@router.get(PAGE)
def what_if(request: Request, visit: VisitDep, db: SessionDep,
            job: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> HTMLResponse:
    """The what-if form, and the what-if `job` if one is asked for."""
    require(visit.user, "plans.create")
    return _page(request, visit, db, job)


@router.post(PAGE, response_model=None)
async def queue_what_if(request: Request, visit: VisitDep, db: SessionDep,
                        background: BackgroundTasks) -> Response:
    """Queue a re-plan of the stored scenario with the form's change, then show its progress."""
    fields = await read_form(request, visit.session)
    user = require(visit.user, "plans.create").user
    row, value = fields.get("row", ""), fields.get("value", "")
    base = views.latest_plan(db)
    if base is None or stored_scenario_name(db) is None:
        return _page(request, visit, db, None, 409, _("There is no finished plan to compare "
                     "with: plan the store as it is first."), row, value)
    try:
        change = parse_change(read_choices(export_scenario(db)), row, value)
    except WhatIfError as exc:
        return _page(request, visit, db, None, 422, str(exc), row, value)
    try:
        return _queue(request, db, background, user, change, base)
    except TooManyPlans as exc:
        return _page(request, visit, db, None, 429, job_words(str(exc)), row, value)


@router.post(PAGE + "/route", response_model=None)
async def queue_added_route(request: Request, visit: VisitDep, db: SessionDep,
                            background: BackgroundTasks) -> Response:
    """Queue a re-plan of the stored scenario with the form's route added, then show its
    progress."""
    fields = await read_form(request, visit.session)
    user = require(visit.user, "plans.create").user
    entries = {name: fields.get(name, "") for name in ROUTE_FIELDS}
    base = views.latest_plan(db)
    if base is None or stored_scenario_name(db) is None:
        return _page(request, visit, db, None, 409, route_error=_(
            "There is no finished plan to compare with: plan the store as it is first."),
            route=entries)
    try:
        change = parse_route(export_scenario(db), entries)
    except WhatIfError as exc:
        return _page(request, visit, db, None, 422, route_error=str(exc), route=entries)
    try:
        return _queue(request, db, background, user, change, base)
    except TooManyPlans as exc:
        return _page(request, visit, db, None, 429, route_error=job_words(str(exc)),
                     route=entries)


def _queue(request: Request, db: Session, background: BackgroundTasks, user: Identity,
           change: dict[str, Any], base: PlanJob) -> RedirectResponse:
    """Queue the what-if `change` against the plan `base` (TooManyPlans if the queue is full),
    and send the browser to its progress."""
    job = new_job(db, user.name, request.app.state.settings.max_queued_plans,
                  {**change, "base": base.id})
    record_write(db, user, "plan.create", f"plan:{job.id}",
                 {"from": "what-if", "change": describe(change), "base": base.id})
    runner: PlanRunner = request.app.state.runner
    background.add_task(runner.submit, job.id)
    return RedirectResponse(f"{_root(request)}{PAGE}?job={job.id}", 303)


@router.get(PAGE + "/{job_id}/progress")
def what_if_progress(visit: VisitDep, db: SessionDep, job_id: JobId) -> JSONResponse:
    """A what-if's (or a comparison plan's) status and progress, for a page's progress bar."""
    require(visit.user, "plans.create")
    job = _what_if(db, job_id)
    if job is None:
        return JSONResponse({"detail": f"no what-if {job_id}"}, 404)
    return JSONResponse({"id": job.id, "status": job.status, "progress": job.progress,
                         "stage": job_words(job.stage), "error": job_words(job.error) or None})
