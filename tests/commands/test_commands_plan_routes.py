"""Every command that plans, plans deliveries where routes.csv exists: plan, compare, sweep and
the API's plan jobs write routes and throughput, and what they write keeps the contract."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from replenish.api.planner import ignore_progress, plan_files
from replenish.cli import run
from replenish.plan.check import check_plan
from replenish.reports.compare import with_procurement
from replenish.scenario import read_scenario

DELIVERY = Path(__file__).parents[1] / "scenarios" / "delivery"


def _routes(folder: Path) -> set[str]:
    with open(folder / "donations.csv", newline="", encoding="utf-8") as fh:
        donations = {row["route"] for row in csv.DictReader(fh)}
    with open(folder / "orders.csv", newline="", encoding="utf-8") as fh:
        orders = {row["route"] for row in csv.DictReader(fh) if row["destination"] == "RCP"}
    return donations | orders


def test_plan_writes_routes_and_throughput(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert run(["plan", str(DELIVERY), "--out", str(out), "--explain", "never"]) == 0
    assert check_plan(read_scenario(DELIVERY), out) == []
    assert _routes(out) and _routes(out) <= {"A-RAIL", "A-AIR", "B-ROAD"}
    with open(out / "throughput.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # every hub and route in each of the 12 months; the rail head has no limit
    assert len(rows) == (2 + 3) * 12
    assert {r["capacity_tonnes"] for r in rows if r["code"] == "LVV"} == {""}
    summary = json.loads((out / "summary.json").read_text())
    assert [p["hub"] for p in summary["delivery"]] == ["RZE", "LVV"]


def test_compare_plans_routes_in_both_folders(tmp_path: Path) -> None:
    out = tmp_path / "compare"
    assert run(["compare", str(DELIVERY), "--out", str(out)]) == 0
    for mode in ("joint", "national"):
        sc = with_procurement(read_scenario(DELIVERY), mode)
        assert check_plan(sc, out / mode) == []
        assert (out / mode / "throughput.csv").exists()


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_plan_job_plans_routes() -> None:
    summary, files = plan_files(read_scenario(DELIVERY), ignore_progress)
    assert summary["delivery"]
    assert {r["kind"] for r in files["throughput.csv"]} == {"hub", "route"}
    assert any(r["route"] for r in files["donations.csv"])
