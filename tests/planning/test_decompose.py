"""Planning by item groups: the groups, their sub-scenarios, budget shares, and the merged plan
(which must pass the independent checker, equal the one-model optimum where budgets do not
bind, and stay within the reported gap of the bound where they do)."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from replenish.errors import InfeasiblePlan, NoPlanInTime
from replenish.model.records import Scenario
from replenish.planning import PlanOptions, decompose, plan_scenario, solve
from replenish.planning.build import build_model
from replenish.planning.decompose import (
    initial_shares,
    item_groups,
    should_decompose,
    sub_scenario,
)
from replenish.planning.solve import lp_matrix, new_highs, pass_model, solve_guided
from replenish.scenario.generator import generate_scenario

from .support import checked

ALWAYS = PlanOptions(compare_greedy=False, decompose="always")
NEVER = PlanOptions(compare_greedy=False, decompose="never")


def _unlimited(scenario: Scenario) -> Scenario:
    nations = tuple(dataclasses.replace(n, annual_budget=None) for n in scenario.nations)
    return dataclasses.replace(scenario, nations=nations)


def test_groups_join_family_requirements_and_sustainment() -> None:
    sc = generate_scenario(4, 30, 6, 3)
    groups = item_groups(sc)
    where = {c: k for k, g in enumerate(groups) for c in g}
    assert sorted(c for g in groups for c in g) == sorted(i.code for i in sc.items)
    for q in sc.requirements:
        if q.family:
            assert len({where[c] for c in sc.family_items(q.family)}) == 1
    fits: dict[str, set[str]] = {}
    for c in sc.compatibility:
        fits.setdefault(c.platform, set()).add(c.munition)
    for u in sc.consumption:
        together = {u.platform, u.munition} | fits.get(u.platform, set())
        assert len({where[c] for c in together}) == 1
    # items tied to nothing else stand alone
    tied = {c for q in sc.requirements if q.family for c in sc.family_items(q.family)}
    tied |= {c for u in sc.consumption for c in {u.platform, u.munition}
             | fits.get(u.platform, set())}
    assert all(len(g) == 1 for g in groups if not set(g) & tied)
    assert len(groups) > 1


def test_sub_scenario_keeps_only_its_items() -> None:
    sc = generate_scenario(4, 30, 6, 3)
    group = max(item_groups(sc), key=len)
    sub = sub_scenario(sc, group)
    keep = set(group)
    assert {i.code for i in sub.items} == keep
    assert {s.item for s in sub.stocks} <= keep
    assert {ln.item for ln in sub.lines} == {ln.item for ln in sc.lines if ln.item in keep}
    assert all((q.item in keep) if q.item else set(sub.family_items(q.family or "")) <= keep
               for q in sub.requirements)
    assert all(u.platform in keep and u.munition in keep for u in sub.consumption)
    assert sub.nations == sc.nations
    # the groups' parts add up to the scenario
    parts = [sub_scenario(sc, g) for g in item_groups(sc)]
    assert sum(len(p.stocks) for p in parts) == len(sc.stocks)
    assert sum(len(p.requirements) for p in parts) == len(sc.requirements)
    assert sum(len(p.lines) for p in parts) == len(sc.lines)


def test_initial_shares_add_up_to_each_budget() -> None:
    # keys 0-1 share budget 0, keys 2-3 budget 1, keys 4-5 budget 2
    demand = np.array([30.0, 10.0, 0.0, 0.0, 5.0, 0.0])
    segment = np.array([0, 0, 1, 1, 2, 2])
    limit = np.array([20.0, 8.0, 100.0])
    shares = initial_shares(demand, segment, limit)
    assert np.allclose(np.bincount(segment, shares), limit)
    assert np.allclose(shares[:2], [15.0, 5.0])     # oversubscribed: by demand
    assert np.allclose(shares[2:4], [4.0, 4.0])     # nobody asked: equal halves
    assert np.allclose(shares[4:], [100.0, 0.0])    # spare money goes where it is asked for


def test_auto_decomposes_only_large_scenarios() -> None:
    small = generate_scenario(3, 10, 6, 1)
    assert not should_decompose(small, PlanOptions(), len(item_groups(small)))
    assert should_decompose(small, ALWAYS, len(item_groups(small)))
    assert not should_decompose(small, NEVER, 5)
    large = generate_scenario(32, 200, 36, 1)
    assert should_decompose(large, PlanOptions(), len(item_groups(large)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.integers(2, 4), st.integers(8, 14), st.integers(3, 8),
                 st.integers(0, 2**20)))
# whole numbers 0.25 % above the relaxation, each group's MIP proven optimal: once reported
# "feasible" by groups, as if budgets had been shared
@example((2, 9, 8, 254086))
def test_without_budgets_groups_give_the_one_model_optimum(size: tuple[int, ...]) -> None:
    sc = _unlimited(generate_scenario(*size))
    apart = plan_scenario(sc, ALWAYS)
    whole = plan_scenario(sc, NEVER)
    assert apart.status == whole.status == "optimal"
    tol = 2e-4 * max(1.0, abs(whole.objective))      # both within HiGHS's MIP gap 1e-4
    assert abs(apart.objective - whole.objective) <= tol
    checked(sc, apart)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.integers(2, 4), st.integers(8, 14), st.integers(3, 14),
                 st.integers(0, 2**20)))
def test_with_budgets_the_merged_plan_is_valid_and_bounded(size: tuple[int, ...]) -> None:
    sc = generate_scenario(*size)
    apart = plan_scenario(sc, ALWAYS)
    whole = plan_scenario(sc, NEVER)
    checked(sc, apart)
    info = apart.extra["model"]["decomposition"]
    # the bound (coordinated by price) is below both plans; the merged plan is no better
    # than the one model's relaxation bound, and the reported gap covers its distance
    scale = max(1.0, abs(whole.objective))
    assert info["lower_bound"] <= whole.objective + 1e-6 * scale
    whole_bound = whole.objective - whole.extra["model"]["relaxation_gap"] * scale
    assert apart.objective >= whole_bound - 1e-6 * scale
    gap = apart.extra["model"]["relaxation_gap"]
    assert apart.objective - info["lower_bound"] <= (gap + 1e-6) * max(1.0, abs(apart.objective))
    assert apart.status == ("optimal" if gap <= 1e-3 else "feasible")


def test_same_scenario_same_decomposed_plan() -> None:
    sc = generate_scenario(3, 14, 8, 11)
    a, b = plan_scenario(sc, ALWAYS), plan_scenario(sc, ALWAYS)
    assert a.orders == b.orders and a.donations == b.donations and a.stocks == b.stocks
    assert a.objective == pytest.approx(b.objective)


def _pledge_needs_most_of_the_budget() -> Scenario:
    """Member A must buy 10 shells (10 x 100) to honour a committed pledge it has no stock
    for, out of a budget of 1,200; its tank target would take every penny too. Shared in
    proportion to what each group asks for, the pledge's group gets too little money."""
    from replenish.model.records import (
        Item,
        Nation,
        Pledge,
        ProductionLine,
        Settings,
        Stock,
    )

    return Scenario(
        settings=Settings(name="pledge", start="2026-01", horizon_months=6),
        nations=(Nation("A", "Member A", "member", 1200.0), Nation("R", "Recipient", "recipient")),
        items=(Item("shell", "Shell", "ammo", "munition", 100.0, True),
               Item("tank", "Tank", "armour", "platform", 1000.0, True)),
        stocks=(Stock("A", "shell", 0.0, 0.0, 0.0), Stock("A", "tank", 0.0, 0.0, 50.0)),
        pledges=(Pledge("P1", "A", "R", "shell", 10.0, 3, "committed"),),
        lines=(ProductionLine("F1", "A", "shell", 100.0, 100.0, 1),
               ProductionLine("F2", "A", "tank", 100.0, 1000.0, 1)),
    )


def test_a_scenario_too_large_for_one_model_names_why_its_groups_failed() -> None:
    with pytest.raises(InfeasiblePlan) as err:
        # no pass to coordinate: shares as the groups asked, scaled to the budget
        plan_scenario(_pledge_needs_most_of_the_budget(),
                      dataclasses.replace(ALWAYS, one_model_max_columns=1, budget_rounds=0))
    message = str(err.value)
    assert "share of the budgets" in message and "too large to plan as one model" in message


def test_groups_out_of_time_go_on_to_a_whole_number_plan() -> None:
    sc = generate_scenario(4, 24, 8, 5)
    assert any(i.integer for i in sc.items)
    hurried = plan_scenario(sc, dataclasses.replace(ALWAYS, time_limit=1e-6))
    # out of time, coordination still went on until some combination held every budget
    assert hurried.extra["model"]["decomposition"]["coordinated_relaxation"] is not None
    checked(sc, hurried)
    assert hurried.objective >= plan_scenario(sc, ALWAYS).objective - 1e-6


@pytest.mark.parametrize("patient", [True, False])
def test_a_whole_number_solve_out_of_time_goes_on_to_its_first_plan_if_patient(
        patient: bool) -> None:
    sc = generate_scenario(3, 16, 8, 11)
    built = build_model(sc, NEVER)
    lower, upper, _cost, integer = built.model.column_arrays()
    assert integer.any()
    h = new_highs(dataclasses.replace(NEVER, time_limit=0.0))
    pass_model(h, built, integrality=True)
    if not patient:
        with pytest.raises(NoPlanInTime, match="Time limit"):
            solve_guided(h, integer, lower, upper)
        return
    sol = solve_guided(h, integer, lower, upper, patient=True)
    assert sol.status in ("optimal", "feasible")   # its first plan may well be the best
    whole = sol.x[integer]
    assert np.abs(whole - np.round(whole)).max() < 1e-6


def test_prices_give_a_pledge_the_money_it_needs() -> None:
    sc = _pledge_needs_most_of_the_budget()
    assert len(item_groups(sc)) == 2
    # coordinated by price, the pledge's group gets the money it needs (shared in proportion
    # to what each group asked for, it did not)
    plan = plan_scenario(sc, ALWAYS)
    assert plan.extra["model"]["decomposition"]["price_passes"] > 0
    assert sum(d.quantity for d in plan.donations if d.pledge == "P1") == 10
    checked(sc, plan)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.integers(2, 4), st.integers(8, 14), st.integers(4, 12),
                 st.integers(0, 2**20)))
def test_national_mode_by_groups_passes_the_checker(size: tuple[int, ...]) -> None:
    sc = generate_scenario(*size)
    sc = dataclasses.replace(sc, settings=dataclasses.replace(sc.settings,
                                                              procurement="national"))
    plan = plan_scenario(sc, ALWAYS)
    assert plan.procurement == "national"
    checked(sc, plan)


def test_plans_by_groups_measure_what_binds_only_when_asked() -> None:
    sc = generate_scenario(4, 14, 12, 6)
    plan = plan_scenario(sc, ALWAYS)
    assert plan.binding == [] and "--explain always" in plan.extra["explanations"]
    plan = plan_scenario(sc, dataclasses.replace(ALWAYS, explain="always"))
    assert plan.binding
    members = {n.code for n in sc.members if n.annual_budget is not None}
    for b in plan.binding:
        assert any(b["effect"][k] for k in ("on_time", "late", "unmet", "readiness",
                                             "idle_system_months", "cost")), b
        if b["kind"] == "budget":
            assert b["name"] in members and b["change"]["file"] == "nations.csv"
    changes = [b["objective_change"] for b in plan.binding]
    assert changes == sorted(changes)


def test_groups_start_largest_first_and_come_back_in_their_order() -> None:
    started: list[str] = []

    def work(item: str) -> str:
        started.append(item)
        return item.upper()

    items, done = ["b", "dddd", "a", "ccc"], []
    with ThreadPoolExecutor(max_workers=1) as pool:
        out = decompose._in_order(pool, work, items, done.append, size=len)
    assert out == ["B", "DDDD", "A", "CCC"]
    assert started == ["dddd", "ccc", "b", "a"]
    assert done == [1, 2, 3, 4]


def test_groups_in_parallel_give_the_plan_of_groups_one_at_a_time() -> None:
    sc = generate_scenario(4, 24, 8, 5)
    together = plan_scenario(sc, ALWAYS)
    alone = plan_scenario(sc, dataclasses.replace(ALWAYS, threads=1))
    assert together.extra["model"]["decomposition"]["groups"] > 2
    assert together.orders == alone.orders and together.donations == alone.donations
    assert together.objective == pytest.approx(alone.objective, rel=1e-12)


def test_whole_numbers_with_held_values_without_a_plan_fall_back_to_a_full_mip(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sc = generate_scenario(4, 24, 8, 5)
    pooled = plan_scenario(sc, ALWAYS)
    checked(sc, pooled)
    ways = pooled.extra["model"]["decomposition"]["whole_numbers"]
    assert ways["pooled"] > 0                   # given time, pooling plans some groups
    # pooled rows that allow no spending: a group whose plan spends falls back
    real = decompose._Group.pool_shares

    def no_room(group: decompose._Group, margin: float,
                x: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        extra, cap = real(group, margin, x)
        group.h.changeRowsBounds(len(extra), extra,  # type: ignore[attr-defined]
                                 np.full(len(extra), -np.inf),
                                 np.zeros(len(extra)))
        return extra, cap

    monkeypatch.setattr(decompose._Group, "pool_shares", no_room)
    plan = plan_scenario(sc, ALWAYS)
    fallen = plan.extra["model"]["decomposition"]["whole_numbers"]
    assert fallen["mip"] > ways["mip"] and fallen["pooled"] < ways["pooled"]
    checked(sc, plan)


def test_the_pool_margin_never_takes_what_the_relaxation_spends() -> None:
    # pooled rows a margin below the shares, but never below what the relaxation spends: a
    # relaxation spending its whole share, its values whole, stays a plan (generated M, seed
    # 1: 116 of 137 pooled MIPs were infeasible at once for the margin alone)
    sc = generate_scenario(4, 24, 8, 5)
    ways = plan_scenario(sc, ALWAYS).extra["model"]["decomposition"]["whole_numbers"]
    plan = plan_scenario(sc, dataclasses.replace(ALWAYS, pool_margin=1.0))
    assert plan.extra["model"]["decomposition"]["whole_numbers"]["pooled"] == ways["pooled"]
    checked(sc, plan)


@pytest.mark.parametrize("out_of_time", [False, True])
def test_a_pooled_plan_is_sought_again_only_within_the_seconds_given(
        monkeypatch: pytest.MonkeyPatch, out_of_time: bool) -> None:
    # a plan the pooled MIP found is sought again with fewer values held only for what is
    # left of its seconds: HiGHS may not look at the clock for long in a MIP's root (M seed 7
    # on a slow machine: 46 s of a 5 s limit, for the same plan), so with none left, none
    sc = generate_scenario(4, 24, 8, 5)
    asked: list[float] = []
    real = decompose.release_used

    def spy(*args: Any, **named: Any) -> None:
        asked.append(float(named["improve_seconds"]))
        real(*args, **named)

    monkeypatch.setattr(decompose, "release_used", spy)
    if out_of_time:
        # every MIP as long as it needs, but the pooled attempt given no seconds at all
        monkeypatch.setattr(decompose, "limit_mip",
                            lambda h, seconds: h.setOptionValue("time_limit", 60.0))
        monkeypatch.setattr(decompose, "POOL_PART", 0.0)
        monkeypatch.setattr(decompose, "MIN_GROUP_SECONDS", 0.0)
    plan = plan_scenario(sc, ALWAYS)
    checked(sc, plan)
    assert plan.extra["model"]["decomposition"]["whole_numbers"]["pooled"] > 0
    if out_of_time:
        assert asked == []
    else:
        assert asked and min(asked) > 0.0
        assert max(asked) <= max(decompose.MIN_GROUP_SECONDS, decompose.POOL_PART
                                 * ALWAYS.time_limit * decompose._workers(ALWAYS))


def test_a_large_group_whose_blocks_have_no_plan_is_one_mip_for_a_short_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # every group large enough for blocks, blocks refused: each MIP may take at most
    # MIP_AFTER_BLOCKS_SECONDS of the minutes its part of the time limit would allow
    sc = generate_scenario(4, 24, 8, 5)
    options = dataclasses.replace(ALWAYS, split_columns=1, time_limit=3600.0)
    monkeypatch.setattr(decompose._Group, "by_blocks", lambda self, *a: None)
    # ... and pooled (it plans every group of this scenario at once)
    monkeypatch.setattr(decompose._Group, "pooled", lambda self, *a: None)
    allowed: list[float] = []
    real = decompose.solve_guided

    def guided(h: highspy.Highs, *args: object, **named: object) -> object:
        allowed.append(float(h.getOptions().time_limit) - float(h.getRunTime()))
        return real(h, *args, **named)    # type: ignore[arg-type]

    monkeypatch.setattr(decompose, "solve_guided", guided)
    plan = plan_scenario(sc, options)
    checked(sc, plan)
    assert plan.extra["model"]["decomposition"]["whole_numbers"]["mip"] > 0
    assert allowed and max(allowed) <= decompose.MIP_AFTER_BLOCKS_SECONDS + 1e-6
    monkeypatch.setattr(decompose, "MIP_AFTER_BLOCKS_SECONDS", 1e6)
    allowed.clear()
    plan_scenario(sc, options)
    assert max(allowed) > 60.0


def test_blocks_without_a_plan_try_again_from_a_relaxation_that_leaves_room(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # blocks held at a relaxation that spends all of a member's year fail where a block's
    # whole values must spend a hair more (generated M, seed 1, a budget a tenth higher: the
    # group's MIP after them took 59 s); they are tried once more from the relaxation within
    # BLOCK_ROOM less than every share, before any MIP
    sc = generate_scenario(4, 24, 8, 5)
    options = dataclasses.replace(ALWAYS, split_columns=0, batch_columns=1)
    real = decompose.whole_by_blocks
    calls: list[bool] = []       # per call: whether it was the group's second
    room: list[float] = []       # the second calls' least room left on a coupling row

    def refuse_first(h: highspy.Highs, built: Any, x: np.ndarray, *args: Any,
                     **named: Any) -> Any:
        again = bool(calls) and not calls[-1]
        calls.append(again)
        if not again:
            return None
        lp = h.getLp()
        a = lp_matrix(lp)
        rows = named["coupling"]
        cap = np.asarray(lp.row_upper_)[rows]
        used = (a @ x)[rows]
        big = cap > 1e-3
        if big.any():
            room.append(float(np.min(1.0 - used[big] / cap[big])))
        return real(h, built, x, *args, **named)

    monkeypatch.setattr(decompose, "whole_by_blocks", refuse_first)
    monkeypatch.setattr(decompose, "_workers", lambda options: 1)   # calls in turn
    plan = plan_scenario(sc, options)
    checked(sc, plan)
    assert any(calls), "no group was tried again"
    assert 0 < plan.extra["model"]["decomposition"]["whole_numbers"]["blocks"] <= sum(calls)
    assert room and min(room) >= decompose.BLOCK_ROOM * (1 - 1e-6)


def test_money_left_by_whole_numbers_buys_a_better_plan() -> None:
    # (seeds 5, 1 and 12 did too, each until some change of the planner: of seeds 1-15,
    # with shares from a vertex of the master, seeds 1 and 12 leave money a group can use,
    # seed 12 for 8.5e-5 of the plan, seed 1 for 3.6e-4)
    sc = generate_scenario(3, 12, 8, 1)
    with_left = plan_scenario(sc, ALWAYS)
    # some group was planned twice: once within its share, once with what others left
    assert with_left.extra["model"]["decomposition"]["replanned_with_leftovers"] > 0
    checked(sc, with_left)                 # every member's budget still holds each year
    without = plan_scenario(sc, dataclasses.replace(ALWAYS, leftover_loss=float("inf")))
    assert without.extra["model"]["decomposition"]["replanned_with_leftovers"] == 0
    # measured: 3.6e-4 (relative) better
    assert with_left.objective < without.objective - 1e-4 * abs(without.objective)
    bound = with_left.extra["model"]["decomposition"]["lower_bound"]
    assert with_left.objective >= bound - 1e-6 * abs(bound)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True)
@given(st.tuples(st.integers(2, 4), st.integers(8, 14), st.integers(3, 12),
                 st.integers(0, 2**20)))
def test_one_model_and_groups_agree(size: tuple[int, ...]) -> None:
    # issue 23: scenarios small enough to plan exactly as one model; the groups' bound is at
    # most the exact optimum (and the one model's relaxation), their plan within 0.1 % of it
    sc = generate_scenario(*size)
    exact = plan_scenario(sc, dataclasses.replace(NEVER, mip_rel_gap=0.0))
    relaxed = plan_scenario(sc, dataclasses.replace(NEVER, integer=False))
    apart = plan_scenario(sc, ALWAYS)
    scale = max(1.0, abs(exact.objective))
    bound = apart.extra["model"]["bound"]
    assert bound <= relaxed.objective + 1e-6 * scale
    assert bound <= exact.objective + 1e-6 * scale
    assert apart.objective <= exact.objective + 1e-3 * scale
    assert apart.status == ("optimal" if apart.objective - bound <= 1e-3 * abs(apart.objective)
                            else "feasible")


def _no_whole_plan_for(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """`_Group.whole` fails (no whole numbers within its shares) for the first group to get
    there, `times` times; the ids of the groups it failed for."""
    real = decompose._Group.whole
    failed: list[int] = []
    failed_items: list[Any] = []

    def no_room(group: decompose._Group, seconds: float, gap: float,
                keep: bool = False) -> decompose.GroupPlan:
        if len(failed) < times and (not failed or group.scenario.items == failed_items[0]):
            failed.append(id(group))
            failed_items[:1] = [group.scenario.items]
            raise decompose.GroupsFailed("no whole numbers within its shares")
        return real(group, seconds, gap, keep)

    monkeypatch.setattr(decompose._Group, "whole", no_room)
    return failed


def test_a_group_without_whole_numbers_within_its_shares_gets_what_the_others_leave(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # coordination stopped early (generated M, seed 3, at 0.2 %): a 1-item group's whole
    # numbers had no plan within its shares, and the scenario went to one model for 211 s
    sc = generate_scenario(4, 24, 8, 5)
    failed = _no_whole_plan_for(monkeypatch, 1)
    shares: list[np.ndarray] = []
    real_again = decompose._Group.again

    def again(group: decompose._Group, share: np.ndarray,
              gap: float) -> decompose.GroupPlan | None:
        shares.append(share)
        return real_again(group, share, gap)

    monkeypatch.setattr(decompose._Group, "again", again)
    plan = plan_scenario(sc, ALWAYS)
    assert len(failed) == 1 and shares        # failed once, then planned again
    assert "decomposition" in plan.extra["model"]      # by groups still
    checked(sc, plan)


def test_a_group_without_whole_numbers_even_with_what_the_others_leave_goes_to_one_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sc = generate_scenario(4, 24, 8, 5)
    failed = _no_whole_plan_for(monkeypatch, 2)     # within its shares, and again
    plan = plan_scenario(sc, ALWAYS)
    assert len(failed) == 2
    assert "decomposition" not in plan.extra["model"]
    checked(sc, plan)


def test_whole_numbers_a_time_limit_stopped_are_counted_in_the_plan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # every MIP's own time limit at next to nothing (a very slow machine): the groups still
    # plan (each goes on to its first plan), and the plan says how many searches time
    # stopped, where coordination itself had time enough; with their seconds, none
    sc = generate_scenario(3, 12, 8, 5)
    calm = plan_scenario(sc, ALWAYS)
    assert calm.extra["model"]["stopped_by_time"] == 0

    def at_once(h: highspy.Highs, seconds: float) -> None:
        h.setOptionValue("time_limit", 1e-9)

    monkeypatch.setattr(decompose, "limit_mip", at_once)
    monkeypatch.setattr(solve, "limit_mip", at_once)
    hurried = plan_scenario(sc, ALWAYS)
    checked(sc, hurried)
    assert hurried.extra["model"]["decomposition"]["price_passes"] > 1
    assert hurried.extra["model"]["stopped_by_time"] >= 1


def test_a_plan_as_one_model_counts_what_time_stopped_too() -> None:
    plan = plan_scenario(generate_scenario(3, 12, 8, 5), NEVER)
    assert plan.extra["model"]["stopped_by_time"] == 0
