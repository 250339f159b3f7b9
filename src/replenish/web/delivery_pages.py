"""The delivery page (roles that read plans): each hub's, and each route's with a capacity,
tonnes by month in the latest plan against its capacity (its throughput.csv), the months it is
full, and the shipments to the partner that arrive over it then. A store without routes has no
transport limits, and the page says so."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from replenish.api.deps import SessionDep
from replenish.errors import Problem
from replenish.i18n import _, number, percent
from replenish.plan.reader import FILE_MISSING
from replenish.reports.brief import month_name
from replenish.reports.delivery import (
    FULL,
    Limit,
    delivery_limits,
    use_words,
    waiting_shipments,
)
from replenish.store.scenarios import export_scenario
from replenish.store.server_tables import PlanJob
from replenish.web import charts
from replenish.web.charts import inline, month_axis, month_tooltip, with_month_names
from replenish.web.pages import HOME, VisitDep, _no_plan, _plan, _render
from replenish.web.sustainment import read_job_plan
from replenish.web.unreadable import UnreadablePlan

router = APIRouter(include_in_schema=False)
PAGE = "delivery"
#: the plan files the page reads
DELIVERY_FILES = ("throughput.csv", "donations.csv", "orders.csv")
#: bars of a month with room to spare, and of a full one
COLOURS = ("#4a7fb5", "#c0392b")


@router.get(f"{HOME}/{PAGE}")
def delivery(request: Request, visit: VisitDep, db: SessionDep) -> HTMLResponse:
    """Hubs and routes against their capacity in the latest plan, and what waits on them."""
    job = _plan(visit, db)
    scenario = export_scenario(db)
    if job is None:
        if scenario.routes:
            return _no_plan(request, visit, db, PAGE)
        return _render(request, "delivery.html", visit, job=None, limits=[])
    try:
        if scenario.routes:
            _need_throughput(job)
        plan = read_job_plan(job, scenario, DELIVERY_FILES)
    except UnreadablePlan as exc:
        return _no_plan(request, visit, db, PAGE, job, exc)
    limits = delivery_limits(plan, scenario)
    return _render(request, "delivery.html", visit, job=job, limits=limits,
                   waiting=waiting_shipments(plan, scenario, limits),
                   spec=charts.spec(delivery_chart(limits)) if limits else None,
                   month_name=month_name, use_words=use_words, amount=amount,
                   full_share=percent(FULL, 1))


def _need_throughput(job: PlanJob) -> None:
    """UnreadablePlan unless `job` has its throughput.csv (a plan made before the store had
    routes has none)."""
    rows = job.rows or {}
    if "throughput.csv" not in rows and "throughput" not in rows:
        raise UnreadablePlan(job.id, [Problem("throughput.csv", None, None, FILE_MISSING)])


def amount(value: float | None) -> str:
    """Tonnes or units as the page writes them: whole where whole, else to a tenth ('–' for
    none)."""
    if value is None:
        return "–"
    return number(value, 0 if abs(value - round(value)) < 0.05 else 1)


def limit_label(limit: Limit) -> str:
    """A hub or route as a chart names it: its code and name."""
    return f"{limit.code} · {limit.name}" if limit.name else limit.code


def delivery_chart(limits: Sequence[Limit]) -> Any:
    """Per hub and capacity-limited route, tonnes arriving each month (bars, red where full)
    against its capacity (a rule), a small chart each with its own scale."""
    room, full = _("below capacity"), _("full")
    data = [{"limit": limit_label(limit), "month": m.month, "tonnes": round(m.tonnes, 1),
             "capacity": m.capacity, "state": full if m.full else room, "use": use_words(m.use)}
            for limit in limits for m in limit.months]
    bars = alt.Chart().mark_bar().encode(
        x=alt.X("month:O", title=None, axis=month_axis(labelFontSize=8)),
        y=alt.Y("tonnes:Q", title=_("tonnes")),
        color=alt.Color("state:N", title=None,
                        scale=alt.Scale(domain=[room, full], range=list(COLOURS))),
        tooltip=[month_tooltip(),
                 alt.Tooltip("tonnes:Q", title=_("tonnes"), format=",.1f"),
                 alt.Tooltip("capacity:Q", title=_("capacity"), format=",.0f"),
                 alt.Tooltip("use:N", title=_("use"))])
    capacity = alt.Chart().mark_rule(color="#1d2733", strokeWidth=2).encode(
        y=alt.Y("max(capacity):Q"),
        tooltip=[alt.Tooltip("max(capacity):Q", title=_("capacity"), format=",.0f")],
    ).transform_filter("isValid(datum.capacity)")
    return alt.layer(bars, capacity, data=inline(with_month_names(data))).properties(
        width=alt.Step(14), height=150).facet(
        facet=alt.Facet("limit:N", title=None, sort=[limit_label(x) for x in limits],
                        header=alt.Header(labelFontSize=12, labelFontWeight="bold")),
        columns=2,
    ).resolve_scale(y="independent")
