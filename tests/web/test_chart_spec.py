"""`charts.spec`: a page's chart is checked against the Vega-Lite schema, its rows go in as
they are (not checked row by row nor copied at each step of building, see bench notes), and
the chart keeps its rows for the next time it is drawn."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pytest
from altair.utils.schemapi import SchemaValidationError

from replenish.web.charts import inline, spec

BARS = [{"month": "2027-01", "units": 3.5, "series": "ordered"},
        {"month": "2027-02", "units": -1.0, "series": "donated"}]
LINE = [{"month": f"2027-{m:02d}", "units": float(m), "series": "on hand"} for m in range(1, 13)]


def _made(chart: Any) -> dict[str, Any]:
    made: dict[str, Any] = json.loads(spec(chart).replace("<\\/", "</"))
    return made


def test_every_layer_s_rows_are_its_own() -> None:
    bars = alt.Chart(inline(BARS)).mark_bar().encode(x="month:O", y="units:Q")
    line = alt.Chart(inline(LINE)).mark_line().encode(x="month:O", y="units:Q")
    chart = alt.layer(bars, line).properties(width=300)
    made = _made(chart)
    assert [layer["data"]["values"] for layer in made["layer"]] == [BARS, LINE]
    assert _made(chart) == made  # the chart still holds its rows


def test_a_faceted_chart_s_rows_are_at_its_top() -> None:
    chart = alt.Chart(inline(LINE)).mark_bar().encode(x="month:O", y="units:Q").facet(
        facet=alt.Facet("series:N"), columns=2)
    assert _made(chart)["data"] == {"values": LINE}


def test_a_chart_against_the_schema_is_still_refused() -> None:
    chart = alt.Chart(inline(BARS)).mark_bar().encode(x="month:O", y="units:Q")
    chart.mark = "bars"
    with pytest.raises(SchemaValidationError, match="bars"):
        spec(chart)
    assert chart.data.values == tuple(BARS)  # its rows given back all the same
