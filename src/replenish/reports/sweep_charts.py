"""The sweep's fan charts (Altair): a P10–P90 band and the P50 line by month, for the value of
stock below target and for the share of requirements due so far that arrived on time. The
brief renders them to SVG (`brief_charts.svg`), the pages draw them in the browser
(`web.charts.spec`); each passes its own month axis."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt

from replenish.i18n import _, gettext, month_label
from replenish.plan.totals import MONEY_UNITS, money
from replenish.reports.sweep_view import Band, Sweep, share

BAND_COLOUR = "#2b6ca3"


def _rows(months: Sequence[str], band: Band, words: Callable[[float], str]
          ) -> list[dict[str, Any]]:
    """One row per month where all three quantiles are known, with their words for tooltips."""
    rows = []
    for month, p10, p50, p90 in zip(months, band.p10, band.p50, band.p90, strict=True):
        if p10 is None or p50 is None or p90 is None:
            continue
        rows.append({"month": month, "when": month_label(month), "p10": p10, "p50": p50,
                     "p90": p90, "P10": words(p10), "P50": words(p50), "P90": words(p90)})
    return rows


def _fan(rows: Sequence[dict[str, Any]], heading: str, value: alt.Y, axis: alt.Axis,
         width: int, height: int) -> Any:
    """A band from P10 to P90 and the P50 line over it."""
    data = alt.Data(values=list(rows))
    x = alt.X("month:O", title=None, axis=axis)
    tooltip = [alt.Tooltip("when:N", title=_("month")), alt.Tooltip("P10:N"),
               alt.Tooltip("P50:N"), alt.Tooltip("P90:N")]
    band = alt.Chart(data).mark_area(opacity=0.25, color=BAND_COLOUR).encode(
        x=x, y=value, y2="p90:Q", tooltip=tooltip)
    line = alt.Chart(data).mark_line(point=True, color=BAND_COLOUR, strokeWidth=2).encode(
        x=x, y=alt.Y("p50:Q"), tooltip=tooltip)
    title = alt.TitleParams(heading, subtitle=_("band: P10 to P90 of the runs; line: P50"),
                            anchor="start", fontSize=12, subtitleFontSize=10)
    return alt.layer(band, line, title=title).properties(width=width, height=height)


def _money_axis(largest: float) -> alt.Axis:
    """Money on an axis in the unit of its largest value (38 M, 1.5 bn; Danish 'mio.')."""
    for size, unit in MONEY_UNITS:
        if largest >= size:
            return alt.Axis(labelExpr=f"format(datum.value / {size:g}, ',') + "
                                      + json.dumps(" " + gettext(unit)))
    return alt.Axis(format=",")


def shortfall_chart(sweep: Sweep, axis: alt.Axis, width: int = 470, height: int = 170) -> Any:
    """The value of members' stock below target by month: P10–P90 band, P50 line."""
    rows = _rows(sweep.months, sweep.below_target_value, money)
    largest = max((r["p90"] for r in rows), default=0.0)
    value = alt.Y("p10:Q", title=_("value below target"), axis=_money_axis(largest))
    return _fan(rows, _("Value of stock below target"), value, axis, width, height)


def on_time_chart(sweep: Sweep, axis: alt.Axis, width: int = 470, height: int = 170) -> Any:
    """The share of requirements due so far that arrived on time, by month: band and median."""
    rows = _rows(sweep.months, sweep.on_time_share, share)
    value = alt.Y("p10:Q", title=_("share on time"), scale=alt.Scale(domain=[0, 1]),
                  axis=alt.Axis(format="%"))
    return _fan(rows, _("Share of requirements due so far that arrived on time"), value, axis,
                width, height)
