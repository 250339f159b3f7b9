"""The optimiser on small hand-computed scenarios (tests/scenarios/opt_*): exact quantities,
each plan written and passed through the independent checker.

Objective values below are worked out from the default weights (model.records.DEFAULT_WEIGHTS):
unmet 400 and late 40 per unit(-month) of item value at priority 1, halved per priority step;
a unit that never arrives is also late from needed_by to the horizon's end; floor 1000 and
target 1 per unit-month; cost 1e-4 per unit of money.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from replenish.cli import run
from replenish.model.records import Scenario
from replenish.plan.check import check_plan
from replenish.plan.writer import summary_dict, write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.index import build_index
from replenish.scenario.reader import read_scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"
NUMBERS = {"quantity", "unit_price", "capacity", "added_capacity", "on_hand", "floor", "target",
           "operational", "idle_no_ammo", "idle_no_crew", "expansion_share_cost", "cost"}

Cell = str | float


@dataclass
class Written:
    """A plan written to `out`, with its scenario and summary.json."""

    scenario: Scenario
    out: Path
    summary: dict[str, Any]

    def rows(self, name: str, *columns: str) -> list[tuple[Cell, ...]]:
        """The chosen columns of a plan file, in file order; numeric columns as floats."""
        with open(self.out / name, newline="", encoding="utf-8") as fh:
            return [tuple(float(r[c]) if c in NUMBERS and r[c] else r[c] for c in columns)
                    for r in csv.DictReader(fh)]

    def on_hand(self, nation: str, item: str) -> list[Cell]:
        return [q for n, i, q in self.rows("stocks.csv", "nation", "item", "on_hand")
                if (n, i) == (nation, item)]


def _scenario(name: str, **weights: float) -> Scenario:
    scenario = read_scenario(SCENARIOS / name)
    if weights:
        settings = dataclasses.replace(scenario.settings, weights=weights)
        scenario = dataclasses.replace(scenario, settings=settings)
    return scenario


def _plan(scenario: Scenario, out: Path) -> Written:
    """Plan optimally, write the files and require the checker to find nothing wrong."""
    plan = plan_scenario(scenario, PlanOptions(compare_greedy=False))
    write_plan(plan, scenario, out, summary_dict(plan, scenario))
    assert check_plan(scenario, out) == []
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return Written(scenario, out, summary)


DONATION = ("donor", "recipient", "item", "dispatch_month", "arrival_month", "quantity", "pledge")
ORDER = ("buyer", "destination", "producer", "item", "production_month", "arrival_month",
         "quantity")
FULFILMENT = ("requirement", "item", "arrival_month", "quantity", "late")


def _totals(w: Written) -> tuple[float, float, float, float]:
    r = w.summary["requirements"]
    return r["quantity"], r["on_time"], r["late"], r["unmet"]


# (a) floors and aid ----------------------------------------------------------------------

def test_a_donor_at_its_floor_gives_nothing_under_above_aid(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_floor_above"), tmp_path)
    assert w.rows("donations.csv", *DONATION) == []
    assert w.on_hand("AA", "gun") == [10, 10, 10]
    assert _totals(w) == (4, 0, 0, 4)
    # 4 unmet units: 4 x (400 + 40 x 2 months late to the horizon's end)
    assert w.summary["objective"] == pytest.approx(1920)
    # the floor is what holds back aid: measured, one unit lower frees one unit for the partner
    floor = [b for b in w.summary["binding"] if b["kind"] == "floor"]
    assert [(b["name"], b["change"]["from"], b["change"]["to"]) for b in floor] == [
        ("AA/gun", "10", "9")]
    assert (floor[0]["effect"]["on_time"], floor[0]["effect"]["unmet"]) == (1, -1)
    assert "1 more unit arrives on time" in floor[0]["message"]


@pytest.mark.parametrize(("on_hand", "readiness", "columns"),
                         [(10, "above_aid", 1), (8, "above_aid", 0), (8, "below_aid", 1)])
def test_a_donor_below_its_floor_from_the_start_gets_no_donation_columns(
        tmp_path: Path, on_hand: float, readiness: str, columns: int) -> None:
    sc = _scenario("opt_floor_above")
    stocks = tuple(dataclasses.replace(s, on_hand=on_hand) for s in sc.stocks)
    sc = dataclasses.replace(sc, stocks=stocks,
                             settings=dataclasses.replace(sc.settings, readiness=readiness))
    assert len(build_index(sc).don_pos) == columns
    w = _plan(sc, tmp_path)
    given = sum(float(q) for q, in w.rows("donations.csv", "quantity"))
    # above aid, AA gives nothing at or below its floor; below aid, it gives all 4 asked
    assert given == (4 if readiness == "below_aid" else 0)


def test_below_aid_lets_aid_take_a_donor_below_its_floor(tmp_path: Path) -> None:
    # with a floor weight of 10 a unit-month below floor costs less than a late or unmet
    # unit; only the readiness rule then decides whether AA may give
    above = _plan(_scenario("opt_floor_above", floor=10.0), tmp_path / "above")
    assert above.rows("donations.csv", *DONATION) == []
    below = _plan(_scenario("opt_floor_below", floor=10.0), tmp_path / "below")
    assert below.rows("donations.csv", *DONATION) == [
        ("AA", "RR", "gun", "2026-01", "2026-02", 4, "")]
    assert below.rows("fulfilment.csv", *FULFILMENT) == [("R1", "gun", "2026-02", 4, "false")]
    assert below.on_hand("AA", "gun") == [6, 6, 6]
    assert below.summary["readiness"] == 12
    # 4 units below floor (weight 10) and below target (weight 1) for 3 months
    assert below.summary["objective"] == pytest.approx(10 * 12 + 12)


def test_below_aid_with_default_weights_gives_before_keeping_the_floor(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_floor_below"), tmp_path)
    assert sum(float(q) for q, in w.rows("donations.csv", "quantity")) == 4
    assert _totals(w) == (4, 4, 0, 0)


# (b) committed pledges ---------------------------------------------------------------------

def test_committed_pledge_is_honoured_below_the_floor_and_reported(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_pledge_breach"), tmp_path)
    assert w.rows("donations.csv", *DONATION) == [
        ("AA", "RR", "gun", "2026-01", "2026-02", 5, "P1")]
    assert w.on_hand("AA", "gun") == [5, 5, 5]
    assert w.on_hand("RR", "gun") == [0, 5, 5]
    assert w.summary["floor_breaches"] == [
        {"pledge": "P1", "nation": "AA", "item": "gun", "month": "2026-01", "on_hand": 5,
         "floor": 8}]
    assert w.summary["readiness"] == 9
    # 3 units below floor (and target) for 3 months
    assert w.summary["objective"] == pytest.approx(1000 * 9 + 9)


# (c) family requirements --------------------------------------------------------------------

def test_family_requirement_is_met_by_any_item_of_the_family(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_family"), tmp_path)
    assert w.rows("donations.csv", *DONATION) == [
        ("BB", "RR", "gunB", "2026-01", "2026-02", 3, "")]
    assert w.rows("fulfilment.csv", *FULFILMENT) == [("R1", "gunB", "2026-02", 3, "false")]
    assert w.on_hand("AA", "shell") == [10, 10, 10]
    assert _totals(w) == (3, 3, 0, 0)


# (d) lead times ---------------------------------------------------------------------------

def test_lead_time_shifts_the_arrival_and_makes_it_late(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_lead_time"), tmp_path)
    assert w.rows("orders.csv", *ORDER) == [
        ("AA", "RR", "PX", "gun", "2026-01", "2026-03", 5)]
    assert w.rows("fulfilment.csv", *FULFILMENT) == [("R1", "gun", "2026-03", 5, "true")]
    assert w.on_hand("RR", "gun") == [0, 0, 5, 5]
    assert _totals(w) == (5, 0, 5, 0)
    # 5 units one month late, 5 bought at price 1
    assert w.summary["objective"] == pytest.approx(40 * 5 + 1e-4 * 5)


# (e) expansion and the demand signal ---------------------------------------------------------

def _production(w: Written) -> list[tuple[Cell, ...]]:
    return w.rows("production.csv", "month", "quantity", "capacity")


def test_line_does_not_expand_without_committed_offtake(tmp_path: Path) -> None:
    # expanding by min_expansion 10 from month 1 needs orders of 3 x (10 + 10) = 60 over
    # months 1-3; AA's budget of 50 cannot commit to that, so the line stays at 10/month
    w = _plan(_scenario("opt_expansion_small"), tmp_path)
    assert w.rows("expansions.csv", "producer") == []
    assert _production(w) == [("2026-01", 10, 10), ("2026-02", 10, 10), ("2026-03", 10, 10),
                              ("2026-04", 10, 10)]
    assert _totals(w) == (70, 40, 0, 30)
    assert w.summary["expansion"] == 0
    assert w.summary["objective"] == pytest.approx(30 * (400 + 40) + 1e-4 * 40)


def test_line_expands_against_enough_committed_offtake(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_expansion_enough"), tmp_path)
    assert w.rows("expansions.csv", "producer", "item", "buyer", "added_capacity",
                  "available_from") == [("PX", "shell", "", 10, "2026-02")]
    assert _production(w) == [("2026-01", 10, 10), ("2026-02", 20, 20), ("2026-03", 20, 20),
                              ("2026-04", 20, 20)]
    assert _totals(w) == (70, 70, 0, 0)
    assert w.summary["expansion"] == 10


def test_joint_expansion_is_paid_by_the_buyer_whose_orders_underwrite_it(tmp_path: Path) -> None:
    # AA spends its whole budget of 30 on shells for itself (10 in month 0, 20 in month 1);
    # the recipient's 70 need the line at 30/month from month 1, so E = 20 (cost 200),
    # underwritten by BB's orders (70 over months 1-3 >= 20 x 3) and paid by BB alone
    w = _plan(_scenario("opt_expansion_shared"), tmp_path)
    assert w.rows("expansions.csv", "producer", "item", "buyer", "added_capacity",
                  "available_from") == [("PX", "shell", "", 20, "2026-02")]
    assert w.rows("orders.csv", "buyer", "destination", "production_month", "quantity") == [
        ("AA", "AA", "2026-01", 10), ("AA", "AA", "2026-02", 20), ("BB", "RR", "2026-02", 10),
        ("BB", "RR", "2026-03", 30), ("BB", "RR", "2026-04", 30)]
    assert w.rows("contracts.csv", "buyer", "expansion_share_cost", "cost") == [
        ("AA", 0, 30), ("BB", 200, 270)]
    assert _totals(w) == (70, 70, 0, 0)
    # AA is 20 below its target of 30 in month 0; 300 spent
    assert w.summary["objective"] == pytest.approx(20 + 1e-4 * 300)


# (f) budgets --------------------------------------------------------------------------------

def test_budget_holds_in_each_12_month_year(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_budget"), tmp_path)
    assert w.rows("orders.csv", *ORDER) == [
        ("AA", "AA", "PX", "shell", "2026-01", "2026-02", 10),
        ("AA", "AA", "PX", "shell", "2027-01", "2027-02", 10)]
    spent: dict[str, float] = defaultdict(float)
    for month, q, price in w.rows("orders.csv", "production_month", "quantity", "unit_price"):
        spent[str(month)[:4]] += float(q) * float(price)
    assert spent == {"2026": 100, "2027": 100}
    assert w.on_hand("AA", "shell") == [0] + [10] * 12 + [20]
    # below target of 50 by 50, then 40 for 12 months, then 30; value 10 a unit
    assert w.summary["objective"] == pytest.approx(10 * (50 + 40 * 12 + 30) + 1e-4 * 200)


# (g) integrality ----------------------------------------------------------------------------

def test_integer_items_stay_whole_and_others_may_be_fractional(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_integer"), tmp_path)
    assert w.rows("orders.csv", "buyer", "item", "production_month", "quantity") == [
        ("BB", "fuel", "2026-01", 2.5), ("AA", "gun", "2026-01", 2)]
    assert w.on_hand("AA", "gun") == [2, 2, 2]
    assert w.on_hand("BB", "fuel") == [2.5, 2.5, 2.5]
    # below target by 3 guns and 2.5 fuel for 3 months, value 10 a unit
    assert w.summary["objective"] == pytest.approx(10 * 3 * (3 + 2.5) + 1e-4 * 45)
    # the relaxation buys 2.5 guns (objective 150.005): the whole number is the constraint's
    assert w.summary["model"]["relaxation_gap"] == pytest.approx(15 / 165, rel=1e-3)


# (h) priority -------------------------------------------------------------------------------

def test_scarce_stock_goes_to_the_priority_1_requirement(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_priority"), tmp_path)
    assert w.rows("fulfilment.csv", *FULFILMENT) == [("R2", "gun", "2026-02", 5, "false")]
    by_priority = w.summary["requirements"]["by_priority"]
    assert (by_priority["1"]["unmet"], by_priority["2"]["unmet"]) == (0, 5)
    # R1 (priority 2, half weight): 5 x (400 + 40 x 2)
    assert w.summary["objective"] == pytest.approx(0.5 * 5 * 480)


# (i), (j) exit statuses --------------------------------------------------------------------

def _run_plan(name: str, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run(["plan", str(SCENARIOS / name), "--out", str(out), "--no-greedy"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.err


def test_infeasible_committed_pledge_exits_3_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run_plan("opt_infeasible_pledge", tmp_path, capsys)
    assert code == 3
    line = next(t for t in err.splitlines() if "P9" in t)
    for word in ("AA", "gun", "RR", "2026-02"):
        assert word in line


def test_infeasible_run_says_the_folder_holds_an_earlier_plan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run_plan("opt_infeasible_pledge", tmp_path, capsys)
    assert code == 3 and "earlier plan" not in err       # nothing there before
    assert run(["plan", str(SCENARIOS / "opt_budget"), "--out", str(tmp_path),
                "--no-greedy"]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    capsys.readouterr()
    code, err = _run_plan("opt_infeasible_pledge", tmp_path, capsys)
    assert code == 3
    assert f"the plan files in {tmp_path} are an earlier plan's" in err
    # the earlier plan is left as it was: nothing lost, nothing half written
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_pledge_the_budget_cannot_buy_exits_3_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run_plan("opt_infeasible_budget", tmp_path, capsys)
    assert code == 3
    assert any(all(w in t for w in ("P7", "AA", "gun", "2026-02")) for t in err.splitlines())


def test_invalid_scenario_exits_2_naming_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run_plan("opt_invalid", tmp_path, capsys)
    assert code == 2
    assert "stocks.csv:2" in err and "floor" in err
    assert "stocks.csv:3" in err and "tank" in err
    assert not (tmp_path / "summary.json").exists()


# sustainment edge cases found by the property tests -------------------------------------------

def _sustainment(w: Written) -> list[tuple[Cell, ...]]:
    return w.rows("sustainment.csv", "platform", "month", "operational", "idle_no_ammo",
                  "idle_no_crew")


def test_crew_course_longer_than_the_horizon(tmp_path: Path) -> None:
    # RR's 2 fielded guns fire 10 shells a month; AA's shells arrive from month 1, so the guns
    # are idle for want of ammunition in month 0 only; a donated gun could never get a crew
    # (course 4 months, horizon 3), so none is sent
    w = _plan(_scenario("opt_long_course"), tmp_path)
    assert w.rows("donations.csv", *DONATION) == [
        ("AA", "RR", "shell", "2026-01", "2026-02", 10, ""),
        ("AA", "RR", "shell", "2026-02", "2026-03", 10, "")]
    assert _sustainment(w) == [("gun", "2026-01", 2, 2, 0), ("gun", "2026-02", 2, 0, 0),
                               ("gun", "2026-03", 2, 0, 0)]
    # 2 idle system-months of a gun worth 10, idle weight 20
    assert w.summary["objective"] == pytest.approx(20 * 10 * 2)


def test_fielded_systems_without_consumption(tmp_path: Path) -> None:
    w = _plan(_scenario("opt_fielded_idle"), tmp_path)
    assert w.rows("donations.csv", *DONATION) == []
    assert _sustainment(w) == [("gun", f"2026-0{m}", 2, 0, 0) for m in (1, 2, 3)]
    assert w.summary["objective"] == 0
