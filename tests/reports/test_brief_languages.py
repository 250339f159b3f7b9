"""The brief in Danish: Danish headings and words, the same headline numbers written the
Danish way, months by their Danish names."""

from __future__ import annotations

import html as markup
import json
import re
from pathlib import Path

import pytest

from replenish import i18n
from replenish.cli import run
from replenish.plan.totals import money

EXAMPLE = Path(__file__).parents[2] / "examples" / "coalition"


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    assert run(["plan", str(EXAMPLE), "--out", str(out), "--no-greedy"]) == 0
    return out


def _text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_the_danish_brief_holds_the_same_numbers_in_danish(plan_dir: Path,
                                                           tmp_path: Path) -> None:
    danish, english = tmp_path / "da.html", tmp_path / "en.html"
    assert run(["brief", str(plan_dir), "--html", str(danish), "--lang", "da"]) == 0
    assert run(["brief", str(plan_dir), "--html", str(english), "--lang", "en"]) == 0
    page = danish.read_text(encoding="utf-8")
    assert '<html lang="da">' in page
    text = _text(page)
    for heading in ("Hovedresultatet", "Hvad begrænser planen mest",
                    "Beredskab: medlemmernes lagre mod minimums- og målbeholdning",
                    "Hvad partneren får, og hvornår", "Anmodningerne til industrien",
                    "Hvem betaler hvad"):
        assert heading in text, heading
    summary = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
    requirements = summary["requirements"]
    danish_units = f"{requirements['on_time']:,.0f}".replace(",", ".")
    assert f"{danish_units} ankommer til tiden" in text
    with i18n.speaking("da"):
        cost = money(summary["cost"])
    assert f"Planen koster {cost}" in text
    assert "jan. 2027" in text
    assert "The headline" not in text
    english_text = _text(english.read_text(encoding="utf-8"))
    assert f"{requirements['on_time']:,.0f} arrive on time" in english_text
    assert f"costs {money(summary['cost'])}" in english_text


def test_danish_charts_keep_their_font_and_legend_and_pages_are_numbered_in_danish(
        plan_dir: Path, tmp_path: Path) -> None:
    import altair as alt

    from replenish.reports.brief_charts import _configure

    chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x="a:Q")
    with i18n.speaking("da"):
        config = _configure(chart).to_dict()["config"]
    assert config["font"] == "DejaVu Sans" and config["legend"]["orient"] == "top"
    assert config["locale"]["number"]["decimal"] == ","
    danish = tmp_path / "da.html"
    assert run(["brief", str(plan_dir), "--html", str(danish), "--lang", "da"]) == 0
    page = danish.read_text(encoding="utf-8")
    assert 'content: "side " counter(page) " af " counter(pages)' in page
    assert '"page "' not in page


def test_a_stock_short_of_target_never_reads_100_percent() -> None:
    from replenish.reports.brief import share_of_target

    assert share_of_target(140_430, 140_800) == "99%"
    assert share_of_target(12, 12) == "100%" and share_of_target(14, 6) == "233%"
    with i18n.speaking("da"):
        assert share_of_target(130, 320) == "41\u00a0%"
