"""The pages' charts: Vega-Lite specifications built with Altair (the brief's where they fit),
drawn in the browser by the vendored vega-embed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import altair as alt

from replenish import i18n
from replenish.i18n import _
from replenish.ledger import Position
from replenish.reports.brief import STATUSES, family_name, share_of_target
from replenish.reports.brief_charts import LEGEND_LIMIT, OUTCOME_COLOURS, STATUS_COLOURS
from replenish.web.views import Binding

#: the page's own fonts: nothing is fetched
FONT = "system-ui, sans-serif"
#: a YYYY-MM axis value as i18n.month_label writes it: 'Jan 2027' ('jan. 2027' in Danish, the
#: month names coming from the chart locale)
MONTH_LABEL = "utcFormat(toDate(datum.value + '-01'), '%b %Y')"


def month_axis(**options: Any) -> alt.Axis:
    """An axis of YYYY-MM values labelled with month names, turned upright."""
    return alt.Axis(labelExpr=MONTH_LABEL, labelAngle=-90, **options)


def month_tooltip() -> alt.Tooltip:
    """The tooltip of a datum's month by name (its `when`, see `with_month_names`)."""
    return alt.Tooltip("when:N", title=_("month"))


def with_month_names(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`rows` with `when`, the month of each as people read it, for tooltips."""
    return [{**row, "when": i18n.month_label(row["month"])} for row in rows]


def _billions() -> str:
    """Money on an axis, as the pages write it: 1.5 bn (1,5 mia. in Danish)."""
    return "format(datum.value / 1e9, '.1f') + " + json.dumps(" " + _("bn"))


def _index_of(field: str, labels: Sequence[str]) -> str:
    """A Vega expression: the place of datum[field] in `labels` (the order of a stack)."""
    return f"indexof({json.dumps(list(labels))}, datum[{json.dumps(field)}])"


def inline(rows: Iterable[Mapping[str, Any]]) -> alt.Data:
    """A chart's rows (plain words and numbers) as inline data, neither checked one by one
    against the Vega-Lite schema nor copied with each step of building the chart: both took
    most of a page's time (see bench notes). Altair copies lists, not tuples."""
    data = alt.Data(values=[])
    data.values = tuple(rows)
    return data


#: the key of the one row that stands for a chart's rows while `spec` checks the chart
_ROWS = "__rows__"
#: where a chart holds the charts it is made of
_PARTS = ("layer", "hconcat", "vconcat", "concat", "spec")


def _swap_rows(chart: Any, taken: list[Any]) -> None:
    """Put a one-row stand-in for the rows of each inline data of `chart` and its parts,
    keeping the rows in `taken` (give them back with `_restore_rows`)."""
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, alt.Data) and isinstance(getattr(data, "values", None), list | tuple):
        taken.append((data, data.values))
        data.values = [{_ROWS: len(taken) - 1}]
    for part in _PARTS:
        inner = getattr(chart, part, alt.Undefined)
        for sub in inner if isinstance(inner, list) else [inner]:
            if isinstance(sub, alt.SchemaBase):
                _swap_rows(sub, taken)


def _restore_rows(made: Any, taken: list[Any]) -> Any:
    """The specification `made` with each stand-in row replaced by the rows it stood for."""
    if isinstance(made, dict):
        values = made.get("values")
        if isinstance(values, list) and len(values) == 1 and isinstance(values[0], dict) \
                and _ROWS in values[0]:
            return {**made, "values": taken[values[0][_ROWS]][1]}
        return {k: _restore_rows(v, taken) for k, v in made.items()}
    if isinstance(made, list):
        return [_restore_rows(v, taken) for v in made]
    return made


#: hashes of the specifications (rows aside) already checked against the Vega-Lite schema: a
#: page's chart differs from one request to the next in its rows only, and checking it again
#: took most of the compare page's time (see bench notes)
_checked: set[str] = set()
_CHECKED_MAX = 1024


def spec(chart: Any) -> str:
    """The chart's Vega-Lite specification as JSON, safe inside a <script> element; numbers
    and months in the current language's formats. Each new chart is checked against the
    schema (SchemaValidationError), its rows are not (each row is one stand-in while it is)."""
    taken: list[Any] = []
    _swap_rows(chart, taken)
    try:
        configured = chart.configure(
            font=FONT, view=alt.ViewConfig(stroke=None), axis=alt.AxisConfig(grid=False),
            legend=alt.LegendConfig(orient="top", labelLimit=LEGEND_LIMIT,
                                    titleLimit=LEGEND_LIMIT))
        made = configured.to_dict(validate=False)
        key = hashlib.sha256(json.dumps(made, sort_keys=True).encode()).hexdigest()
        if key not in _checked:
            configured.to_dict(validate=True)
            if len(_checked) >= _CHECKED_MAX:
                _checked.clear()
            _checked.add(key)
        made = _restore_rows(made, taken)
    finally:
        for data, values in taken:
            data.values = values
    locale = i18n.chart_locale()
    if locale is not None:
        made["config"]["locale"] = locale
    return json.dumps(made).replace("</", "<\\/")


def readiness_chart(grids: Mapping[str, Mapping[tuple[str, str], Position]]) -> Any:
    """Members x item families, coloured by stock against floor and target, a grid per moment
    (now, end of the plan); each tile says the stock as a share of target."""
    data = [{"when": when, "member": member, "family": family_name(family),
             "status": _(p.status),
             "label": share_of_target(p.on_hand, p.target) if p.target > 0 else "–",
             "on hand": round(p.on_hand), "floor": round(p.floor), "target": round(p.target)}
            for when, cells in grids.items() for (member, family), p in sorted(cells.items())]
    base = alt.Chart().encode(
        x=alt.X("family:N", title=None, axis=alt.Axis(labelAngle=-35, labelLimit=160)),
        y=alt.Y("member:N", title=None))
    tiles = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("status:N", title=None,
                        scale=alt.Scale(domain=[_(s) for s in STATUSES],
                                        range=list(STATUS_COLOURS))),
        tooltip=[alt.Tooltip(f"{field}:{kind}", title=_(field))
                 for field, kind in (("when", "N"), ("member", "N"), ("family", "N"),
                                     ("on hand", "Q"), ("floor", "Q"), ("target", "Q"),
                                     ("status", "N"))])
    text = base.mark_text(fontSize=10, color="#111").encode(text="label:N")
    members = len({d["member"] for d in data})
    return alt.layer(tiles, text, data=inline(data)).properties(
        width=alt.Step(62), height=26 * max(members, 1)).facet(
        column=alt.Column("when:N", title=None, sort=list(grids),
                          header=alt.Header(labelFontSize=12, labelFontWeight="bold")))


def binding_chart(entries: Sequence[Binding]) -> Any:
    """Per measured change, what it saves: unit-months below floor, idle system-months, and the
    units it brings on time."""
    effects = (("readiness", _("fewer unit-months below floor"), -1),
               ("idle_system_months", _("fewer idle system-months"), -1),
               ("on_time", _("more units on time"), 1))
    data = [{"change": f"{_(b.kind)} {b.name}: {b.change_from} → {b.change_to}",
             "effect": label, "units": sign * b.effect.get(key, 0.0)}
            for b in entries
            for key, label, sign in effects]
    return alt.Chart(inline(data)).mark_bar().encode(
        y=alt.Y("change:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("units:Q", title=_("change against the plan")),
        color=alt.Color("effect:N", title=None,
                        scale=alt.Scale(domain=[label for _key, label, _sign in effects],
                                        range=list(OUTCOME_COLOURS))),
        yOffset="effect:N",
        tooltip=[alt.Tooltip("change:N", title=_("change")),
                 alt.Tooltip("effect:N", title=_("effect")),
                 alt.Tooltip("units:Q", title=_("units"))],
    ).properties(width=420, height=alt.Step(9))


def stock_chart(months: Sequence[Any]) -> Any:
    """A member's stock of one item by month against its floor and target (lines), with the
    units it donates (below zero) and the units ordered for it (bars)."""
    on_hand, floor, target, donated, ordered = (
        _("on hand"), _("floor"), _("target"), _("donated"), _("ordered"))
    levels = [{"month": m.month, "series": series, "units": round(value, 1)}
              for m in months
              for series, value in ((on_hand, m.on_hand), (floor, m.floor),
                                    (target, m.target))]
    flows = [{"month": m.month, "series": series, "units": round(value, 1)}
             for m in months
             for series, value in ((donated, -m.donated), (ordered, m.ordered)) if value]
    colours = alt.Scale(domain=[on_hand, floor, target, donated, ordered],
                        range=["#1d2733", "#c0392b", "#3a8d5c", "#e08a3c", "#4a7fb5"])
    tooltip = _series_tooltip()
    x = alt.X("month:O", title=None, axis=month_axis())
    bars = alt.Chart(inline(with_month_names(flows))).mark_bar(opacity=0.8).encode(
        x=x, y=alt.Y("units:Q", title=_("units")), color=alt.Color("series:N", title=None,
                                                                    scale=colours),
        tooltip=tooltip)
    lines = alt.Chart(inline(with_month_names(levels))).mark_line(point=True).encode(
        x=x, y="units:Q", color=alt.Color("series:N", title=None, scale=colours),
        strokeDash=alt.condition(f"datum.series == {json.dumps(on_hand)}", alt.value([1, 0]),
                                 alt.value([5, 3])),
        tooltip=tooltip)
    return alt.layer(bars, lines).properties(width=720, height=300)


def _series_tooltip() -> list[Any]:
    return [month_tooltip(), alt.Tooltip("series:N", title=_("series")),
            alt.Tooltip("units:Q", title=_("units"))]


def line_chart(months: Sequence[Any]) -> Any:
    """A production line by month: committed orders and announced demand (bars) against its
    capacity and its base capacity (lines); the gap between the two lines is the expansion."""
    committed, announced, capacity, base = (
        _("committed"), _("announced"), _("capacity"), _("base capacity"))
    bars_data = [{"month": m.month, "series": series, "units": round(value, 1)}
                 for m in months
                 for series, value in ((committed, m.committed), (announced, m.announced))
                 if value]
    lines_data = [{"month": m.month, "series": series, "units": round(value, 1)}
                  for m in months
                  for series, value in ((capacity, m.capacity), (base, m.base))]
    colours = alt.Scale(domain=[committed, announced, capacity, base],
                        range=["#4a7fb5", "#b8c9dc", "#1d2733", "#8796a5"])
    tooltip = _series_tooltip()
    x = alt.X("month:O", title=None, axis=month_axis())
    bars = alt.Chart(inline(with_month_names(bars_data))).mark_bar(opacity=0.75).encode(
        x=x, y=alt.Y("units:Q", title=_("units a month"), stack="zero"),
        color=alt.Color("series:N", title=None, scale=colours),
        tooltip=tooltip)
    lines = alt.Chart(inline(with_month_names(lines_data))).mark_line(interpolate="step",
                                                              strokeWidth=2.5).encode(
        x=x, y="units:Q", color=alt.Color("series:N", title=None, scale=colours),
        tooltip=tooltip)
    return alt.layer(bars, lines).properties(width=720, height=300)


def compare_chart(recovery: Sequence[Mapping[str, Any]],
                  payments: Sequence[Mapping[str, Any]]) -> Any:
    """Joint against national: the value of stock below target month by month (recovery), and
    what each member pays per year in each mode against its annual budget (ticks)."""
    recovery = [{**row, "mode": _(row["mode"])} for row in recovery]
    payments = [{**row, "mode": _(row["mode"])} for row in payments]
    modes = alt.Scale(domain=[_("joint"), _("national")], range=["#4a7fb5", "#e08a3c"])
    mode = alt.Tooltip("mode:N", title=_("mode"))
    shortfall = alt.Chart(inline(with_month_names(recovery)),
                          title=_("Value below target")).mark_line(point=True).encode(
        x=alt.X("month:O", title=None, axis=month_axis()),
        y=alt.Y("shortfall:Q", title=_("value below target"),
                axis=alt.Axis(labelExpr=_billions())),
        color=alt.Color("mode:N", title=None, scale=modes),
        tooltip=[month_tooltip(), mode,
                 alt.Tooltip("shortfall:Q", format=",.0f", title=_("value below target"))],
    ).properties(width=720, height=220)
    base = alt.Chart(inline(list(payments))).encode(
        x=alt.X("member:N", title=None))
    bars = base.mark_bar().encode(
        y=alt.Y("spent:Q", title=_("spent in the year"), axis=alt.Axis(labelExpr=_billions())),
        xOffset="mode:N", color=alt.Color("mode:N", title=None, scale=modes),
        tooltip=[alt.Tooltip("member:N", title=_("member")),
                 alt.Tooltip("year:N", title=_("year")), mode,
                 alt.Tooltip("spent:Q", format=",.0f", title=_("spent")),
                 alt.Tooltip("budget:Q", format=",.0f", title=_("budget"))])
    budget = base.mark_tick(color="#c0392b", thickness=2, size=30).encode(
        y="budget:Q").transform_filter("isValid(datum.budget)")
    paid = alt.layer(bars, budget).properties(width=330, height=220).facet(
        column=alt.Column("year:N", title=_("Who pays what, per year (red: the annual budget)")))
    return alt.vconcat(shortfall, paid)
