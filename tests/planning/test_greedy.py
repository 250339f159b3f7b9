"""The greedy (by-hand) planner: valid plans, priority order, floors, pledges, budgets."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path

import pytest

from replenish.errors import InfeasiblePlan
from replenish.model.records import Scenario
from replenish.plan.check import assert_plan_valid
from replenish.plan.records import Fulfilment, Plan
from replenish.plan.score import objective_terms, score_plan
from replenish.planning import plan_scenario
from replenish.planning.greedy import plan_greedy
from replenish.scenario.reader import read_scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"
FIXTURES = [name for name in ("tiny", "plan_check", "plan_priority", "plan_pledge",
                              "plan_sustain") if (SCENARIOS / name).is_dir()]


def _assert_writes_valid_plan(scenario: Scenario, plan: Plan, out: Path) -> None:
    # imported here so the other tests do not depend on the plan writer
    from replenish.plan.writer import write_plan

    write_plan(plan, scenario, out)
    assert_plan_valid(scenario, out)


def _assert_optimal_no_worse(scenario: Scenario, greedy: Plan) -> None:
    """The optimal plan (default options) scores no worse than the greedy one, to within the
    gap it reports from its bound."""
    optimal = plan_scenario(scenario)
    mine, theirs = score_plan(scenario, optimal), score_plan(scenario, greedy)
    slack = 1e-6 * abs(theirs) + optimal.extra["model"]["relaxation_gap"] * abs(mine)
    assert mine <= theirs + slack


def _read(name: str) -> Scenario:
    return read_scenario(SCENARIOS / name)


def _fulfilled(plan: Plan) -> dict[str, float]:
    got: dict[str, float] = defaultdict(float)
    for f in plan.fulfilment:
        got[f.requirement] += f.quantity
    return got


def _on_hand(plan: Plan, nation: str, item: str) -> list[float]:
    rows = sorted((s for s in plan.stocks if (s.nation, s.item) == (nation, item)),
                  key=lambda s: s.month)
    return [s.on_hand for s in rows]


@pytest.mark.parametrize("name", FIXTURES)
def test_greedy_plans_pass_the_checker(name: str, tmp_path: Path) -> None:
    scenario = _read(name)
    plan = plan_greedy(scenario)
    assert (plan.method, plan.status) == ("greedy", "heuristic")
    _assert_writes_valid_plan(scenario, plan, tmp_path)
    _assert_optimal_no_worse(scenario, plan)


def test_greedy_plan_of_a_scenario_built_in_code_passes(small_scenario: Scenario,
                                                       tmp_path: Path) -> None:
    plan = plan_greedy(small_scenario)
    _assert_writes_valid_plan(small_scenario, plan, tmp_path)
    _assert_optimal_no_worse(small_scenario, plan)


def test_priority_one_gets_the_scarce_stock_first() -> None:
    # AA has 20 shells above floor; BB none. Z_high (priority 1, 15) comes before A_low
    # (priority 3, 20) although A_low is needed earlier and sorts first by id.
    plan = plan_greedy(_read("plan_priority"))
    got = _fulfilled(plan)
    assert got["Z_high"] == 15
    assert got["A_low"] == 5


def test_family_requirement_takes_items_in_file_order() -> None:
    plan = plan_greedy(_read("plan_priority"))
    art = {f.item: f.quantity for f in plan.fulfilment if f.requirement == "ART"}
    assert art == {"how": 2, "gun": 3}     # 2 howitzers above AA's floor, then 3 of BB's guns
    assert all(not f.late for f in plan.fulfilment if f.requirement == "ART")


def test_fractional_items_give_exactly_what_is_above_floor() -> None:
    plan = plan_greedy(_read("plan_priority"))
    fuel = [f for f in plan.fulfilment if f.requirement == "FUEL"]
    assert [(f.quantity, f.late) for f in fuel] == [(7.5, True)]   # needed in month 0
    assert _on_hand(plan, "BB", "fuel") == [2.5] * 6


def test_donors_never_go_below_floor_without_a_pledge() -> None:
    for name in ("plan_priority", "plan_pledge"):
        scenario = _read(name)
        plan = plan_greedy(scenario)
        pledged = {(p.donor, p.item) for p in scenario.pledges if p.status == "committed"}
        for s in scenario.stocks:
            if (s.nation, s.item) not in pledged:
                assert min(_on_hand(plan, s.nation, s.item)) >= s.floor, (name, s)


def test_committed_pledge_is_dispatched_below_floor_and_reported() -> None:
    plan = plan_greedy(_read("plan_pledge"))
    pledged = [d for d in plan.donations if d.pledge == "P1"]
    assert [(d.donor, d.dispatch_month, d.quantity) for d in pledged] == [("AA", 1, 30)]
    assert not any(d.pledge == "P2" for d in plan.donations)     # announced: not by hand
    assert _on_hand(plan, "AA", "shell") == [50, 20, 20, 20]
    assert len(plan.floor_breaches) == 1
    assert all(word in plan.floor_breaches[0] for word in ("P1", "AA", "shell", "2026-02"))
    # the pledge's arrival counts toward the requirement; BB's spare 10 makes up the rest
    assert _fulfilled(plan)["NEED"] == 40
    assert _on_hand(plan, "BB", "shell") == [20, 20, 20, 20]


def test_below_aid_lets_requirements_take_floor_stock() -> None:
    scenario = _read("plan_pledge")
    relaxed = dataclasses.replace(scenario, settings=dataclasses.replace(
        scenario.settings, readiness="below_aid"))
    plan = plan_greedy(relaxed)
    # AA comes first in nations.csv and may now give its last 20 (after the pledge) too
    free = [(d.donor, d.quantity) for d in plan.donations if d.pledge is None]
    assert free == [("AA", 10)]


def test_uncoverable_pledge_is_named() -> None:
    scenario = _read("plan_pledge")
    pledges = tuple(dataclasses.replace(p, quantity=60) if p.id == "P1" else p
                    for p in scenario.pledges)
    with pytest.raises(InfeasiblePlan) as info:
        plan_greedy(dataclasses.replace(scenario, pledges=pledges))
    assert "pledge P1" in str(info.value)
    assert all(word in str(info.value) for word in ("AA", "shell", "2026-02"))


def test_orders_use_the_cheapest_line_within_budget_in_whole_units() -> None:
    plan = plan_greedy(_read("plan_priority"))
    shells = [o for o in plan.orders if o.item == "shell"]
    assert {o.producer for o in shells} == {"P1"}                 # price 2 beats 3
    assert {(o.buyer, o.destination) for o in shells} == {("AA", "AA")}
    # capacity 8 a month; AA's 55 a year buys 27.5 shells, floored to whole ones
    assert [o.quantity for o in shells] == [8, 8, 8, 3]
    assert sum(o.quantity * o.unit_price for o in shells) <= 55
    assert all(o.arrival_month < 6 for o in shells)                # nothing lands too late
    assert plan.expansions == []


def test_objective_is_the_hand_computed_score_and_plans_are_deterministic() -> None:
    scenario = _read("plan_priority")
    first, second = plan_greedy(scenario), plan_greedy(scenario)
    # per unit: 400 unmet, 40 a month late (see the test below); Z_high's 15 come on time
    # A_low (p3, x0.25, value 2): 5 on time, 15 unmet for 4 months -> 0.5 x (6000 + 2400)
    # ART (p2, x0.5, family mean 90): 5 on time, 1 unmet for 5 months -> 45 x (400 + 200)
    # FUEL (p4, x0.125, value 0.5): 7.5 a month late, 1.5 unmet for 6 months
    #   -> 0.0625 x (300 + 600 + 360)
    assert objective_terms(scenario, first)["requirements"] == pytest.approx(
        4200 + 27000 + 78.75)
    assert (first.donations, first.orders, first.stocks, first.fulfilment) == (
        second.donations, second.orders, second.stocks, second.fulfilment)
    terms = objective_terms(scenario, first)
    assert terms["floor"] == 0
    assert terms["idle"] == 0


def test_score_weighs_requirements_by_priority_value_and_lateness() -> None:
    scenario = _read("plan_priority")
    plan = Plan(method="hand", status="heuristic", objective=0.0, procurement="joint",
                fulfilment=[Fulfilment("Z_high", "shell", 5, 15, True)])
    # Z_high (p1, value 2): 15 units 2 months late -> 40 x 2 x 30 = 2400
    # A_low (p3, x0.25, value 2): 20 unmet, late for 4 months -> 0.5 x (8000 + 3200) = 5600
    # ART (p2, x0.5, family mean 90): 6 unmet, 5 months -> 45 x (2400 + 1200) = 162000
    # FUEL (p4, x0.125, value 0.5): 9 unmet, 6 months -> 0.0625 x (3600 + 2160) = 360
    assert objective_terms(scenario, plan)["requirements"] == pytest.approx(170360)
    assert score_plan(scenario, plan) == pytest.approx(170360)


def test_score_counts_floor_target_cost_and_movement() -> None:
    scenario = _read("plan_pledge")
    plan = plan_greedy(scenario)
    terms = objective_terms(scenario, plan)
    # AA sits 20 below floor and target for 3 months (unit_cost 1); BB moved 10 free units
    assert terms["floor"] == pytest.approx(1000 * 60)
    assert terms["target"] == pytest.approx(60)
    assert terms["requirements"] == 0
    assert terms["cost"] == 0
    assert terms["movement"] == pytest.approx(0.01 * 1e-4 * 10)
    assert plan.objective == pytest.approx(1000 * 60 + 60 + 0.01 * 1e-4 * 10)


def test_idle_systems_follow_from_the_greedy_plan() -> None:
    # 2 fielded howitzers; 2 donated arrive in month 1 and wait for crews (1 seat, 1 month);
    # the pledge's 30 shells arrive in month 1 and last for 3 system-months at 10 a month.
    scenario = _read("plan_sustain")
    plan = plan_greedy(scenario)
    rows = [(r.month, r.operational, r.idle_no_ammo, r.idle_no_crew) for r in plan.sustainment]
    assert rows == [(0, 2, 2, 0), (1, 2, 0, 2), (2, 3, 2, 1), (3, 4, 4, 0)]
    assert _on_hand(plan, "RR", "shell") == [0, 10, 0, 0]
    # 11 idle system-months of a 100-value platform at priority 1
    assert objective_terms(scenario, plan)["idle"] == pytest.approx(20 * 100 * 11)
