"""Planning again warm after a small change (issue 19): only the groups the change touches
are built afresh, coordination resumes from the plan before, and the plan is as good as one
made from scratch, within their gaps."""

from __future__ import annotations

import dataclasses

import pytest

from replenish.model.records import Scenario
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.decompose import GroupPlanner, item_groups
from replenish.scenario.generator import generate_scenario

from .support import checked

ALWAYS = PlanOptions(compare_greedy=False, decompose="always", explain="never")


def _one_more(scenario: Scenario) -> tuple[Scenario, str]:
    """The scenario with one unit/month more on a line of its largest item group."""
    largest = set(max(item_groups(scenario), key=len))
    line = next(ln for ln in scenario.lines if ln.item in largest)
    lines = tuple(dataclasses.replace(ln, capacity=ln.capacity + 1) if ln is line else ln
                  for ln in scenario.lines)
    return dataclasses.replace(scenario, lines=lines), line.item


def _gap(plan: object) -> float:
    return plan.extra["model"]["relaxation_gap"]  # type: ignore[attr-defined, no-any-return]


def test_a_warm_replan_builds_only_the_touched_group_and_plans_as_well_as_from_scratch(
        ) -> None:
    sc = generate_scenario(3, 12, 8, 5)
    changed, _item = _one_more(sc)
    with GroupPlanner(sc, ALWAYS, lambda step, f: None) as planner:
        base = planner.plan
        warm = planner.replan(changed)
        again = planner.replan(changed)       # the planner is left as the base plan's
    cold = plan_scenario(changed, ALWAYS)
    checked(changed, warm)
    w = warm.extra["model"]["decomposition"]
    assert w["warm"]["groups_rebuilt"] == 1
    assert w["price_passes"] >= 1
    assert base.extra["model"]["decomposition"].get("warm") is None
    # both are within their gaps of the same optimum
    assert warm.objective >= warm.extra["model"]["bound"] - 1e-6 * abs(warm.objective)
    assert abs(warm.objective - cold.objective) <= (
        (_gap(warm) + _gap(cold)) * abs(cold.objective) + 1e-6 * abs(cold.objective))
    assert again.objective == pytest.approx(warm.objective, rel=1e-9)
    assert again.orders == warm.orders


def test_an_unchanged_scenario_replans_to_its_own_plan() -> None:
    sc = generate_scenario(3, 12, 8, 5)
    with GroupPlanner(sc, ALWAYS, lambda step, f: None) as planner:
        same = planner.replan(sc)
        base = planner.plan
    assert same.extra["model"]["decomposition"]["warm"]["groups_rebuilt"] == 0
    checked(sc, same)
    assert abs(same.objective - base.objective) <= (
        (_gap(same) + _gap(base)) * abs(base.objective) + 1e-6 * abs(base.objective))


def test_a_change_that_regroups_items_is_planned_from_scratch() -> None:
    sc = generate_scenario(3, 12, 8, 5)
    # a new requirement for a whole family joins its items into one group
    family = next(i.family for i in sc.items
                  if len(sc.family_items(i.family)) > 1
                  and len({next(k for k, g in enumerate(item_groups(sc)) if c in g)
                           for c in sc.family_items(i.family)}) > 1)
    need = dataclasses.replace(sc.requirements[0], id="R-NEW", item=None, family=family)
    changed = dataclasses.replace(sc, requirements=(*sc.requirements, need))
    assert item_groups(changed) != item_groups(sc)
    with GroupPlanner(sc, ALWAYS, lambda step, f: None) as planner:
        plan = planner.replan(changed)
    assert "warm" not in plan.extra["model"]["decomposition"]
    checked(changed, plan)


def test_plans_by_groups_measure_what_binds_warm() -> None:
    sc = generate_scenario(3, 12, 8, 5)
    plan = plan_scenario(sc, dataclasses.replace(ALWAYS, explain="always"))
    assert "decomposition" in plan.extra["model"]
    assert plan.binding, "a plan whose budgets bind has limits that bind"
    for entry in plan.binding:
        assert entry["effect"] and entry["message"] and entry["change"]


def test_a_budget_or_a_hub_changed_rebuilds_no_group() -> None:
    # budgets and hubs' tonnes are coupling rows, not in any group's model
    sc = generate_scenario(3, 12, 8, 5, hubs=1)
    member = next(n for n in sc.members if n.annual_budget is not None)
    richer = dataclasses.replace(sc, nations=tuple(
        dataclasses.replace(n, annual_budget=2 * (n.annual_budget or 0)) if n is member else n
        for n in sc.nations))
    narrower = dataclasses.replace(sc, hubs=tuple(
        dataclasses.replace(h, capacity_tonnes=1.0) for h in sc.hubs))
    with GroupPlanner(sc, ALWAYS, lambda step, f: None) as planner:
        plans = {"budget": (richer, planner.replan(richer)),
                 "hub": (narrower, planner.replan(narrower))}
    for name, (changed, warm) in plans.items():
        checked(changed, warm)
        assert warm.extra["model"]["decomposition"]["warm"]["groups_rebuilt"] == 0, name
        cold = plan_scenario(changed, ALWAYS)
        assert abs(warm.objective - cold.objective) <= (
            (_gap(warm) + _gap(cold)) * abs(cold.objective) + 1e-6 * abs(cold.objective)), name
    # a hub of 1 t a month carries next to nothing: the plan changed
    assert plans["hub"][1].objective > planner.plan.objective
