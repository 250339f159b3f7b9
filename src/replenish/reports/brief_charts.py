"""The brief's charts: Vega-Lite specifications built with Altair, rendered to SVG offline by
vl-convert (no base URL allowed, so nothing is fetched), embedded as data URIs."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

import altair as alt

from replenish import i18n
from replenish.i18n import _
from replenish.plan.totals import money
from replenish.reports.brief import (
    STATUSES,
    Arrival,
    Payer,
    PriorityRow,
    Readiness,
    family_name,
    month_name,
    share_of_target,
)
from replenish.reports.delivery import Limit

FONT = "DejaVu Sans"
#: on time / late / unmet, and below floor / below target / at target
OUTCOME_COLOURS = ("#2b6ca3", "#f0a202", "#c0392b")
STATUS_COLOURS = ("#c0392b", "#f4c542", "#3a8d5c")
PAY_COLOURS = ("#2b6ca3", "#7fb3d5", "#95a5a6")
#: a YYYY-MM axis value as 'Jan 27'
_MONTH_LABEL = "utcFormat(toDate(datum.value + '-01'), '%b %y')"
#: room for a legend's title and labels (Vega cuts at 180 and 160 pixels: Danish is longer)
LEGEND_LIMIT = 480
#: whole units only on a count axis (no tick at half a launcher)
_WHOLE = "datum.value % 1 ? '' : format(datum.value, ',')"


def month_axis(months: Sequence[str]) -> alt.Axis:
    """A month axis as the brief's charts label it ('Jan 27'), every third month."""
    return alt.Axis(labelExpr=_MONTH_LABEL, labelAngle=-90, labelFontSize=7,
                    values=list(months[::3]))


def _budgets(payer: Payer) -> list[float | None]:
    return [budget for _label, _spent, budget in payer.years]


def _index_of(field: str, labels: Sequence[str]) -> str:
    """A Vega expression: the place of datum[field] in `labels` (the order of a stack)."""
    return f"indexof({json.dumps(list(labels))}, datum[{json.dumps(field)}])"


def _data(rows: Sequence[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=list(rows))


def _configure(chart: Any) -> Any:
    # one configure() call: a second one replaces the whole config (the Danish charts lost
    # their font, axes and legend to the locale)
    locale = i18n.chart_locale()
    return (chart.configure(font=FONT, **({} if locale is None else {"locale": locale}))
            .configure_view(stroke=None)
            .configure_axis(labelFontSize=9, titleFontSize=9, grid=False)
            .configure_legend(labelFontSize=9, titleFontSize=9, orient="top",
                              labelLimit=LEGEND_LIMIT, titleLimit=LEGEND_LIMIT))


def svg(chart: Any) -> str:
    """The chart as SVG, rendered without any network access."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(_configure(chart).to_dict(), allowed_base_urls=[]))


def data_uri(svg_text: str) -> str:
    """An SVG as a data: URI, for an <img> that needs nothing but the page itself."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg_text.encode()).decode("ascii")


def priorities_chart(rows: Sequence[PriorityRow]) -> Any:
    """Per priority, the share of the units asked that arrive on time, late or never."""
    outcomes = (_("on time"), _("late"), _("unmet"))
    data = [{"priority": _priority(r.priority), "outcome": o, "units": v,
             "label": i18n.number(v)}
            for r in rows for o, v in zip(outcomes, (r.on_time, r.late, r.unmet), strict=True)
            if v > 0]
    order = [_priority(r.priority) for r in rows]
    return alt.Chart(_data(data)).mark_bar().encode(
        y=alt.Y("priority:N", sort=order, title=None),
        x=alt.X("units:Q", stack="normalize", title=_("share of the units asked"),
                axis=alt.Axis(format="%")),
        color=alt.Color("outcome:N", title=None,
                        scale=alt.Scale(domain=list(outcomes), range=list(OUTCOME_COLOURS))),
        order=alt.Order("index:Q"),
        tooltip=[alt.Tooltip("priority:N", title=_("priority")),
                 alt.Tooltip("outcome:N", title=_("outcome")),
                 alt.Tooltip("label:N", title=_("units"))],
    ).transform_calculate(index=_index_of("outcome", outcomes),
                          ).properties(width=420, height=18 * len(order))


def _priority(priority: str) -> str:
    """A priority as a chart's row names it: 'priority 1', or 'all'."""
    return _("all") if priority == "all" else _("priority %(n)s") % {"n": priority}


def readiness_chart(cells: Sequence[Readiness]) -> Any:
    """Members x item families, coloured by stock against floor and target, first and last
    month side by side; each cell says the stock as a share of target."""
    data = [{"member": c.member, "family": family_name(c.family),
             "month": _("end of %(month)s") % {"month": month_name(c.month)},
             "status": _(c.status), "label": share_of_target(c.on_hand, c.target)}
            for c in cells]
    base = alt.Chart().encode(
        x=alt.X("family:N", title=None, axis=alt.Axis(labelAngle=-40, labelLimit=130,
                                                      labelFontSize=8.5)),
        y=alt.Y("member:N", title=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("status:N", title=_("stock against floor and target"),
                        scale=alt.Scale(domain=[_(s) for s in STATUSES],
                                        range=list(STATUS_COLOURS))))
    text = base.mark_text(fontSize=9, color="#111").encode(text="label:N")
    months = list(dict.fromkeys(d["month"] for d in data))
    return alt.layer(tiles, text, data=_data(data)).properties(
        width=268, height=25 * len({c.member for c in cells})).facet(
        column=alt.Column("month:N", title=None, sort=months,
                          header=alt.Header(labelFontSize=10, labelFontWeight="bold")))


def arrivals_chart(arrivals: Sequence[Arrival], months: Sequence[str]) -> Any:
    """Units arriving at the partner by month, a small chart per family (own scale each)."""
    families = sorted({a.family for a in arrivals})
    totals = {f: sum(a.units for a in arrivals if a.family == f) for f in families}
    data = [{"month": a.month, "units": a.units,
             "family": _("%(family)s: %(units)s units") % {
                 "family": family_name(a.family), "units": i18n.number(totals[a.family])}}
            for a in arrivals]
    return alt.Chart(_data(data)).mark_bar(color=OUTCOME_COLOURS[0]).encode(
        x=alt.X("month:O", scale=alt.Scale(domain=list(months)), title=None,
                axis=alt.Axis(labelExpr=_MONTH_LABEL, labelAngle=-90, labelFontSize=7,
                              values=list(months[::3]))),
        y=alt.Y("units:Q", title=None, axis=alt.Axis(tickCount=3, labelExpr=_WHOLE)),
    ).properties(width=118, height=62).facet(
        facet=alt.Facet("family:N", title=None, header=alt.Header(labelFontSize=8.5)),
        columns=4,
    ).resolve_scale(y="independent")


def payers_chart(payers: Sequence[Payer]) -> Any:
    """Each member's spending over the horizon by purpose, against its budget (a tick)."""
    parts = (_("for its own stocks"), _("for the partner"), _("share of expansion"))
    data = [{"member": p.name, "purpose": purpose, "money": value / 1e6,
             "label": money(value)}
            for p in payers
            for purpose, value in zip(parts, (p.own, p.partner, p.expansion), strict=True)
            if value > 0]
    budgets = [{"member": p.name, "money": sum(b for b in _budgets(p) if b is not None) / 1e6}
               for p in payers if all(b is not None for b in _budgets(p))]
    order = [p.name for p in sorted(payers, key=lambda p: -p.total)]
    bars = alt.Chart(_data(data)).mark_bar().encode(
        y=alt.Y("member:N", sort=order, title=None),
        x=alt.X("money:Q", title=_("million, over the whole plan")),
        color=alt.Color("purpose:N", title=None,
                        scale=alt.Scale(domain=list(parts), range=list(PAY_COLOURS))),
        order=alt.Order("index:Q"),
    ).transform_calculate(index=_index_of("purpose", parts))
    ticks = alt.Chart(_data(budgets)).mark_tick(color="#111", thickness=2, size=14).encode(
        y=alt.Y("member:N", sort=order), x="money:Q")
    return alt.layer(bars, ticks).properties(width=470, height=18 * len(order))


def delivery_chart(limits: Sequence[Limit]) -> Any:
    """Tonnes arriving each month over each hub and capacity-limited route (bars, red where
    full) against its capacity (a line), a small chart each with its own scale."""
    room, full = _("below capacity"), _("full")
    labels = [_limit_label(limit) for limit in limits]
    data = [{"limit": label, "month": m.month, "tonnes": m.tonnes, "capacity": m.capacity,
             "state": full if m.full else room}
            for limit, label in zip(limits, labels, strict=True) for m in limit.months]
    months = sorted({m.month for limit in limits for m in limit.months})
    bars = alt.Chart().mark_bar().encode(
        x=alt.X("month:O", scale=alt.Scale(domain=months), title=None,
                axis=month_axis(months)),
        y=alt.Y("tonnes:Q", title=None, axis=alt.Axis(tickCount=3)),
        color=alt.Color("state:N", title=None, scale=alt.Scale(
            domain=[room, full], range=[OUTCOME_COLOURS[0], OUTCOME_COLOURS[2]])))
    capacity = alt.Chart().mark_rule(color="#111", strokeWidth=1.2).encode(
        y=alt.Y("max(capacity):Q")).transform_filter("isValid(datum.capacity)")
    return alt.layer(bars, capacity, data=_data(data)).properties(width=150, height=55).facet(
        facet=alt.Facet("limit:N", title=None, sort=labels,
                        header=alt.Header(labelFontSize=8.5)),
        columns=3,
    ).resolve_scale(y="independent")


def _limit_label(limit: Limit) -> str:
    """A hub or route as its small chart is headed: 'APT: 120 tonnes a month'."""
    if limit.capacity is None:
        return _("%(code)s: no limit") % {"code": limit.code}
    return _("%(code)s: %(num)s tonnes a month") % {
        "code": limit.code, "num": i18n.number(limit.capacity)}
