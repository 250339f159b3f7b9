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
