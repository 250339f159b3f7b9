"""Joint against national, side by side: the figures, the headline and the files written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replenish.model.records import Scenario
from replenish.plan.records import Donation, Order, Plan, StockLevel
from replenish.reports.compare import (
    CompareResult,
    Mode,
    headline,
    months_to_target,
    plan_both,
    shortfall_by_month,
    types_by_family,
    write_compare,
)
from replenish.scenario.reader import read_scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"


@pytest.fixture(scope="module")
def pool() -> Scenario:
    return read_scenario(SCENARIOS / "joint_pool")


@pytest.fixture(scope="module")
def compared(pool: Scenario) -> tuple[CompareResult, dict[Mode, Plan]]:
    return plan_both(pool)


def _stocks(nation: str, levels: list[float]) -> list[StockLevel]:
    return [StockLevel(nation, "shell", t, q, 5, 30) for t, q in enumerate(levels)]


def test_months_to_target_counts_to_the_month_it_stays_there(pool: Scenario) -> None:
    plan = Plan("optimal", "optimal", 0.0, "joint",
                stocks=_stocks("AA", [10, 30, 20, 30, 30, 30, 30, 30])
                + _stocks("BB", [30] * 7 + [29]) + _stocks("CC", [30] * 8))
    # AA dips below target in month 2 and is back from the end of month 3 (4 months);
    # BB falls below target in the last month; CC starts below target (10) and is there by
    # the end of the first month
    assert months_to_target(plan, pool) == {"AA": 4, "BB": None, "CC": 1}
    plan.stocks = _stocks("AA", [10] * 7 + [30]) + _stocks("BB", [30] * 8)
    assert months_to_target(plan, pool) == {"AA": 8, "BB": 1, "CC": None}


def test_shortfall_is_value_below_target(pool: Scenario) -> None:
    plan = Plan("optimal", "optimal", 0.0, "joint",
                stocks=_stocks("AA", [10] * 8) + _stocks("BB", [25] * 8) + _stocks("CC", [40] * 8))
    assert shortfall_by_month(plan, pool) == [100 * (20 + 5)] * 8


def test_types_count_member_orders_and_deliveries_to_recipients(pool: Scenario) -> None:
    plan = Plan("optimal", "optimal", 0.0, "joint",
                orders=[Order("AA", "AA", "PX", "shell", 0, 1, 5, 100)],
                donations=[Donation("AA", "RR", "shell", 0, 1, 3)])
    assert types_by_family(plan, pool) == {"ammunition_155": 1}
    assert types_by_family(Plan("optimal", "optimal", 0.0, "joint"), pool) == {}


def test_pooled_fixture_compares_as_expected(
        compared: tuple[CompareResult, dict[Mode, Plan]]) -> None:
    result, _ = compared
    assert result.joint.restocked == 3 and result.national.restocked == 0
    assert result.joint.capacity_added == {"PX shell": pytest.approx(10, abs=1e-4)}
    assert result.national.capacity_added == {} and result.national.cost == 0
    assert sum(result.joint.member_cost.values()) == pytest.approx(result.joint.cost, abs=0.05)
    assert result.joint.shortfall[-1] == 0 and result.national.shortfall[-1] == 6000
    assert headline(result) == (
        "Buying together restocks 3 of 3 members to target within the horizon (national: 0), "
        "closes 100% of the members' stock gap below target by 2027-08 (national: 0%) and "
        "adds 10 units/month of capacity on 1 line that no member alone could justify.")


def test_files_written(compared: tuple[CompareResult, dict[Mode, Plan]], pool: Scenario,
                       tmp_path: Path) -> None:
    result, plans = compared
    paths = write_compare(result, plans, pool, tmp_path, SCENARIOS / "joint_pool")
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["headline"] == headline(result)
    # jointly, CC is at target before the horizon ends (which month is one of several equally
    # good plans: the other members' stocks make up the difference); nationally, never
    joint_cc = result.joint.months_to_target["CC"]
    assert joint_cc is not None and joint_cc < len(result.months)
    assert data["joint"]["at_target_from"]["CC"] == result.months[joint_cc - 1]
    assert data["national"]["at_target_from"]["CC"] == "not in horizon"
    assert data["only_joint_lines"] == {"PX shell": pytest.approx(10, abs=1e-4)}
    assert (tmp_path / "joint" / "contracts.csv").is_file()
    assert not (tmp_path / "national" / "contracts.csv").exists()
    summary = json.loads((tmp_path / "national" / "summary.json").read_text(encoding="utf-8"))
    assert summary["procurement"] == "national"
    assert summary["scenario"] == str((SCENARIOS / "joint_pool").resolve())
    assert paths["chart"].read_bytes()[:4] == b"\x89PNG"
