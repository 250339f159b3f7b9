"""The words and numbers the charts draw, in English and Danish: rendered offline to SVG by
vl-convert from the very specifications the pages and the brief embed. Months by name
('Jan 2027', 'jan. 2027'), percentages the language's way ('40%', '40 %'), legends whole."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from replenish import i18n
from replenish.reports import brief_charts
from replenish.reports.brief import PriorityRow, Readiness
from replenish.web import charts
from replenish.web.needs import NeedsRow, needs_chart
from replenish.web.sustainment import cover_chart, fleet_chart, queue_chart

vl_convert = pytest.importorskip("vl_convert")
MONTHS = ("2027-01", "2027-02", "2027-03")
#: the first month's name in each language, as i18n.month_label writes it
JANUARY = {"en": "Jan 2027", "da": "jan. 2027"}


def _page_texts(chart: Any) -> list[str]:
    """The texts a page's chart draws (its spec as the page embeds it)."""
    made = json.loads(charts.spec(chart).replace("<\\/", "</"))
    return _texts(vl_convert.vegalite_to_svg(made, allowed_base_urls=[]))


def _texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _sustainment_months() -> list[dict[str, Any]]:
    return [{"recipient": "PTR", "platform": "H155", "month": month, "operational": 10.0,
             "idle_no_ammo": 2.0 * k, "idle_no_crew": 1.0, "reserve": 0.5, "cover": 0.4 + k,
             "in_training": 3.0} for k, month in enumerate(MONTHS)]


def _compare_chart() -> Any:
    recovery = [{"month": month, "mode": mode, "shortfall": 1e9 - 1e8 * k}
                for mode in ("joint", "national") for k, month in enumerate(MONTHS)]
    payments = [{"member": "AAA", "year": "2027", "mode": mode, "spent": 4e8, "budget": 5e8}
                for mode in ("joint", "national")]
    return charts.compare_chart(recovery, payments)


MONTH_CHARTS = {
    "cover": lambda: cover_chart(_sustainment_months()),
    "fleet": lambda: fleet_chart(_sustainment_months()),
    "queue": lambda: queue_chart(_sustainment_months()),
    "compare": _compare_chart,
}


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize("name", list(MONTH_CHARTS))
def test_month_axes_name_the_months(name: str, lang: str) -> None:
    with i18n.speaking(lang):
        texts = _page_texts(MONTH_CHARTS[name]())
    assert JANUARY[lang] in texts, texts
    assert not [t for t in texts if re.fullmatch(r"\d{4}-\d{2}", t)], texts


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_needs_chart_writes_percentages_the_language_s_way(lang: str) -> None:
    rows = [NeedsRow("1", 100.0, 80.0, 50.0, 90.0, 70.0, 10.0, 10.0),
            NeedsRow("all", 100.0, 80.0, 50.0, 90.0, 70.0, 10.0, 10.0)]
    with i18n.speaking(lang):
        texts = _page_texts(needs_chart(rows))
    suffix = "%" if lang == "en" else "\u00a0%"
    assert "0" + suffix in texts and "40" + suffix in texts, texts
    assert [t for t in texts if t.endswith("%")] == [t for t in texts if t.endswith(suffix)]


def test_the_brief_s_charts_write_danish_percentages_and_whole_legends() -> None:
    rows = [PriorityRow("1", 100.0, 60.0, 30.0, 10.0), PriorityRow("all", 100.0, 60.0, 30.0,
                                                                   10.0)]
    cells = [Readiness("AAA", "ammunition_155", "2027-01", 10.0, 20.0, 40.0, None, None),
             Readiness("AAA", "ammunition_155", "2028-12", 30.0, 20.0, 40.0, None, None)]
    with i18n.speaking("da"):
        priorities = _texts(brief_charts.svg(brief_charts.priorities_chart(rows)))
        readiness = _texts(brief_charts.svg(brief_charts.readiness_chart(cells)))
    assert "100\u00a0%" in priorities and "100%" not in priorities
    assert "lager mod minimums- og målbeholdning" in readiness
    assert not [t for t in priorities + readiness if "…" in t]


def test_danish_legends_on_the_pages_are_whole() -> None:
    with i18n.speaking("da"):
        texts = [t for make in MONTH_CHARTS.values() for t in _page_texts(make())]
    assert not [t for t in texts if "…" in t], texts
