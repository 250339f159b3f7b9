"""The sustainment page: the partner's systems by platform and month (operational, idle for
want of ammunition or crews), how long their ammunition lasts, the crew-training queue and the
fleet's fragmentation, from the latest plan and the stored scenario.

Readings (see docs/pages.md): ammunition cover is counted in months of fire at the month's
rate of a platform's operational systems. The plan's `ammo_cover_months` is what is left at
the end of a month (the reserve); the cover at hand in a month adds the share of the month's
firing that was served, so 1 means just enough for the month and less means systems stood
idle. A munition two platforms fire counts for each; a platform that fires nothing that month
has no cover to show. The crew queue is, per
month, the systems delivered and waiting for a crew (the plan's `idle_no_crew`) and the crews
on their course, by the one crew rule of plan/sustain.py. Fragmentation is
reports/fragmentation.py's: platform types per family, at the start and the end of the plan.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

from replenish.model import Scenario, format_month
from replenish.plan.reader import read_plan
from replenish.plan.records import Plan
from replenish.plan.sustain import crews_in_training, plan_arrivals
from replenish.reports.brief_charts import OUTCOME_COLOURS
from replenish.reports.fragmentation import FamilyMetrics, fleet_metrics, scenario_fleet
from replenish.store.server_tables import PlanJob
from replenish.web.charts import inline, month_axis, month_tooltip, with_month_names
from replenish.web.unreadable import reading

#: the plan files the page reads
SUSTAINMENT_FILES = ("sustainment.csv", "donations.csv", "orders.csv")


@dataclass(frozen=True)
class PlatformView:
    """One platform of one recipient over the plan."""

    recipient: str
    platform: str
    operational: float
    idle_no_ammo: float
    idle_no_crew: float
    last_operational: float
    #: months of fire left at the end of the plan, and at hand in the leanest month, with
    #: the months in which it fell short (None: nothing fires)
    reserve_end: float | None
    cover_least: float | None
    cover_least_month: str | None
    months_short: int


@dataclass(frozen=True)
class CrewQueue:
    """The crew course of one platform of one recipient, over the plan."""

    recipient: str
    platform: str
    course_months: int
    seats_per_month: float
    most_waiting: float
    most_waiting_month: str | None
    waiting_months: float
    #: the month from which no delivered system waits for a crew ('' never; None never waited)
    clear_from: str | None


@dataclass(frozen=True)
class Fragmentation:
    """One family of a recipient's fleet at the start and at the end of the plan."""

    recipient: str
    start: FamilyMetrics | None
    end: FamilyMetrics


@dataclass(frozen=True)
class SustainmentView:
    platforms: list[PlatformView]
    queues: list[CrewQueue]
    fragmentation: list[Fragmentation]
    #: per recipient, platform and month: the plan's row with cover and crews in training
    months: list[dict[str, Any]]


def read_job_plan(job: PlanJob, scenario: Scenario,
                  names: Collection[str] = SUSTAINMENT_FILES) -> Plan:
    """The files `names` of a finished job (those this page reads by default), months counted
    from the scenario's start (the store's plans are plans of its scenario)."""
    files: dict[str, Any] = dict(job.rows or {})
    if job.summary is not None:
        files["summary.json"] = job.summary
    with reading(job):
        return read_plan(files, scenario.settings.start, files=names)


def read_sustainment(scenario: Scenario, plan: Plan) -> SustainmentView:
    """The page's numbers from the plan's sustainment rows and the stored scenario."""
    arrivals = plan_arrivals(scenario, plan)
    training = crews_in_training(scenario, arrivals, ahead=plan.method != "greedy")
    firing = {(c.recipient, c.platform) for c in scenario.consumption}
    months = []
    for r in sorted(plan.sustainment, key=lambda r: (r.recipient, r.platform, r.month)):
        key = (r.recipient, r.platform)
        fires = key in firing and r.operational > 0
        in_course = training.get(key)
        months.append({
            "recipient": r.recipient, "platform": r.platform,
            "month": format_month(r.month, scenario.settings.start), "operational": r.operational,
            "idle_no_ammo": r.idle_no_ammo, "idle_no_crew": r.idle_no_crew,
            "reserve": r.ammo_cover_months if fires else None,
            "cover": r.ammo_cover_months + 1 - r.idle_no_ammo / r.operational if fires
            else None,
            "in_training": float(in_course[r.month]) if in_course is not None
            and r.month < len(in_course) else 0.0})
    return SustainmentView(_platforms(months), _queues(scenario, months),
                           _fragmentation(scenario, arrivals), months)


def _platforms(months: Sequence[dict[str, Any]]) -> list[PlatformView]:
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for m in months:
        by_pair[(m["recipient"], m["platform"])].append(m)
    out = []
    for (recipient, platform), rows in sorted(by_pair.items()):
        covered = [m for m in rows if m["cover"] is not None]
        least = min(covered, key=lambda m: m["cover"]) if covered else None
        out.append(PlatformView(
            recipient, platform, sum(m["operational"] for m in rows),
            sum(m["idle_no_ammo"] for m in rows), sum(m["idle_no_crew"] for m in rows),
            rows[-1]["operational"], rows[-1]["reserve"],
            least["cover"] if least else None, least["month"] if least else None,
            sum(1 for m in rows if m["cover"] is not None and m["idle_no_ammo"] > 1e-6)))
    return out


def _queues(scenario: Scenario, months: Sequence[dict[str, Any]]) -> list[CrewQueue]:
    courses = {t.platform: t for t in scenario.training}
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for m in months:
        if m["platform"] in courses:
            by_pair[(m["recipient"], m["platform"])].append(m)
    out = []
    for (recipient, platform), rows in sorted(by_pair.items()):
        course = courses[platform]
        most = max(rows, key=lambda m: m["idle_no_crew"])
        waiting = [k for k, m in enumerate(rows) if m["idle_no_crew"] > 1e-6]
        clear = (None if not waiting else
                 rows[waiting[-1] + 1]["month"] if waiting[-1] + 1 < len(rows) else "")
        out.append(CrewQueue(recipient, platform, course.course_months, course.seats_per_month,
                             most["idle_no_crew"], most["month"] if waiting else None,
                             sum(m["idle_no_crew"] for m in rows), clear))
    return out


def _fragmentation(scenario: Scenario, arrivals: dict[tuple[str, str], Any]
                   ) -> list[Fragmentation]:
    """Per recipient and family: types fielded at the start, and with what the plan delivers
    within its horizon."""
    items = scenario.item_map
    out = []
    for nation in scenario.recipients:
        delivered = {item: float(q.sum()) for (rec, item), q in arrivals.items()
                     if rec == nation.code and items[item].kind == "platform"}
        start = {m.family: m for m in fleet_metrics(
            scenario_fleet(scenario, recipient=nation.code), items, scenario.compatibility)}
        end = fleet_metrics(scenario_fleet(scenario, delivered, nation.code), items,
                            scenario.compatibility)
        out += [Fragmentation(nation.code, start.get(m.family), m) for m in end]
    return out


def cover_chart(months: Sequence[dict[str, Any]]) -> Any:
    """Platforms x months, each tile the months of fire at hand, coloured by whether it
    covered the month."""
    from replenish.i18n import _

    bands = ((0.5, _("under half the month's fire")), (0.995, _("short of the month's fire")),
             (2.0, _("the month's fire")), (math.inf, _("two months' fire or more")))
    data = [{"platform": f"{m['recipient']} {m['platform']}", "month": m["month"],
             "band": next(label for bound, label in bands if m["cover"] < bound),
             "label": _tile(m["cover"])}
            for m in months if m["cover"] is not None]
    base = alt.Chart().encode(
        x=alt.X("month:O", title=None, axis=month_axis()),
        y=alt.Y("platform:N", title=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("band:N", title=None, sort=[label for _, label in bands],
                        scale=alt.Scale(domain=[label for _, label in bands],
                                        range=["#c0392b", "#f0a202", "#a9d5b5", "#3a8d5c"])),
        tooltip=[alt.Tooltip("platform:N", title=_("platform")),
                 month_tooltip(),
                 alt.Tooltip("label:N", title=_("months of fire at hand"))])
    text = base.mark_text(fontSize=9, color="#111").encode(text="label:N")
    return alt.layer(tiles, text, data=inline(with_month_names(data))).properties(
        width=alt.Step(30), height=alt.Step(22))


def _tile(cover: float) -> str:
    """A tile's months of fire: one decimal, never rounded up to a full month it lacked."""
    if cover < 0.995:
        return f"{math.floor(cover * 10) / 10:.1f}"
    return f"{cover:.1f}" if cover < 9.95 else f"{cover:.0f}"


def queue_chart(months: Sequence[dict[str, Any]]) -> Any:
    """Per platform with a crew course: systems waiting for a crew and crews on the course,
    by month."""
    from replenish.i18n import _

    states = (_("crews on the course"), _("systems waiting for a crew"))
    data = [{"platform": f"{m['recipient']} {m['platform']}", "month": m["month"],
             "state": state, "index": k, "count": m[column]}
            for m in months
            for k, (state, column) in enumerate(zip(states, ("in_training", "idle_no_crew"),
                                                    strict=True))
            if m[column] > 1e-6]
    return _states_by_month(data, "count", _("crews or systems"), _("number"), states)


def fragmentation_chart(rows: Sequence[Fragmentation]) -> Any:
    """Per family of the fleet: platform types and effective types, at the start and the end
    of the plan."""
    from replenish.i18n import _

    start, end = _("start of the plan"), _("end of the plan")
    measures = (_("platform types"), _("effective types"))
    data = [{"family": f"{r.recipient} {m.family.replace('_', ' ')}", "when": when,
             "measure": measure, "types": round(value, 2)}
            for r in rows
            for when, m in ((start, r.start), (end, r.end)) if m is not None
            for measure, value in zip(measures, (m.types, m.effective_types), strict=True)]
    return alt.Chart(inline(data)).mark_bar().encode(
        y=alt.Y("family:N", title=None, axis=alt.Axis(labelLimit=240)),
        yOffset=alt.YOffset("when:N", sort=[start, end]),
        x=alt.X("types:Q", title=_("platform types")),
        color=alt.Color("when:N", title=None, sort=[start, end],
                        scale=alt.Scale(range=["#b8c9dc", "#2b6ca3"])),
        column=alt.Column("measure:N", title=None, sort=list(measures)),
        tooltip=[alt.Tooltip("family:N", title=_("family")),
                 alt.Tooltip("when:N", title=_("when")),
                 alt.Tooltip("types:Q", title=_("types"))],
    ).properties(width=300, height=alt.Step(14))


def fleet_chart(months: Sequence[dict[str, Any]]) -> Any:
    """Per platform, its fleet by month: systems firing, crewed but idle for want of
    ammunition, and waiting for a crew (the three add up to the fleet)."""
    from replenish.i18n import _

    states = (_("firing"), _("idle: no ammunition"), _("idle: no crew"))
    data = [{"platform": f"{m['recipient']} {m['platform']}", "month": m["month"],
             "state": state, "index": k, "systems": value}
            for m in months
            for k, (state, value) in enumerate(zip(states, (
                m["operational"] - m["idle_no_ammo"], m["idle_no_ammo"], m["idle_no_crew"]),
                strict=True))
            if value > 1e-6]
    return _states_by_month(data, "systems", _("systems"), _("systems"), states)


def _states_by_month(data: list[dict[str, Any]], field: str, axis: str, tip: str,
                     states: Sequence[str]) -> Any:
    """Stacked bars of `field` by month and state (in the order and colours of `states`),
    one small chart per platform."""
    from replenish.i18n import _

    return alt.Chart(inline(with_month_names(data))).mark_bar().encode(
        x=alt.X("month:O", title=None, axis=month_axis(labelFontSize=8)),
        y=alt.Y(f"{field}:Q", title=axis, stack="zero"),
        color=alt.Color("state:N", title=None, scale=alt.Scale(
            domain=list(states), range=list(OUTCOME_COLOURS[:len(states)]))),
        order=alt.Order("index:Q"),
        tooltip=[alt.Tooltip("platform:N", title=_("platform")),
                 month_tooltip(),
                 alt.Tooltip("state:N", title=_("state")),
                 alt.Tooltip(f"{field}:Q", title=tip, format=",.0f")],
    ).properties(width=330, height=120).facet(
        facet=alt.Facet("platform:N", title=None), columns=2,
    ).resolve_scale(y="independent")
