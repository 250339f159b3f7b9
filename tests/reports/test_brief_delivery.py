"""The brief's delivery section: for the demo coalition each hub's busiest month and use as the
plan's summary has them, the months the airport is full as throughput.csv has them, and a chart;
for a scenario without routes no section at all. And the section's records on their own: a
route or hub full from 99.9 % of its capacity, and the shipments that arrive over it then."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest

from replenish.cli import run
from replenish.i18n import month_label
from replenish.plan.records import Donation, Order, Plan, Throughput
from replenish.reports.delivery import (
    delivery_limits,
    month_spans,
    use_words,
    waiting_shipments,
)
from replenish.scenario.reader import read_scenario

ROOT = Path(__file__).parents[2]
SECTION = "Delivery through hubs and routes"


def _brief_html(scenario: Path, folder: Path) -> tuple[Path, str]:
    """The plan of `scenario` in `folder`/plan and its brief's HTML."""
    plan = folder / "plan"
    assert run(["plan", str(scenario), "--out", str(plan), "--no-greedy"]) == 0
    assert run(["brief", str(plan), "--html", str(folder / "brief.html")]) == 0
    return plan, (folder / "brief.html").read_text(encoding="utf-8")


def _rows(page: str) -> dict[str, list[str]]:
    """The delivery table's rows by their first cell's code (its first word)."""
    body = re.search(r'<table class="delivery">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert body
    rows = [[" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]
    return {row[0].split()[0]: row for row in rows}


def test_the_demo_s_brief_shows_its_hubs_against_capacity(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    plan, page = _brief_html(ROOT / "examples/coalition", tmp_path_factory.mktemp("demo"))
    assert f'<h2 id="delivery">{SECTION}</h2>' in page
    assert re.search(r'<img alt="tonnes arriving by month over each hub and route against its '
                     r'capacity" src="data:image/svg\+xml;base64,', page)
    rows = _rows(page)
    summary = json.loads((plan / "summary.json").read_text(encoding="utf-8"))
    assert {p["hub"] for p in summary["delivery"]} <= set(rows)
    for peak in summary["delivery"]:
        _name, capacity, month, _tonnes, use, _full = rows[peak["hub"]]
        assert month == month_label(peak["month"]), peak
        assert capacity == f"{peak['capacity_tonnes']:,.0f}"
        assert use == use_words(peak["use"])
    with open(plan / "throughput.csv", encoding="utf-8") as fh:
        throughput = list(csv.DictReader(fh))
    for code in ("APT", "RHD"):
        full = [r["month"] for r in throughput if r["kind"] == "hub" and r["code"] == code
                and float(r["tonnes"]) >= 0.999 * float(r["capacity_tonnes"])]
        expected = (f"{len(full)} months: {', '.join(month_spans(full))}" if full
                    else "never full")
        assert rows[code][-1] == expected, code
    assert rows["APT"][-1] != "never full"


def test_a_scenario_without_routes_has_no_delivery_section(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    plan, page = _brief_html(ROOT / "tests/scenarios/tiny", tmp_path_factory.mktemp("tiny"))
    assert not (plan / "throughput.csv").exists()
    assert "The headline" in page
    assert SECTION not in page and 'id="delivery"' not in page
    assert 'class="delivery"' not in page


def test_a_route_full_at_99_9_percent_holds_up_what_arrives_over_it() -> None:
    scenario = read_scenario(ROOT / "tests/scenarios/delivery")
    # A-AIR (150 t a month) through RZE (1,200 t): full in month 0, not quite in month 1
    throughput = [Throughput("hub", "RZE", 0, 149.85, 1200.0),
                  Throughput("hub", "RZE", 1, 149.8, 1200.0),
                  Throughput("hub", "LVV", 0, 0.0, None),
                  Throughput("route", "A-AIR", 0, 149.85, 150.0),
                  Throughput("route", "A-AIR", 1, 149.8, 150.0),
                  Throughput("route", "B-ROAD", 0, 10.0, None)]
    plan = Plan("optimal", "optimal", 0.0, "joint", throughput=throughput,
                donations=[Donation("AAA", "RCP", "HE155", 0, 0, 3000, route="A-AIR"),
                           Donation("AAA", "RCP", "HE155", 1, 1, 3000, route="A-AIR"),
                           Donation("BBB", "RCP", "HE155", 0, 0, 200, route="B-ROAD")],
                orders=[Order("BBB", "RCP", "RHM", "HE155", 0, 0, 188, 4000.0,
                              route="A-AIR"),
                        Order("AAA", "AAA", "RHM", "HE155", 0, 0, 500, 4000.0)])
    limits = delivery_limits(plan, scenario)
    # hubs first, then routes with a capacity (B-ROAD has none)
    assert [(x.kind, x.code) for x in limits] == [("hub", "RZE"), ("hub", "LVV"),
                                                 ("route", "A-AIR")]
    air = limits[2]
    assert air.name == "AAA → RCP by air" and air.full_months == ["2025-01"]
    assert air.busiest.month == "2025-01" and air.busiest.use == pytest.approx(0.999)
    assert limits[0].full_months == [] and limits[1].busiest.use is None
    waiting = waiting_shipments(plan, scenario, limits)
    assert [(w.kind, w.sender, w.month, w.full, w.quantity) for w in waiting] == [
        ("donation", "AAA", "2025-01", ("A-AIR",), 3000),
        ("order", "BBB", "2025-01", ("A-AIR",), 188)]
    assert waiting[0].tonnes == pytest.approx(3000 * 0.047)
    assert waiting[0].item_name == "155mm HE shell, L15"
    assert use_words(149.8 / 150) == "99%" and use_words(0.999) == "100%"
    assert use_words(None) == "–"


def test_full_months_are_said_in_runs() -> None:
    assert month_spans(["2027-02", "2027-01", "2027-12", "2028-01", "2028-03"]) == [
        "Jan 2027 – Feb 2027", "Dec 2027 – Jan 2028", "Mar 2028"]
    assert month_spans([]) == []
