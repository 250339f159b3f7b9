"""The pages' charts: Vega-Lite specifications built with Altair (the brief's where they fit),
drawn in the browser by the vendored vega-embed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt

from replenish.ledger import Position
from replenish.reports.brief import STATUSES, PriorityRow, family_name
from replenish.reports.brief_charts import OUTCOME_COLOURS, STATUS_COLOURS, priorities_chart
from replenish.web.views import Binding

#: the page's own fonts: nothing is fetched
FONT = "system-ui, sans-serif"
#: money on an axis, as the pages write it: 1.5 bn
BILLIONS = "format(datum.value / 1e9, '.1f') + ' bn'"


def spec(chart: Any) -> str:
    """The chart's Vega-Lite specification as JSON, safe inside a <script> element."""
    configured = (chart.configure(font=FONT).configure_view(stroke=None)
                  .configure_axis(grid=False).configure_legend(orient="top"))
    return json.dumps(configured.to_dict()).replace("</", "<\\/")


def readiness_chart(grids: Mapping[str, Mapping[tuple[str, str], Position]]) -> Any:
    """Members x item families, coloured by stock against floor and target, a grid per moment
    (now, end of the plan); each tile says the stock as a share of target."""
    data = [{"when": when, "member": member, "family": family_name(family),
             "status": p.status,
             "label": f"{min(p.on_hand / p.target, 9.99):.0%}" if p.target > 0 else "–",
             "on hand": round(p.on_hand), "floor": round(p.floor), "target": round(p.target)}
            for when, cells in grids.items() for (member, family), p in sorted(cells.items())]
    base = alt.Chart().encode(
        x=alt.X("family:N", title=None, axis=alt.Axis(labelAngle=-35, labelLimit=160)),
        y=alt.Y("member:N", title=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=list(STATUSES), range=list(STATUS_COLOURS))),
        tooltip=["when:N", "member:N", "family:N", "on hand:Q", "floor:Q", "target:Q",
                 "status:N"])
    text = base.mark_text(fontSize=10, color="#111").encode(text="label:N")
    members = len({d["member"] for d in data})
    return alt.layer(tiles, text, data=alt.Data(values=data)).properties(
        width=alt.Step(62), height=26 * max(members, 1)).facet(
        column=alt.Column("when:N", title=None, sort=list(grids),
                          header=alt.Header(labelFontSize=12, labelFontWeight="bold")))


def needs_chart(rows: Sequence[PriorityRow]) -> Any:
    """The brief's chart: per priority, the share of the units asked on time, late, never."""
    return priorities_chart(rows)


def binding_chart(entries: Sequence[Binding]) -> Any:
    """Per measured change, what it saves: unit-months below floor, idle system-months, and the
    units it brings on time."""
    effects = (("readiness", "fewer unit-months below floor", -1),
               ("idle_system_months", "fewer idle system-months", -1),
               ("on_time", "more units on time", 1))
    data = [{"change": f"{b.kind} {b.name}: {b.change_from} → {b.change_to}",
             "effect": label, "units": sign * b.effect.get(key, 0.0)}
            for b in entries
            for key, label, sign in effects]
    return alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("change:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("units:Q", title="change against the plan"),
        color=alt.Color("effect:N", title=None,
                        scale=alt.Scale(domain=[label for _, label, _ in effects],
                                        range=list(OUTCOME_COLOURS))),
        yOffset="effect:N",
        tooltip=["change:N", "effect:N", "units:Q"],
    ).properties(width=420, height=alt.Step(9))


def sustainment_chart(rows: Sequence[Mapping[str, Any]]) -> Any:
    """Systems operational and idle (no ammunition, no crew) by month, a chart per platform."""
    states = ("operational", "idle: no ammunition", "idle: no crew")
    data = [{"platform": f"{r['recipient']} {r['platform']}", "month": str(r["month"]),
             "state": state, "systems": float(r[column])}
            for r in rows
            for state, column in zip(states, ("operational", "idle_no_ammo", "idle_no_crew"),
                                     strict=True)
            if float(r[column]) > 0]
    return alt.Chart(alt.Data(values=data)).mark_bar().encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-90, labelFontSize=8)),
        y=alt.Y("systems:Q", title="systems", stack="zero"),
        color=alt.Color("state:N", title=None,
                        scale=alt.Scale(domain=list(states), range=list(OUTCOME_COLOURS))),
        order=alt.Order("index:Q"),
        tooltip=["platform:N", "month:O", "state:N", "systems:Q"],
    ).transform_calculate(
        index="indexof(['operational', 'idle: no ammunition', 'idle: no crew'], datum.state)",
    ).properties(width=260, height=110).facet(
        facet=alt.Facet("platform:N", title=None), columns=3,
    ).resolve_scale(y="independent")


def stock_chart(months: Sequence[Any]) -> Any:
    """A member's stock of one item by month against its floor and target (lines), with the
    units it donates (below zero) and the units ordered for it (bars)."""
    levels = [{"month": m.month, "series": series, "units": round(value, 1)}
              for m in months
              for series, value in (("on hand", m.on_hand), ("floor", m.floor),
                                    ("target", m.target))]
    flows = [{"month": m.month, "series": series, "units": round(value, 1)}
             for m in months
             for series, value in (("donated", -m.donated), ("ordered", m.ordered)) if value]
    colours = alt.Scale(domain=["on hand", "floor", "target", "donated", "ordered"],
                        range=["#1d2733", "#c0392b", "#3a8d5c", "#e08a3c", "#4a7fb5"])
    x = alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-90))
    bars = alt.Chart(alt.Data(values=flows)).mark_bar(opacity=0.8).encode(
        x=x, y=alt.Y("units:Q", title="units"), color=alt.Color("series:N", title=None,
                                                                 scale=colours),
        tooltip=["month:O", "series:N", "units:Q"])
    lines = alt.Chart(alt.Data(values=levels)).mark_line(point=True).encode(
        x=x, y="units:Q", color=alt.Color("series:N", title=None, scale=colours),
        strokeDash=alt.condition("datum.series == 'on hand'", alt.value([1, 0]),
                                 alt.value([5, 3])),
        tooltip=["month:O", "series:N", "units:Q"])
    return alt.layer(bars, lines).properties(width=720, height=300)


def line_chart(months: Sequence[Any]) -> Any:
    """A production line by month: committed orders and announced demand (bars) against its
    capacity and its base capacity (lines); the gap between the two lines is the expansion."""
    bars_data = [{"month": m.month, "series": series, "units": round(value, 1)}
                 for m in months
                 for series, value in (("committed", m.committed), ("announced", m.announced))
                 if value]
    lines_data = [{"month": m.month, "series": series, "units": round(value, 1)}
                  for m in months
                  for series, value in (("capacity", m.capacity), ("base capacity", m.base))]
    colours = alt.Scale(domain=["committed", "announced", "capacity", "base capacity"],
                        range=["#4a7fb5", "#b8c9dc", "#1d2733", "#8796a5"])
    x = alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-90))
    bars = alt.Chart(alt.Data(values=bars_data)).mark_bar(opacity=0.75).encode(
        x=x, y=alt.Y("units:Q", title="units a month", stack="zero"),
        color=alt.Color("series:N", title=None, scale=colours),
        tooltip=["month:O", "series:N", "units:Q"])
    lines = alt.Chart(alt.Data(values=lines_data)).mark_line(interpolate="step",
                                                              strokeWidth=2.5).encode(
        x=x, y="units:Q", color=alt.Color("series:N", title=None, scale=colours),
        tooltip=["month:O", "series:N", "units:Q"])
    return alt.layer(bars, lines).properties(width=720, height=300)


def compare_chart(recovery: Sequence[Mapping[str, Any]],
                  payments: Sequence[Mapping[str, Any]]) -> Any:
    """Joint against national: the value of stock below target month by month (recovery), and
    what each member pays per year in each mode against its annual budget (ticks)."""
    modes = alt.Scale(domain=["joint", "national"], range=["#4a7fb5", "#e08a3c"])
    shortfall = alt.Chart(alt.Data(values=list(recovery)), title="Value below target").mark_line(
        point=True).encode(
        x=alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-90)),
        y=alt.Y("shortfall:Q", title="value below target", axis=alt.Axis(labelExpr=BILLIONS)),
        color=alt.Color("mode:N", title=None, scale=modes),
        tooltip=["month:O", "mode:N", alt.Tooltip("shortfall:Q", format=",.0f")],
    ).properties(width=720, height=220)
    base = alt.Chart(alt.Data(values=list(payments))).encode(
        x=alt.X("member:N", title=None))
    bars = base.mark_bar().encode(
        y=alt.Y("spent:Q", title="spent in the year", axis=alt.Axis(labelExpr=BILLIONS)),
        xOffset="mode:N", color=alt.Color("mode:N", title=None, scale=modes),
        tooltip=["member:N", "year:N", "mode:N", alt.Tooltip("spent:Q", format=",.0f"),
                 alt.Tooltip("budget:Q", format=",.0f")])
    budget = base.mark_tick(color="#c0392b", thickness=2, size=30).encode(
        y="budget:Q").transform_filter("isValid(datum.budget)")
    paid = alt.layer(bars, budget).properties(width=330, height=220).facet(
        column=alt.Column("year:N", title="Who pays what, per year (red: the annual budget)"))
    return alt.vconcat(shortfall, paid)
