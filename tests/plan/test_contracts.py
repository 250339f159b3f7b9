"""contracts.csv: one row per joint contract and buyer, cost shares adding up exactly."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from replenish.model.records import Scenario
from replenish.plan.contracts import (
    CENT,
    COLUMNS,
    allocate,
    contract_rows,
    expansion_split,
    month_runs,
)
from replenish.plan.records import Expansion, Order, Plan
from replenish.plan.totals import spending_by_year
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.pricing import apply_price_breaks
from replenish.scenario.reader import read_scenario
from replenish.scenario.writer import format_number

POOL = Path(__file__).parent.parent / "scenarios" / "joint_pool"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return read_scenario(POOL)


def _order(buyer: str, month: int, quantity: float, contract: str | None = "JC-PX-shell",
           price: float = 100.0) -> Order:
    return Order(buyer, buyer, "PX", "shell", month, month + 1, quantity, price, contract)


def _late_expansion(scenario: Scenario) -> tuple[Scenario, Plan]:
    """PX expands by 4 from month 2; AA orders 10 before and 10 after, BB 30 after."""
    line = dataclasses.replace(scenario.lines[0], expansion_lead_time=2)
    sc = dataclasses.replace(scenario, lines=(line,))
    plan = Plan("optimal", "optimal", 0.0, "joint",
                orders=[_order("AA", 0, 10), _order("AA", 3, 10), _order("BB", 4, 30)],
                expansions=[Expansion("PX", "shell", None, 4.0, 2)])
    return sc, plan


def test_expansion_cost_split_by_orders_over_the_expansion_months(scenario: Scenario) -> None:
    sc, plan = _late_expansion(scenario)
    # 4 x 31 = 124, split 10 : 30 — AA's order in month 0 precedes the expansion
    assert expansion_split(plan, sc) == {("PX", "shell"): {"AA": 31.0, "BB": 93.0}}
    rows = {r["buyer"]: r for r in contract_rows(plan, sc)}
    assert rows["AA"]["cost"] == 2031 and rows["BB"]["cost"] == 3093
    assert rows["AA"]["expansion_share_cost"] == 31 and rows["AA"]["contract_cost"] == 5124
    assert rows["AA"]["delivery_months"] == "2027-02;2027-05"
    spent = {m: sum(years.values()) for m, years in spending_by_year(plan, sc).items()}
    assert spent == {"AA": 2031.0, "BB": 3093.0, "CC": 0.0}


def test_given_shares_replace_the_order_rule(scenario: Scenario) -> None:
    sc, plan = _late_expansion(scenario)
    split = expansion_split(plan, sc, shares={("PX", "shell", "BB"): 4.0})
    assert split == {("PX", "shell"): {"BB": 124.0}}


def test_cost_shares_add_up_exactly_remainder_to_the_largest(scenario: Scenario,
                                                             tmp_path: Path) -> None:
    sc = scenario
    plan = apply_price_breaks(plan_scenario(sc, PlanOptions(compare_greedy=False)), sc)
    rows = [{k: format_number(v) if isinstance(v, float) else str(v) for k, v in r.items()}
            for r in contract_rows(plan, sc)]
    assert list(rows[0]) == COLUMNS
    assert [r["buyer"] for r in rows] == ["AA", "BB", "CC"]
    # 60 pooled shells at tier price 90 plus 10 x 31 expansion: 5710; 310 / 3 leaves a cent
    assert {r["contract_cost"] for r in rows} == {"5710"}
    assert sum(Decimal(r["cost"]) for r in rows) == Decimal("5710")
    assert sum(Decimal(r["expansion_share_cost"]) for r in rows) == Decimal("310")
    assert sum(Decimal(r["share_of_cost"]) for r in rows) == Decimal(1)
    assert [r["expansion_share_cost"] for r in rows] == ["103.34", "103.33", "103.33"]
    assert {r["unit_price"] for r in rows} == {"90"}


def test_allocate_gives_the_remainder_to_the_largest_part() -> None:
    assert allocate(Decimal("1.00"), {"b": 0.5, "a": 0.25, "c": 0.25}, CENT) == {
        "a": Decimal("0.25"), "b": Decimal("0.50"), "c": Decimal("0.25")}
    thirds = allocate(Decimal("10.00"), {"c": 10 / 3, "b": 10 / 3, "a": 10 / 3}, CENT)
    assert thirds == {"a": Decimal("3.34"), "b": Decimal("3.33"), "c": Decimal("3.33")}
    skewed = allocate(Decimal("0.02"), {"x": 0.004, "y": 0.004, "z": 0.012}, CENT)
    assert skewed["z"] == Decimal("0.02") and sum(skewed.values()) == Decimal("0.02")


def test_month_runs(scenario: Scenario) -> None:
    assert month_runs([4, 2, 3, 7, 3], scenario) == "2027-03..2027-05;2027-08"
    assert month_runs([], scenario) == ""


def test_national_plan_has_no_joint_contracts(scenario: Scenario) -> None:
    plan = Plan("optimal", "optimal", 0.0, "national", orders=[_order("AA", 0, 5, None)])
    assert contract_rows(plan, scenario) == []
