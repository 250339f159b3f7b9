"""Joint against national, side by side: the figures, the headline and the files written."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from replenish import i18n
from replenish.model.records import Scenario
from replenish.plan.check import check_plan
from replenish.plan.records import Donation, Order, Plan, StockLevel
from replenish.reports.compare import (
    CompareResult,
    Mode,
    compare_dict,
    headline,
    money,
    months_to_target,
    over_budget,
    plan_both,
    shortfall_by_month,
    types_by_family,
    with_procurement,
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
    assert result.years == ["2027-01..2027-08"]
    assert result.budgets == {"AA": 2200, "BB": 2200, "CC": 2200}
    for m in result.members:
        assert result.joint.spending[m][0] == pytest.approx(result.joint.member_cost[m])
        assert result.joint.spending[m][0] <= 2200 + 0.01


def test_headline_says_cost_who_pays_and_what_it_buys(
        compared: tuple[CompareResult, dict[Mode, Plan]]) -> None:
    result, _ = compared
    text = headline(result)
    j = result.joint
    assert text.startswith(f"Buying together costs {money(j.cost)} more than each member "
                           "buying alone")
    for m in result.members:         # every member, its money in the year, against its budget
        assert (f"{m} {money(j.spending[m][0])} in Jan 2027 – Aug 2027 (within its 2,200 a year; "
                "alone 0)") in text
    assert "3 of 3 members back at target within" in text
    assert "(alone: no member back at target by Aug 2027)" in text
    assert "worth 6,000 at the start, is worth 0 by Aug 2027 (alone: 6,000)" in text
    assert "over Jan 2027 – Aug 2027)." in text
    assert ("1 production line expands (alone: 0), adding 10 units/month that no member alone "
            "could justify") in text
    assert "objective" not in text and "%" not in text
    assert "Over budget" not in text


def test_headline_says_who_breaks_a_budget(
        compared: tuple[CompareResult, dict[Mode, Plan]]) -> None:
    result, _ = compared
    spending = {**result.joint.spending, "BB": [2300.0]}
    over = dataclasses.replace(result, joint=dataclasses.replace(result.joint,
                                                                 spending=spending))
    assert over_budget(over, over.joint) == [("BB", "2027-01..2027-08", 2300.0, 2200)]
    text = headline(over)
    assert "BB 2,300 in Jan 2027 – Aug 2027 (OVER its 2,200 a year; alone 0)" in text
    assert text.endswith("Over budget: BB spends 2,300 jointly in Jan 2027 – Aug 2027 against a "
                         "budget of 2,200.")


def test_money_reads_in_millions_and_billions() -> None:
    assert money(1860) == "1,860"
    assert money(99_238_100) == "99.2 million"
    assert money(1_956_867_255) == "1.96 billion"


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
    for mode in ("joint", "national"):        # each folder is a plan like any other
        assert check_plan(with_procurement(pool, mode), tmp_path / mode) == []
    assert data["years"] == ["2027-01..2027-08"]
    assert data["joint"]["spending"]["AA"] == [
        {"year": "2027-01..2027-08", "spent": result.joint.spending["AA"][0], "budget": 2200,
         "within_budget": True}]
    assert not (tmp_path / "national" / "contracts.csv").exists()
    summary = json.loads((tmp_path / "national" / "summary.json").read_text(encoding="utf-8"))
    assert summary["procurement"] == "national"
    assert summary["scenario"] == str((SCENARIOS / "joint_pool").resolve())
    assert paths["chart"].read_bytes()[:4] == b"\x89PNG"


def test_the_headline_speaks_danish_and_compare_json_stays_english(
        compared: tuple[CompareResult, dict[Mode, Plan]]) -> None:
    result, _ = compared
    english = headline(result)
    with i18n.speaking("da"):
        danish = headline(result)
        data = compare_dict(result)
        assert money(99_238_100) == "99,2 mio." and money(1_956_867_255) == "1,96 mia."
    assert danish.startswith("At købe sammen koster ")
    assert "Hvem betaler: " in danish and "Til gengæld: " in danish
    assert "Buying together" not in danish and " million" not in danish
    assert data["headline"] == english
