"""The optimisation model (one module per constraint group), solve, read back, explain.

`plan_scenario` runs the steps: build the model, solve it, read the solution back, explain
what binds, and (optionally) compare with the greedy by-hand allocation.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import highspy

from replenish.errors import InfeasiblePlan
from replenish.model import Scenario
from replenish.plan.records import Plan
from replenish.planning.options import PlanOptions

Progress = Callable[[str, float], None]


def plan_scenario(scenario: Scenario, options: PlanOptions | None = None,
                  progress: Progress | None = None, keep: list[Any] | None = None,
                  warm_from: Any = None) -> Plan:
    """Plan a scenario with the chosen method; `progress(step, fraction)` reports steps.

    A plan by item groups may be kept to plan a changed scenario again warm (issue 19): with
    `keep`, its `decompose.GroupPlanner` is appended there, open (the caller closes it); with
    `warm_from`, such a planner of a scenario like this one plans it again warm (it is left
    as it was, ready for the next change)."""
    from replenish.planning.greedy import plan_greedy
    from replenish.planning.pricing import apply_price_breaks

    opts = options or PlanOptions()
    report = progress or (lambda step, fraction: None)
    if opts.method == "greedy":
        report("greedy", 0.0)
        t0 = time.perf_counter()
        plan = plan_greedy(scenario)
        plan.timings["solve"] = time.perf_counter() - t0
        plan.extra["model"] = {"bound": _relaxation_bound(scenario, opts)}
        _bound_with_price_breaks(scenario, plan)
        report("done", 1.0)
        return plan
    warm: list[Any] = []      # the planner by groups, kept to measure what binds warm
    try:
        by_groups = (_replan(warm_from, scenario, report) if warm_from is not None
                     else _plan_by_groups(scenario, opts, report, warm, keep is not None))
        plan = apply_price_breaks(by_groups or _plan_as_one_model(scenario, opts, report),
                                  scenario)
        _bound_with_price_breaks(scenario, plan)
        _explain(scenario, plan, opts, report, warm[0] if warm else warm_from)
    finally:
        if keep is not None:
            keep += warm
        else:
            for planner in warm:
                planner.close()
    if opts.compare_greedy:
        report("greedy", 0.95)
        plan.extra["greedy"] = _compare_greedy(scenario, plan, plan_greedy)
    report("done", 1.0)
    return plan


def _replan(planner: Any, scenario: Scenario, report: Progress) -> Plan | None:
    """`planner.replan(scenario)`; None (plan as one model) where a group could not live
    within its shares and the scenario is small enough (see decompose._groups_failed)."""
    from replenish.planning.decompose import GroupsFailed

    try:
        plan: Plan = planner.replan(scenario, report)
    except GroupsFailed:
        return None
    return plan


def _relaxation_bound(scenario: Scenario, opts: PlanOptions) -> float | None:
    """The LP relaxation's optimum, a bound on any plan (the greedy one's too); None where the
    scenario is planned by item groups, whose bound takes as long as a plan."""
    from replenish.planning.build import build_model
    from replenish.planning.decompose import groups_of, should_decompose
    from replenish.planning.solve import new_highs, pass_model

    if should_decompose(scenario, dataclasses.replace(opts, decompose="auto"),
                        len(groups_of(scenario, opts))):
        return None
    built = build_model(scenario, opts)
    h = new_highs(opts)
    pass_model(h, built, integrality=False)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value) * built.scale


def _bound_with_price_breaks(scenario: Scenario, plan: Plan) -> None:
    """The model prices orders at list price; price breaks, applied after, can make a plan
    cheaper than that. What any plan can save so is at most every line's full output, over
    the horizon, at its lowest price: the bound less that saving holds for every plan."""
    model = plan.extra.get("model")
    if not scenario.price_breaks or not model or model.get("bound") is None:
        return
    lowest = {ln.key: ln.unit_price for ln in scenario.lines}
    for b in scenario.price_breaks:
        key = (b.producer, b.item)
        if key in lowest:
            lowest[key] = min(lowest[key], b.unit_price)
    saving = sum((ln.unit_price - lowest[ln.key]) * (ln.capacity + ln.max_expansion)
                 * scenario.horizon for ln in scenario.lines)
    model["bound"] -= scenario.settings.weight("cost") * saving


def _explain(scenario: Scenario, plan: Plan, opts: PlanOptions, report: Progress,
             warm: Any = None) -> None:
    """Replace the plan's candidate limits by what re-planning with each relaxed measures;
    a plan by groups is planned again warm (`warm`, a decompose.GroupPlanner), one change at
    a time."""
    from replenish.planning.measure import measure_binding
    from replenish.planning.pricing import apply_price_breaks

    candidates, plan.binding = plan.binding, []
    by_groups = "decomposition" in plan.extra.get("model", {})
    if opts.explain == "never" or (opts.explain == "auto" and by_groups):
        if candidates:
            plan.extra["explanations"] = (
                "not measured: this plan was made by item groups, and each re-plan takes as "
                "long as the plan; pass --explain always to measure them"
                if by_groups else "not measured (--explain never)")
        return
    report(f"measuring what binds ({len(candidates)} re-plans)", 0.85)
    t0 = time.perf_counter()
    if warm is not None:
        plan.binding = measure_binding(
            scenario, plan, candidates, opts,
            lambda changed, _o: apply_price_breaks(warm.replan(changed), changed),
            parallel=False)
    else:
        plan.binding = measure_binding(scenario, plan, candidates, opts, plan_scenario)
    plan.timings["explain"] = time.perf_counter() - t0


def _plan_by_groups(scenario: Scenario, opts: PlanOptions, report: Progress,
                    warm: list[Any], keep: bool = False) -> Plan | None:
    """The plan by item groups where they are used (see decompose.py); None otherwise, or when a
    group could not live within its budget shares. Where what binds is to be measured, or
    with `keep`, the planner is kept (appended to `warm`) to plan again warm."""
    if opts.decompose == "never":
        return None
    from replenish.planning.decompose import (
        GroupPlanner,
        GroupsFailed,
        groups_of,
        order_columns,
        plan_by_groups,
        should_decompose,
    )

    parts = groups_of(scenario, opts)
    if not should_decompose(scenario, opts, len(parts)):
        return None
    try:
        if opts.explain == "always" or keep:
            planner = GroupPlanner(scenario, opts, report, parts)
            warm.append(planner)
            return planner.plan
        return plan_by_groups(scenario, opts, report, parts)
    except GroupsFailed as exc:
        if order_columns(scenario) < opts.one_model_max_columns:
            return None
        raise InfeasiblePlan([f"an item group could not be planned within its share of the "
                              f"budgets ({exc}), and the scenario is too large to plan as one "
                              f"model; check committed pledges against members' budgets"]
                             ) from None


def _plan_as_one_model(scenario: Scenario, opts: PlanOptions, report: Progress) -> Plan:
    from replenish.planning.build import build_model
    from replenish.planning.explain import binding_candidates
    from replenish.planning.readback import assign_solution
    from replenish.planning.solve import solve_model, stopped_by_time

    report("build", 0.0)
    t0 = time.perf_counter()
    built = build_model(scenario, opts)
    t1 = time.perf_counter()
    report("solve", 0.2)
    before = stopped_by_time()
    try:
        sol = solve_model(built, opts)
    except InfeasiblePlan as exc:
        from replenish.planning.donations import pledges_needing_production

        raise InfeasiblePlan(pledges_needing_production(built.index) or exc.reasons) from None
    t2 = time.perf_counter()
    report("read back", 0.8)
    plan = assign_solution(built, sol)
    plan.binding = binding_candidates(built, sol)
    t3 = time.perf_counter()
    plan.timings.update(build=t1 - t0, solve=t2 - t1, read_back=t3 - t2)
    plan.extra["model"] = {"variables": built.model.n_cols, "constraints": built.model.n_rows,
                           "integer": bool(sol.mip), "bound": sol.bound * built.scale,
                           "relaxation_gap": round(sol.gap, 6),
                           "stopped_by_time": stopped_by_time() - before}
    return plan


def _compare_greedy(scenario: Scenario, plan: Plan,
                    greedy: Callable[[Scenario], Plan]) -> dict[str, object]:
    """What the plan achieves that the by-hand greedy one does not: `gains` is this plan's
    totals minus greedy's, in units, months and money; the objectives are for machines."""
    from replenish.plan.score import score_plan
    from replenish.plan.totals import effect_sentence, plan_totals, totals_difference

    try:
        other = greedy(scenario)
    except InfeasiblePlan as exc:
        return {"status": "infeasible", "reason": str(exc)}
    mine, theirs = score_plan(scenario, plan), score_plan(scenario, other)
    gains = totals_difference(plan_totals(plan, scenario), plan_totals(other, scenario))
    better = theirs - mine
    return {"status": "heuristic", "objective": round(theirs, 4),
            "improvement": round(better, 4),
            "improvement_pct": round(100.0 * better / abs(theirs), 3) if theirs else 0.0,
            "gains": gains, "message": effect_sentence(gains, by_priority=False)}


__all__ = ["PlanOptions", "Plan", "plan_scenario"]
