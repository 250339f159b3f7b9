"""The risk page (roles that read plans): what a Monte Carlo sweep found, read from the
sweep.json of the folder the server was given (`replenish serve --sweep DIR`); without one,
how to make one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from replenish.errors import ScenarioError
from replenish.i18n import _
from replenish.reports import sweep_charts, sweep_view
from replenish.reports.sweep_view import SWEEP_COMMAND, Sweep, SweepMissing, read_sweep
from replenish.web import charts
from replenish.web.access import require
from replenish.web.pages import HOME, VisitDep, _render
from replenish.web.settings import PageSettings

router = APIRouter(include_in_schema=False)
PAGE = HOME + "/risk"


@router.get(PAGE)
def risk(request: Request, visit: VisitDep) -> HTMLResponse:
    """The sweep's headline, fan charts and per-member table; or how to make a sweep."""
    require(visit.user, "plans.read")
    settings: PageSettings = request.app.state.page_settings
    folder = settings.sweep_dir
    sweep: Sweep | None = None
    problem, missing = None, None
    if folder is not None:
        try:
            sweep = read_sweep(folder)
        except SweepMissing:
            missing = str(sweep_view.sweep_file(folder))
        except ScenarioError as exc:
            problem = str(exc)
    context: dict[str, Any] = {
        "page": "risk", "sweep": sweep, "folder": str(folder) if folder else None,
        "missing": missing, "problem": problem, "command": SWEEP_COMMAND,
        "serve": "replenish serve --sweep SWEEP"}
    if sweep is not None:
        axis = charts.month_axis()
        context.update(
            title=sweep_view.title(sweep), headline=sweep_view.headline(sweep),
            members=sweep_view.member_rows(sweep), on_time=sweep_view.on_time_rows(sweep),
            note=_(sweep_view.QUANTILE_NOTE),
            spec=charts.spec(sweep_charts.shortfall_chart(sweep, axis, 720, 240)),
            on_time_spec=charts.spec(sweep_charts.on_time_chart(sweep, axis, 720, 240)))
    return _render(request, "risk.html", visit, **context)
