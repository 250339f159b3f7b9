"""The joint-versus-national page (coordinators): plan the stored scenario both ways in the
background on request, then chart the recovery and who pays what against budget."""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from replenish.api.auditing import record_write
from replenish.api.deps import SessionDep
from replenish.api.planner import OPEN, PlanRunner, TooManyPlans, new_job
from replenish.errors import ScenarioError
from replenish.i18n import _
from replenish.reports.compare import headline_sentences, money, year_words
from replenish.store.scenarios import export_scenario, stored_scenario_name
from replenish.web import charts
from replenish.web.access import require
from replenish.web.compare import compare_pair, latest_pair, member_rows, payments, recovery
from replenish.web.job_words import job_words
from replenish.web.pages import HOME, Visit, VisitDep, _render, _root
from replenish.web.sessions import read_form
from replenish.web.unreadable import UnreadablePlan, log_unreadable, trouble_words

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
PAGE = HOME + "/compare"


def _page(request: Request, visit: Visit, db: Session, status_code: int = 200,
          error: str | None = None) -> HTMLResponse:
    pair = latest_pair(db)
    result, spec, problem = None, None, None
    if pair is not None and pair.done and stored_scenario_name(db) is not None:
        try:
            result = compare_pair(pair, export_scenario(db))
        except UnreadablePlan as exc:
            log_unreadable("compare", exc)
            problem = trouble_words(exc) + " " + _("Compare again.")
        except (ScenarioError, KeyError, ValueError, TypeError):
            log.warning("plans %s and %s cannot be compared", pair.joint.id, pair.national.id,
                        exc_info=True)
            problem = _("These plans can no longer be read against the store: compare again.")
        if result is not None:
            spec = charts.spec(charts.compare_chart(recovery(result), payments(result)))
    return _render(request, "compare.html", visit, status_code, page="compare", pair=pair,
                   result=result, spec=spec, problem=problem, error=error, open_statuses=OPEN,
                   headline=headline_sentences(result) if result else [],
                   members=member_rows(result) if result else [], money=money,
                   years=[year_words(y) for y in result.years] if result else [])


@router.get(PAGE)
def compare(request: Request, visit: VisitDep, db: SessionDep) -> HTMLResponse:
    """The newest comparison: its progress, or its charts."""
    require(visit.user, "plans.create")
    return _page(request, visit, db)


@router.post(PAGE, response_model=None)
async def queue_compare(request: Request, visit: VisitDep, db: SessionDep,
                        background: BackgroundTasks) -> Response:
    """Queue the stored scenario's plans, jointly then nationally."""
    await read_form(request, visit.session)
    user = require(visit.user, "plans.create").user
    if stored_scenario_name(db) is None:
        return _page(request, visit, db, 409, _("The store holds no scenario to plan."))
    limit = request.app.state.settings.max_queued_plans
    try:
        if limit < 2:
            return _page(request, visit, db, 429, _(
                "a comparison takes two plans; at most %(limit)s may be queued")
                % {"limit": limit})
        joint = new_job(db, user.name, limit - 1, {"procurement": "joint"})
        national = new_job(db, user.name, None, {"procurement": "national", "pair": joint.id})
    except TooManyPlans as exc:
        return _page(request, visit, db, 429, job_words(str(exc)))
    for job in (joint, national):
        record_write(db, user, "plan.create", f"plan:{job.id}", {"from": "compare"})
    runner: PlanRunner = request.app.state.runner
    background.add_task(runner.submit, joint.id)
    background.add_task(runner.submit, national.id)
    return RedirectResponse(_root(request) + PAGE, 303)
