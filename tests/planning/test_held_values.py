"""Whole numbers guided by the relaxation (planning/solve.py): the relaxation's whole values
are held and HiGHS settles the rest; a plan that lands far above the relaxation is sought
again with fewer values held (`release_used`)."""

from __future__ import annotations

import threading
import time

import highspy
import numpy as np
import pytest
import scipy.sparse as sp

from replenish.planning.solve import (
    FAR_ABOVE_RELAXATION,
    FAR_ABOVE_WITH_ZEROS_HELD,
    hold_whole_values,
    limit_mip,
    lp_matrix,
    pass_arrays,
    release_used,
    run_counted,
    stopped_by_time,
)


def _knapsack() -> highspy.Highs:
    """min -5a - 2b, 2a + b <= 3, a and b whole in [0, 3]: the relaxation takes a = 1.5 and
    no b (b's 2 per unit of the row against a's 2.5); whole numbers take a = 1, b = 1 (-7),
    but with the relaxation's b = 0 held only a = 1 (-5)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.addVars(2, np.zeros(2), np.full(2, 3.0))
    h.changeColsCost(2, np.array([0, 1], np.int32), np.array([-5.0, -2.0]))
    h.addRow(-np.inf, 3.0, 2, np.array([0, 1], np.int32), np.array([2.0, 1.0]))
    return h


@pytest.mark.parametrize(("zeros", "objective"), [(False, -5.0), (True, -7.0)])
def test_a_plan_far_above_its_relaxation_is_sought_again_with_its_zeros_freed_only_if_asked(
        zeros: bool, objective: float) -> None:
    h = _knapsack()
    h.run()
    relaxed = float(h.getInfo().objective_function_value)
    x = np.asarray(h.getSolution().col_value)
    assert relaxed == pytest.approx(-7.5) and x == pytest.approx([1.5, 0.0])
    integer = np.array([True, True])
    h.changeColsIntegrality(2, np.array([0, 1], np.int32),
                            np.array([highspy.HighsVarType.kInteger] * 2))
    held = hold_whole_values(h, integer, x)
    assert held.tolist() == [1]                 # b = 0; a = 1.5 is not whole
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(-5.0)
    # a third above the relaxation: far, but the only value held is a zero
    assert (-5.0 - relaxed) / 5.0 > FAR_ABOVE_RELAXATION
    release_used(h, held, x, np.zeros(2), np.full(2, 3.0), relaxed, zeros=zeros)
    assert h.getInfo().objective_function_value == pytest.approx(objective)
    assert np.asarray(h.getSolution().col_value) == pytest.approx(
        [1.0, 1.0] if zeros else [1.0, 0.0])


def test_a_plan_near_its_relaxation_is_kept_as_it_is() -> None:
    h = _knapsack()
    h.changeColsCost(2, np.array([0, 1], np.int32), np.array([-5.0, -0.01]))
    h.changeRowBounds(0, -np.inf, 2.0)           # a = 1 exactly, whole already
    h.run()
    x = np.asarray(h.getSolution().col_value)
    h.changeColsIntegrality(2, np.array([0, 1], np.int32),
                            np.array([highspy.HighsVarType.kInteger] * 2))
    held = hold_whole_values(h, np.array([True, True]), x)
    h.run()
    release_used(h, held, x, np.zeros(2), np.full(2, 3.0), -5.0, zeros=True)
    assert list(h.getLp().col_upper_) == [1.0, 0.0]     # both still held
    assert np.asarray(h.getSolution().col_value) == pytest.approx(x)


def test_a_plan_not_far_enough_with_its_zeros_held_keeps_them_held() -> None:
    # the knapsack beside a continuous c in [0, 100] at -1 a unit: with b = 0 held the plan
    # (-105) is 2.4 % above the relaxation (-107.5): far enough to free what was used (none
    # here), not to free the zeros too (a MIP with nothing held spent 14 s in its root on
    # generated M for no better plan)
    h = _knapsack()
    h.addVar(0.0, 100.0)
    h.changeColCost(2, -1.0)
    h.run()
    relaxed = float(h.getInfo().objective_function_value)
    x = np.asarray(h.getSolution().col_value)
    assert relaxed == pytest.approx(-107.5)
    h.changeColsIntegrality(2, np.array([0, 1], np.int32),
                            np.array([highspy.HighsVarType.kInteger] * 2))
    held = hold_whole_values(h, np.array([True, True, False]), x)
    h.run()
    assert FAR_ABOVE_RELAXATION < (-105.0 - relaxed) / 105.0 < FAR_ABOVE_WITH_ZEROS_HELD
    release_used(h, held, x, np.zeros(3), np.array([3.0, 3.0, 100.0]), relaxed, zeros=True)
    assert h.getInfo().objective_function_value == pytest.approx(-105.0)
    assert list(h.getLp().col_upper_)[1] == 0.0


@pytest.mark.parametrize("whole", [None, np.array([True, False, True])])
def test_a_model_passed_as_arrays_is_the_model_highs_holds(whole: np.ndarray | None) -> None:
    # the arrays go through highspy's array overload of passModel: costs, bounds, the matrix
    # column by column, which columns are whole, the objective's constant
    a = sp.csc_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 3.0, -1.0]]))
    cost, lower, upper = np.array([1.0, -2.0, 0.5]), np.zeros(3), np.array([4.0, np.inf, 2.0])
    row_lo, row_up = np.array([-np.inf, 1.0]), np.array([5.0, 1.0])
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    pass_arrays(h, a, cost, lower, upper, row_lo, row_up, whole, offset=7.0)
    lp = h.getLp()
    held = lp_matrix(lp)
    assert (held != a).nnz == 0
    for got, want in ((lp.col_cost_, cost), (lp.col_lower_, lower), (lp.col_upper_, upper),
                      (lp.row_lower_, row_lo), (lp.row_upper_, row_up)):
        assert np.array_equal(np.asarray(got), want)
    assert lp.offset_ == 7.0 and lp.sense_ == highspy.ObjSense.kMinimize
    kinds = [k == highspy.HighsVarType.kInteger for k in lp.integrality_]
    assert kinds == ([False] * 3 if whole is None else whole.tolist())
    h.run()
    # min x0 - 2 x1 + 0.5 x2 + 7 with 3 x1 - x2 = 1: x1 as large as x2 <= 2 allows, x1 = 1
    assert h.getInfo().objective_function_value == pytest.approx(7.0 - 2.0 + 1.0)


def _market_split(rows: int = 4, columns: int = 40) -> highspy.Highs:
    """min |slack| of rows Σ a_ij x_j = d_i, x binary, a_ij random in [0, 100), d_i half each
    row's sum (Cornuéjols and Dawande's market split): 4 x 40 keeps HiGHS's branch and bound
    busy far longer than these tests wait."""
    rng = np.random.default_rng(0)
    a = rng.integers(0, 100, (rows, columns)).astype(float)
    d = np.floor(a.sum(axis=1) / 2)
    n = columns + 2 * rows
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.addVars(n, np.zeros(n), np.concatenate([np.ones(columns), np.full(2 * rows, np.inf)]))
    h.changeColsCost(n, np.arange(n, dtype=np.int32),
                     np.concatenate([np.zeros(columns), np.ones(2 * rows)]))
    for i in range(rows):
        cols = np.concatenate([np.arange(columns), [columns + 2 * i, columns + 2 * i + 1]])
        h.addRow(d[i], d[i], cols.size, cols.astype(np.int32),
                 np.concatenate([a[i], [1.0, -1.0]]))
    h.changeColsIntegrality(columns, np.arange(columns, dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * columns))
    return h


def test_a_plan_in_hand_is_improved_with_its_zeros_held_only_as_long_as_allowed() -> None:
    # a block of generated M's 24-item group spent 23 s improving its plan with only its
    # zeros held, for 0.18 %, where its group's blocks take 3 s in all
    h = _market_split()
    columns = 40
    integer = np.arange(h.getNumCol()) < columns
    x = np.where(integer, 1.0, 0.0)        # every x_j used, whole: all of them held at 1
    held = hold_whole_values(h, integer, x)
    h.setOptionValue("time_limit", 30.0)
    h.run()
    assert h.getSolution().value_valid
    in_hand = h.getInfo().objective_function_value
    assert in_hand > 100.0                  # far above the relaxation's 0
    lower = np.zeros(h.getNumCol())
    upper = np.where(integer, 1.0, np.inf)
    begun = time.perf_counter()
    release_used(h, held, x, lower, upper, 0.0, improve_seconds=0.5)
    assert time.perf_counter() - begun < 5.0    # without the cap: the 30 s time limit
    assert h.getSolution().value_valid
    assert h.getInfo().objective_function_value < in_hand
    assert h.getOptions().time_limit == 30.0     # the caller's limit, back


def test_a_mip_is_limited_from_the_start_of_its_own_run_however_long_its_highs_ran_before(
        ) -> None:
    # HiGHS times a MIP from the start of its own run, not from its Highs's first run as
    # `getRunTime` counts: generated M's 96,821-column group, its pooled MIP limited to
    # getRunTime() + 10 s after 15 s of relaxations, ran 25 s
    h = _market_split()
    h.setOptionValue("time_limit", 2.0)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    before = h.getRunTime()
    assert before >= 2.0
    limit_mip(h, 0.5)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    # limited to getRunTime() + 0.5 s, it would have run 2.5 s
    assert h.getRunTime() - before < 1.5


def test_a_search_a_time_limit_stops_is_counted_in_its_own_thread() -> None:
    # where a time limit stops a search, the plan depends on the machine's speed: counted
    # (`stopped_by_time`), per thread, and only then
    def knapsack_mip(limit: float) -> highspy.Highs:
        h = _knapsack()
        h.changeColsIntegrality(2, np.array([0, 1], np.int32),
                                np.array([highspy.HighsVarType.kInteger] * 2))
        limit_mip(h, limit)
        return h

    before = stopped_by_time()
    done = knapsack_mip(60.0)
    run_counted(done)
    assert done.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert stopped_by_time() == before
    stopped = knapsack_mip(0.0)
    run_counted(stopped)
    assert stopped.getModelStatus() == highspy.HighsModelStatus.kTimeLimit
    assert stopped_by_time() == before + 1
    elsewhere: list[int] = []

    def other() -> None:
        run_counted(knapsack_mip(0.0))
        elsewhere.append(stopped_by_time())

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert elsewhere == [1] and stopped_by_time() == before + 1
