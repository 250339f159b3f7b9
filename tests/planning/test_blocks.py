"""Whole numbers for a large item group block by block (planning/blocks.py): the blocks its
cut rows leave, plans by blocks that pass the independent checker within their reported gap,
and the fall-back to the group's MIP when a block has no plan. Planning by groups uses blocks
only for groups of `PlanOptions.split_columns` columns or more, far larger than these
scenarios, so each test lowers that threshold to 0 (`BY_BLOCKS`)."""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replenish.plan.records import Plan
from replenish.planning import PlanOptions, blocks, decompose, plan_scenario
from replenish.planning.blocks import CUT_ROWS, split_blocks
from replenish.planning.build import build_model
from replenish.planning.decompose import item_groups
from replenish.planning.solve import new_highs
from replenish.scenario.generator import generate_scenario

from .support import checked

ALWAYS = PlanOptions(compare_greedy=False, decompose="always")
NEVER = PlanOptions(compare_greedy=False, decompose="never")
#: every group planned by blocks first, each block a MIP of its own
BY_BLOCKS = dataclasses.replace(ALWAYS, split_columns=0, batch_columns=1)


def _ways(plan: Plan) -> dict[str, Any]:
    """How many groups got their whole numbers by blocks, pooled, or by their own MIP."""
    return dict(plan.extra["model"]["decomposition"]["whole_numbers"])


def test_cut_rows_leave_blocks_that_no_other_row_joins() -> None:
    sc = generate_scenario(4, 30, 6, 3)
    built = build_model(sc, PlanOptions(budgets=False))
    a = built.model.matrix().tocsr()
    integer = built.model.column_arrays()[3]
    cut = np.zeros(a.shape[0], bool)
    for name in CUT_ROWS:
        b = built.model.blocks[name]
        cut[b.start:b.start + b.size] = True
    parts = split_blocks(a[np.flatnonzero(~cut)], integer, 1)   # every block a batch
    block_of = np.full(a.shape[1], -1)
    for k, cols in enumerate(parts):
        assert (block_of[cols] == -1).all()          # disjoint
        block_of[cols] = k
    assert (block_of[integer] >= 0).all()            # every whole-number column in a block
    for r in np.flatnonzero(~cut):
        cols = a.indices[a.indptr[r]:a.indptr[r + 1]]
        assert len(set(block_of[cols].tolist()) - {-1}) <= 1
    # family requirements and sustainment no longer join items: more blocks than groups
    assert len(parts) > len(item_groups(sc))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.integers(2, 4), st.integers(8, 16), st.integers(3, 12),
                 st.integers(0, 2**20)))
def test_plans_by_blocks_pass_the_checker_within_their_gap(size: tuple[int, ...]) -> None:
    sc = generate_scenario(*size)
    plan = plan_scenario(sc, BY_BLOCKS)
    checked(sc, plan)
    info = plan.extra["model"]["decomposition"]
    gap = plan.extra["model"]["relaxation_gap"]
    assert plan.objective >= info["lower_bound"] - 1e-6 * max(1.0, abs(plan.objective))
    assert plan.objective - info["lower_bound"] <= (gap + 1e-6) * max(1.0, abs(plan.objective))
    # a block's plan is optimal only where it is proven so
    assert plan.status == "feasible" if gap > 1e-3 else plan.status in ("optimal", "feasible")
    ways = _ways(plan)
    assert ways["blocks"] > 0 or ways["pooled"] == ways["mip"] == 0


def test_blocks_plan_close_to_the_one_model() -> None:
    sc = generate_scenario(4, 24, 8, 5)
    apart = plan_scenario(sc, BY_BLOCKS)
    whole = plan_scenario(sc, NEVER)
    assert _ways(apart)["blocks"] > 0
    checked(sc, apart)
    # measured: 7e-6 (relative) above the one model's plan, budgets shared between groups
    assert apart.objective <= whole.objective + 1e-3 * abs(whole.objective)


def test_a_block_without_a_plan_falls_back_to_the_groups_mip(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sc = generate_scenario(4, 24, 8, 5)
    real = blocks._Matrix.solve

    def solve(self: blocks._Matrix, h: object, free: np.ndarray, x: np.ndarray,
              *rest: object, **named: object) -> object:
        if self.integer[free].any():
            return None                  # no whole-number block has a plan
        return real(self, h, free, x, *rest, **named)    # type: ignore[arg-type]

    # left patched: a fault injected, no scenario or option makes every block fail
    monkeypatch.setattr(blocks._Matrix, "solve", solve)
    plan = plan_scenario(sc, BY_BLOCKS)
    ways = _ways(plan)
    assert ways["blocks"] == 0 and ways["pooled"] + ways["mip"] > 0
    checked(sc, plan)
    assert plan.objective == pytest.approx(plan_scenario(sc, ALWAYS).objective, rel=1e-9)


def test_a_block_left_without_a_plan_by_those_before_it_is_planned_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a fault injected: in every group, the block last in file order has no plan once another
    # block has been planned before it in the same pass (as when those before it spent, by
    # rounding up, the money it needs of its member's year)
    sc = generate_scenario(4, 24, 8, 5)
    one_at_a_time = dataclasses.replace(BY_BLOCKS, threads=1)    # the fault counts per group
    unfaulted = _ways(plan_scenario(sc, one_at_a_time))
    real_pass, real_solve = blocks._plan_blocks, blocks._Matrix.solve
    state: dict[str, Any] = {"solved": 0, "passes": 0, "last": None, "refused": 0}

    def plan_blocks(m: blocks._Matrix, order: list[np.ndarray], *rest: Any) -> Any:
        state.update(solved=0, last=max(order, key=lambda b: int(b[0])))
        state["passes"] += 1
        return real_pass(m, order, *rest)

    def solve(self: blocks._Matrix, h: object, free: np.ndarray, x: np.ndarray,
              *rest: object, **named: object) -> object:
        if self.integer[free].any():
            if len(state["last"]) and np.isin(state["last"], free).all() and state["solved"]:
                state["refused"] += 1
                return None
            state["solved"] += 1
        return real_solve(self, h, free, x, *rest, **named)    # type: ignore[arg-type]

    monkeypatch.setattr(blocks, "_plan_blocks", plan_blocks)
    monkeypatch.setattr(blocks._Matrix, "solve", solve)
    plan = plan_scenario(sc, one_at_a_time)
    # refused once per group with more than one block, then planned first, and every group
    # planned by blocks as without the fault, rather than left to its MIP
    assert state["refused"] > 0 and state["passes"] >= 2 * state["refused"]
    assert unfaulted["blocks"] > 0 and _ways(plan) == unfaulted
    checked(sc, plan)


@pytest.mark.parametrize("loss", [-1.0, float("inf")])
def test_blocks_far_above_the_relaxation_are_sought_pooled_and_the_cheaper_kept(
        monkeypatch: pytest.MonkeyPatch, loss: float) -> None:
    # BLOCKS_LOSS below 0: every group's plan by blocks counts as far above its relaxation
    # and is sought once more with its shares pooled; above any loss: none is
    sc = generate_scenario(4, 24, 8, 5)
    monkeypatch.setattr(decompose, "BLOCKS_LOSS", loss)
    seen: dict[int, dict[str, float]] = {}
    by_blocks, pooled = decompose._Group.by_blocks, decompose._Group.pooled
    plan_whole = decompose._Group.plan_whole

    def spy(method: Any, name: str) -> Any:
        def call(self: Any, *args: Any) -> Any:
            got = method(self, *args)
            if got is not None:
                seen.setdefault(id(self), {})[name] = got.objective
            return got
        return call

    monkeypatch.setattr(decompose._Group, "by_blocks", spy(by_blocks, "blocks"))
    monkeypatch.setattr(decompose._Group, "pooled", spy(pooled, "pooled"))
    monkeypatch.setattr(decompose._Group, "plan_whole", spy(plan_whole, "kept"))
    plan = plan_scenario(sc, BY_BLOCKS)
    checked(sc, plan)
    with_blocks = [g for g in seen.values() if "blocks" in g]
    assert with_blocks
    for g in with_blocks:
        if loss < 0:
            assert "pooled" in g      # a pooled plan may fail: not in these groups
            assert g["kept"] == pytest.approx(min(g["blocks"], g["pooled"]), rel=1e-6)
        else:
            assert "pooled" not in g and g["kept"] == g["blocks"]


def test_blocks_are_planned_again_with_the_money_other_groups_whole_numbers_left(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a block is planned within what the blocks held at the relaxation leave of its group's
    # year and rounds down what the relaxation bought in part; with the money other groups'
    # whole numbers leave, the group's blocks that lost are planned again
    # (`_Group.top_up`): here a plan 2.3 % cheaper (measured), every budget still holding
    sc = generate_scenario(4, 16, 8, 10)
    kept: list[bool] = []
    real = decompose._Group.top_up

    def top_up(self: Any, left: np.ndarray, spent: np.ndarray, objective: float,
               seconds: float) -> Any:
        assert 0 < seconds <= decompose.TOP_UP_SECONDS
        got = real(self, left, spent, objective, seconds)
        kept.append(got is not None)
        return got

    monkeypatch.setattr(decompose._Group, "top_up", top_up)
    plan = plan_scenario(sc, BY_BLOCKS)
    checked(sc, plan)                 # every member's budget still holds each year
    assert any(kept)
    assert plan.extra["model"]["decomposition"]["replanned_with_leftovers"] >= sum(kept)
    monkeypatch.setattr(decompose._Group, "top_up", lambda self, *args: None)
    without = plan_scenario(sc, BY_BLOCKS)
    assert plan.objective < without.objective - 1e-2 * abs(without.objective)
    bound = plan.extra["model"]["decomposition"]["lower_bound"]
    assert plan.objective >= bound - 1e-6 * abs(bound)


def test_blocks_are_topped_up_only_from_the_plan_the_caller_holds() -> None:
    # the money left is counted with what the caller's plan of the group spends: where that
    # is not the plan by blocks the group keeps (a re-plan that failed after planning it
    # again), it offers nothing; from its own plan, with money enough, a cheaper plan that
    # spends at most what it spent and what was left, member by member, year by year
    sc = generate_scenario(4, 16, 8, 10)
    planner = decompose.GroupPlanner(sc, BY_BLOCKS, lambda step, done: None)
    try:
        base = planner.base
        topped = [k for k, (p, f) in enumerate(zip(base.plans, base.final, strict=True))
                  if p.whole_by == "blocks" and f is not p]
        assert topped, "no group planned by blocks was topped up"
        k = topped[0]
        group = planner.groups.groups[k]
        assert group is not None and group.kept_blocks is not None
        before = base.plans[k]
        keys = len(group.keys)
        money = np.full(group.parts, 1e12)
        assert group.top_up(money, before.spent * 1.5 + 1.0, before.plan.objective, 5.0) is None
        # per member and year, what its plan after leftovers spent more, and a little more
        # (its blocks keep `pool_margin` of each pooled row unspent)
        _names, segment = decompose.budget_segments(group.keys)
        spent_before = np.bincount(segment, before.spent[:keys])
        room = (np.maximum(np.bincount(segment, base.final[k].spent[:keys]) - spent_before, 0.0)
                + 1e-4 * spent_before + 1.0)
        left = np.zeros(group.parts)
        left[:keys] = room[segment]
        # with no time at all, no block is planned again, and the group counts a search
        # time stopped (the plan then depends on the machine's speed)
        group.take_stopped()
        assert group.top_up(left, before.spent, before.plan.objective, 0.0) is None
        assert group.take_stopped() == 1
        new = group.top_up(left, before.spent, before.plan.objective, 5.0)
        assert group.take_stopped() == 0
        assert new is not None and new.plan.objective < before.plan.objective
        assert (np.bincount(segment, new.spent[:keys]) <= spent_before + room + 1e-6).all()
    finally:
        planner.close()


def test_highs_made_on_every_core_leave_stdout_where_it_was() -> None:
    # new_highs silences HiGHS's banner by pointing stdout at /dev/null for a moment; two
    # threads doing so at once could leave it there for good
    before = os.fstat(1)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: new_highs(PlanOptions()), range(400)))
    after = os.fstat(1)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)


def test_a_block_already_whole_is_not_solved_again(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = generate_scenario(4, 24, 8, 5)
    calls = {"always": 0, "when needed": 0}
    real = blocks.resolve_held
    runs = {}
    for name, noise in (("always", -1.0), ("when needed", BY_BLOCKS.whole_noise)):
        def counted(*args: object, name: str = name) -> bool:
            calls[name] += 1
            return real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(blocks, "resolve_held", counted)     # a spy: counts, changes nothing
        runs[name] = plan_scenario(sc, dataclasses.replace(BY_BLOCKS, whole_noise=noise))
        assert _ways(runs[name])["blocks"] > 0
        checked(sc, runs[name])
    # every block with whole numbers re-solved its LP before; most come back exactly whole
    assert calls["always"] > 0
    assert calls["when needed"] < calls["always"]
    assert runs["when needed"].objective == pytest.approx(runs["always"].objective, rel=1e-3)


def test_a_block_whose_plan_holds_only_within_the_mips_tolerance_is_planned_again_strictly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # on M's 60-item group in a local re-plan, a block's MIP plan held its rows only thanks
    # to a column 5.7e-7 below its bound (within the MIP's 1e-6): with its whole values held
    # exactly its LP had no plan, and the whole group fell to a pooled MIP of a minute or
    # more. Injected here: every block's plan at the default tolerance fails to hold
    sc = generate_scenario(4, 24, 8, 5)
    real = blocks.resolve_held
    strict = {"loose": 0, "strict": 0}

    def held(h: Any, lower: np.ndarray, upper: np.ndarray) -> bool:
        if h.getOptions().mip_feasibility_tolerance > blocks.STRICT_FEASIBILITY:
            strict["loose"] += 1
            return False
        strict["strict"] += 1
        return real(h, lower, upper)

    monkeypatch.setattr(blocks, "resolve_held", held)
    # every block re-solved with its whole values held, so that each meets the fault
    plan = plan_scenario(sc, dataclasses.replace(BY_BLOCKS, whole_noise=-1.0))
    assert _ways(plan)["blocks"] > 0
    assert strict["loose"] > 0 and strict["strict"] == strict["loose"]
    checked(sc, plan)


def _tiny(cost: list[float], at_least: float = -np.inf) -> blocks._Matrix:
    """One block of two whole columns a, b in [0, 3]: `at_least` <= 2a + b <= 3."""
    a = sp.csc_matrix(np.array([[2.0, 1.0]]))
    return blocks._Matrix(a, np.array([at_least]), np.array([3.0]), np.zeros(2),
                          np.full(2, 3.0), np.array(cost), np.array([True, True]),
                          np.array([False]), 0.0, 1e-9)


@pytest.mark.parametrize(("cost", "before", "expected"), [
    # the new plan from the relaxation (b = 0 held, a = 1) is cheaper: the new one
    ([-5.0, -2.0], [0.0, 0.0], [1.0, 0.0]),
    # the plan before is cheaper (-7 against -5) and holds: it stays
    ([-5.0, -2.0], [1.0, 1.0], [1.0, 1.0]),
    # ... but no longer holds (2a + b = 4 > 3): the new one
    ([-5.0, -2.0], [2.0, 0.0], [1.0, 0.0]),
    # as cheap as the new one: the plan before stays (a block a change leaves alone)
    ([-2.0, -1.0], [0.0, 2.0], [0.0, 2.0]),
])
def test_a_block_keeps_its_plan_before_where_that_holds_and_the_new_is_not_cheaper(
        cost: list[float], before: list[float], expected: list[float]) -> None:
    # in a local re-plan each block gets its values in the plan before (whole_by_blocks's
    # `previous`); the relaxation of 2a + b <= 3 here: a = 1.5
    m = _tiny(cost)
    h = new_highs(ALWAYS)
    values = m.solve(h, np.arange(2), np.zeros(2), np.array(before),
                     start=np.array([1.5, 0.0]))
    assert values is not None and values.tolist() == expected
    assert m.solve(new_highs(ALWAYS), np.arange(2), np.zeros(2)) is not None


def test_a_block_whose_held_values_leave_no_plan_keeps_its_plan_before() -> None:
    # 2a + b = 3 from the relaxation a = 0.5, b = 2: with b held at 2 no whole a completes
    # it. Without a plan before, b is freed and the best plan found (a = b = 1); with one
    # that still holds, freeing is not tried (six times the block's time on generated M)
    # and the plan before stands, though dearer
    m = _tiny([-5.0, -2.0], at_least=3.0)
    start = np.array([0.5, 2.0])
    fresh = m.solve(new_highs(ALWAYS), np.arange(2), np.zeros(2), start=start)
    assert fresh is not None and fresh.tolist() == [1.0, 1.0]
    kept = m.solve(new_highs(ALWAYS), np.arange(2), np.zeros(2), np.array([0.0, 3.0]),
                   start=start)
    assert kept is not None and kept.tolist() == [0.0, 3.0]
    # a plan before that no longer holds is no fallback: freed as without one
    again = m.solve(new_highs(ALWAYS), np.arange(2), np.zeros(2), np.array([0.0, 2.0]),
                    start=start)
    assert again is not None and again.tolist() == [1.0, 1.0]


def test_a_block_the_change_touched_is_freed_though_its_plan_before_holds() -> None:
    # as above, but `touched` (a block whose columns the change touched, planned again
    # alone): its plan is sought as without a plan before, which stands only if cheaper
    m = _tiny([-5.0, -2.0], at_least=3.0)
    start = np.array([0.5, 2.0])
    for touched, expected in ((None, [0.0, 3.0]), (np.array([True, False]), [1.0, 1.0])):
        values = m.solve(new_highs(ALWAYS), np.arange(2), np.zeros(2), np.array([0.0, 3.0]),
                         start=start, touched=touched)
        assert values is not None and values.tolist() == expected


def test_a_touched_block_whose_plan_before_no_longer_holds_is_mended_where_that_is_cheaper(
        ) -> None:
    # a + b <= 2.5 (the row the change moved: a and b touched), b + c <= 3, whole a, b, c in
    # [0, 10] at costs -1, -1, -1000. The plan before (a = 3, b = 0, c = 3) breaks the new
    # row. With the relaxation's whole values held (b = 2, c = 1) a = 0 is within 1 % of it
    # (-1002); mended, the plan before's c = 3 held and a, b from the relaxation: c = 3
    # leaves b = 0, a = 2 (-3002)
    m = blocks._Matrix(sp.csc_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])),
                       np.full(2, -np.inf), np.array([2.5, 3.0]), np.zeros(3), np.full(3, 10.0),
                       np.array([-1.0, -1.0, -1000.0]), np.ones(3, bool), np.zeros(2, bool),
                       0.0, 1e-9)
    before, start = np.array([3.0, 0.0, 3.0]), np.array([0.5, 2.0, 1.0])
    plain = m.solve(new_highs(ALWAYS), np.arange(3), np.zeros(3), before, start=start)
    assert plain is not None and plain.tolist() == [0.0, 2.0, 1.0]
    mended = m.solve(new_highs(ALWAYS), np.arange(3), np.zeros(3), before, start=start,
                     touched=np.array([True, True, False]))
    assert mended is not None and mended.tolist() == [2.0, 0.0, 3.0]


def test_a_block_whose_held_values_leave_it_far_above_its_relaxation_frees_them() -> None:
    # 2a + b <= 3 from a = 0.5, b = 2 (cost -6.5): with b held at 2 the best plan is a = 0,
    # cost -4, 38 % above; freed, a = b = 1, cost -7 (solve.release_used, against the cost
    # of the block's relaxation: generated M, seed 1, a block 22 % above its relaxation cost
    # the 24-item group 2 % where a relaxation at another of its optima left it 0.1 %)
    m = _tiny([-5.0, -2.0])
    values = m.solve(new_highs(ALWAYS), np.arange(2), np.zeros(2), start=np.array([0.5, 2.0]))
    assert values is not None and values.tolist() == [1.0, 1.0]
    # where the held plan is near the relaxation (a's cost a thousandth: -4 against -4.0025,
    # within FAR_ABOVE_RELAXATION) it stands, though b = 3 would be cheaper
    near = _tiny([-5e-3, -2.0])
    values = near.solve(new_highs(ALWAYS), np.arange(2), np.zeros(2), start=np.array([0.5, 2.0]))
    assert values is not None and values.tolist() == [0.0, 2.0]
