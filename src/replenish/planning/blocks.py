"""Whole numbers for a large item group block by block, from its relaxation.

An item group is one planning problem because family requirements (any item of the family
meets them) and sustainment (a platform and the munitions it can fire) join its items. Cut
those two kinds of rows and it falls apart into blocks, about one item each: its lines,
orders, stocks, donations and allocations, and its share of every budget. HiGHS's branch and
bound on M's largest group (60 items, 200k columns) took 157 s to its first plan, most of it
in root cuts that hardly moved the bound; by blocks the group takes 7 s.

Starting from the relaxation's optimum, each block in turn gets whole numbers with every
other column held where it stands (blocks already done at their whole values, the rest at
the relaxation's), except the continuous columns it shares a cut row with: a requirement's
unmet quantity, the activity of a platform the block's munition supplies. Rows that join
blocks but are not cut (a group's budget shares pooled per member and year) hold each block
within what the others leave. Every step starts from a point that satisfies every row, so
the plan stays feasible throughout; each block's whole values are rounded and its LP solved
once more, so the plan is exactly whole, and the whole rounds of munitions are settled at the
end as `solve.exactly_whole` settles them. The plan is judged against the group's
relaxation, as any other.
"""

from __future__ import annotations

import dataclasses
import time

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from replenish.errors import InfeasiblePlan, NoPlanInTime
from replenish.planning.build import BuiltModel
from replenish.planning.options import PlanOptions
from replenish.planning.solve import (
    dot,
    holds,
    lp_matrix,
    new_highs,
    note_stopped_by_time,
    pass_arrays,
    resolve_held,
    run_counted,
    solve_guided,
    whole_as_is,
)

#: row groups that join the items of a group (see the module docstring)
CUT_ROWS = ("requirement", "ammunition")
#: seconds a block's MIP may always take, whatever the time left
MIN_BLOCK_SECONDS = 2.0
#: HiGHS's feasibility-jump heuristic in a block's MIP. Off, M's whole numbers are faster:
#: at the shares as first given, the 60-item group took 20-21 s against 33 s with it (two
#: runs each), to a plan 2.5e-4 better; at the shares after 29 rounds, M's whole-number phase
#: took 16.5 s against 20.0 s, to a plan 3.3e-4 worse. One block of 67 free whole numbers took
#: 0.6 s against 6 s, nearly all of it in root cuts
FEASIBILITY_JUMP = False
#: a block's MIP feasibility tolerance when its plan at HiGHS's default (1e-6) does not hold
#: with its whole values held exactly: the LP's own primal tolerance
STRICT_FEASIBILITY = 1e-7
#: a block's plan with its relaxation's whole values held, far above its relaxation, is
#: sought again with only its zeros held for at most this long: generated M, seed 1, with the
#: coordination's first pricing solved cold, one block of the 24-item group spent 23 s so
#: for a plan 0.18 % better (1.45 % above its relaxation against 1.27 %), the group's whole
#: numbers 25.7 s where they take 3; no other block there or in the plans as they are took
#: more than 1.2 s
IMPROVE_SECONDS = 2.0
#: how many times blocks are planned again, the block that had no plan first (see
#: `whole_by_blocks`), before the group's whole numbers are left to one MIP
REORDERS = 3
#: a block's values in the plan before still hold where every row and bound holds to this
#: (relative where large), as for a whole group's (decompose._Group.kept_if_better)
BEFORE_TOLERANCE = 1e-6


def whole_by_blocks(h: highspy.Highs, built: BuiltModel, x: np.ndarray, gap: float,
                    seconds: float, options: PlanOptions,
                    coupling: np.ndarray | None = None, margin: float = 0.0,
                    previous: np.ndarray | None = None,
                    touched: np.ndarray | None = None,
                    kept: list[KeptBlocks] | None = None) -> np.ndarray | None:
    """Whole numbers block by block from the relaxation `x` of the model in `h` (its rows
    and bounds as they stand, budget shares included). The plan's column values, its whole
    numbers exactly whole (whole rounds used as in `solve.exactly_whole`), every row held
    to HiGHS's tolerance; None if some block has no whole-number plan, or the group does not
    split. `coupling`: rows that join blocks but are held as they are, each block within
    what the others leave (budget rows pooled across items), less `margin` (relative to
    the row's bound) where its share of the row leaves room for it. `previous`: the plan of
    the group this one replaced in a local re-plan (`decompose._Group.inherit`), same
    columns: a block keeps its values from it where they still hold and cost less than the
    block's new plan, so that a change touching one block leaves the others as they were
    (see `_Matrix.solve`). `touched`: the columns the change touched (bounds, costs, rows),
    where known: first only the blocks with one of them are planned again, every other
    block as it was in `previous`. With `kept`, a plan from the relaxation is appended to
    it as `KeptBlocks`, to be planned again with more money (`KeptBlocks.top_up`)."""
    lp = h.getLp()
    a_csc = lp_matrix(lp)
    m = _Matrix(a_csc, np.asarray(lp.row_lower_), np.asarray(lp.row_upper_),
                np.asarray(lp.col_lower_), np.asarray(lp.col_upper_), np.asarray(lp.col_cost_),
                built.model.column_arrays()[3], np.zeros(lp.num_row_, bool), margin,
                options.whole_noise)
    cut = np.zeros(lp.num_row_, bool)
    for name in CUT_ROWS:
        block = built.model.blocks.get(name)
        if block is not None:
            cut[block.start:block.start + block.size] = True
    inner = ~cut
    if coupling is not None:
        inner[coupling] = False
        m.coupling[coupling] = True
    blocks = split_blocks(m.a[np.flatnonzero(inner)], m.integer, options.batch_columns)
    if len(blocks) < 2:
        return None
    cut_ids = np.flatnonzero(cut)
    cut_rows = m.a[cut_ids] if cut_ids.size else None
    relaxed = np.clip(x.copy(), m.lower, m.upper)
    deadline = time.perf_counter() + seconds
    if previous is not None and touched is not None:
        # only the blocks the change touched, the others as they were: on generated M, seed
        # 1, one more a month on a line of the 34-item group, all 31 of its blocks planned
        # again took 2.2 s, where the change touches one
        again = [cols for cols in blocks
                 if touched[_with_shared(cols, cut_rows, cut_ids, m.a_csc, m.integer)].any()]
        alone, _failed = _plan_blocks(m, again, cut_rows, cut_ids, relaxed,
                                      np.clip(previous.copy(), m.lower, m.upper), previous,
                                      gap, deadline, options, parts=len(blocks), touched=touched)
        if alone is not None and holds(alone, m.lower, m.upper, m.integer, m.a @ alone,
                                       m.row_lo, m.row_up, BEFORE_TOLERANCE):
            return alone
    if previous is not None:
        # around the plan before: each block planned afresh from the relaxation with the
        # others as they were, and kept as it was where that is better (one more a month on
        # a line of generated M's 60-item group: 0.07 % better than before, where blocks
        # around the relaxation ended 0.5 % worse than before); the whole checked at the end,
        # as a change may have moved rows no block holds
        around, _failed = _plan_blocks(m, blocks, cut_rows, cut_ids, relaxed,
                                       np.clip(previous.copy(), m.lower, m.upper), previous,
                                       gap, deadline, options)
        if around is not None and holds(around, m.lower, m.upper, m.integer, m.a @ around,
                                        m.row_lo, m.row_up, BEFORE_TOLERANCE):
            return around
    # a block left without money by those before it (they rounded up what the relaxation
    # bought in part, and the group's shares are pooled across its blocks) is planned first
    # next time: generated M, seed 1, with a member's budget a tenth higher, a block of the
    # 17-item group had no plan within what was left of its member's year, and the group's
    # MIP after it took 99 s, where blocks take half a second
    order = list(blocks)
    for attempt in range(1 + REORDERS):
        plan, failed = _plan_blocks(m, order, cut_rows, cut_ids, relaxed, relaxed.copy(), None,
                                    gap, deadline, options)
        if plan is not None and kept is not None:
            kept.append(KeptBlocks(m, [_with_shared(cols, cut_rows, cut_ids, m.a_csc, m.integer)
                                       for cols in order], relaxed, plan, gap, options))
        if plan is not None or failed == 0:
            return plan
        if attempt < REORDERS and time.perf_counter() >= deadline:
            note_stopped_by_time()     # more orders were left to try
            return None
        order = [order[failed], *order[:failed], *order[failed + 1:]]
    return None


@dataclasses.dataclass
class KeptBlocks:
    """A group's plan by blocks, kept to be planned again with more money: its blocks
    (`free`: each block's columns with those it shares a cut row with), the relaxation they
    started from and the plan as made (each top-up starts from it again)."""

    m: _Matrix
    free: list[np.ndarray]
    relaxed: np.ndarray
    plan: np.ndarray
    gap: float
    options: PlanOptions

    def losses(self) -> np.ndarray:
        """What each block's whole numbers cost more than its part of the relaxation."""
        cost = self.m.cost
        return np.array([cost[f] @ self.plan[f] - cost[f] @ self.relaxed[f] for f in self.free])

    def top_up(self, rows: np.ndarray, up: np.ndarray, seconds: float) -> np.ndarray | None:
        """The plan with the upper bounds of `rows` raised to `up` (the group's budget rows
        pooled per member and year: what it spends and money other groups' whole numbers
        left), each block that lost more than its part of the gap planned again, the most
        lost first, its plan kept where the new one is not cheaper; the new plan, or None
        where no block's is cheaper. A block is planned within what the blocks held at the
        relaxation leave of the group's year, all of it where the budget binds, and must
        round down what the relaxation bought in part. Generated M, seed 1, with the
        coordination's first proposals at the ladder's first rung (tried, not kept): a block
        of the 34-item group lost 1.0 % of the group's relaxation so, half that with a
        hundredth more of the group's pooled budget rows, nothing with a tenth more; a block
        of the 24-item group lost 0.19 %, 0.002 % with a thousandth more."""
        m = self.m
        deadline = time.perf_counter() + seconds
        loss = self.losses()
        allowed = self.gap * max(1.0, abs(dot(m.cost, self.plan))) / max(1, len(self.free))
        x = self.plan.copy()
        saved = m.row_up
        m.row_up = saved.copy()
        m.row_up[rows] = up
        try:
            for k in np.argsort(-loss, kind="stable"):
                if loss[k] <= allowed:
                    break
                if time.perf_counter() >= deadline:
                    note_stopped_by_time()
                    break
                free = self.free[k]
                sub = _block_highs(self.options,
                                   max(MIN_BLOCK_SECONDS, deadline - time.perf_counter()),
                                   self.gap, allowed)
                values = m.solve(sub, free, x, x[free].copy(), start=self.relaxed[free])
                if values is not None:
                    x[free] = values
        finally:
            m.row_up = saved
        if dot(m.cost, x) >= dot(m.cost, self.plan) - 1e-9 * max(1.0, abs(dot(m.cost, x))):
            return None
        return x


def _plan_blocks(m: _Matrix, blocks: list[np.ndarray], cut_rows: sp.csr_matrix | None,
                 cut_ids: np.ndarray, relaxed: np.ndarray, x: np.ndarray,
                 previous: np.ndarray | None, gap: float, deadline: float,
                 options: PlanOptions, parts: int = 0,
                 touched: np.ndarray | None = None) -> tuple[np.ndarray | None, int]:
    """Each block in turn planned from the relaxation `relaxed`, every other column held at
    `x` (updated as blocks are planned); the plan, or None and the place of the first block
    that has none. `parts`: how many blocks the group has (`blocks` all of them where 0);
    `touched`: the columns a change touched (see `_Matrix.solve`)."""
    # each block may lose its part of the group's gap, measured on the group's objective
    # (a block's own objective, what it changes, is small against it)
    allowed = gap * max(1.0, abs(dot(m.cost, x))) / max(1, parts or len(blocks))
    for k, cols in enumerate(blocks):
        free = _with_shared(cols, cut_rows, cut_ids, m.a_csc, m.integer)
        left = max(MIN_BLOCK_SECONDS, (deadline - time.perf_counter()) / (len(blocks) - k))
        sub = _block_highs(options, left, gap, allowed)
        values = m.solve(sub, free, x, None if previous is None else previous[free],
                         start=relaxed[free], touched=None if touched is None else touched[free])
        if values is None:
            return None, k
        x[free] = values
    return x, -1


def _block_highs(options: PlanOptions, seconds: float, gap: float,
                 allowed: float) -> highspy.Highs:
    """A HiGHS for one block's MIP: at most `seconds`, within `gap` (relative) and `allowed`
    (absolute, the block's part of the group's gap), without feasibility jump."""
    sub = new_highs(dataclasses.replace(options, time_limit=seconds, mip_rel_gap=gap))
    sub.setOptionValue("mip_abs_gap", allowed)
    sub.setOptionValue("mip_heuristic_run_feasibility_jump", FEASIBILITY_JUMP)
    return sub


@dataclasses.dataclass
class _Matrix:
    """A group's model as HiGHS holds it, to cut sub-problems from."""

    a_csc: sp.csc_matrix
    row_lo: np.ndarray
    row_up: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    cost: np.ndarray
    integer: np.ndarray
    coupling: np.ndarray
    margin: float
    noise: float    # whole values this close to whole are taken as they are (whole_as_is)

    def __post_init__(self) -> None:
        self.a = self.a_csc.tocsr()

    def solve(self, h: highspy.Highs, free: np.ndarray, x: np.ndarray,
              before: np.ndarray | None = None,
              start: np.ndarray | None = None,
              touched: np.ndarray | None = None) -> np.ndarray | None:
        """The columns `free` planned with every other column held at `x`: their values,
        whole numbers exactly whole, or None. With `before` (their values in the plan
        before), those where they still hold every row and bound and the new plan is not
        cheaper: a block's MIP found afresh from a new relaxation may lose more to whole
        numbers than the plan before did (generated M, seed 1: one more a month on a line
        of the 60-item group, its blocks 0.9 % above their relaxation against 0.38 %
        before, the what-if refused locally and coordinated again, to a plan worse than
        before). `touched` (which of `free` a change touched, in a block planned again
        because of them): the block's plan sought afresh as without `before`, the plan
        before kept only where that is not cheaper; where the plan before no longer holds,
        also with its whole values held but for those of the columns touched (the
        relaxation's there), and the cheaper of the two kept."""
        if before is None or not self.holds(free, x, before):
            values = self._solve(h, free, x, start)
            if touched is None or before is None or start is None:
                return values
            # the plan before mended where the change touched it: a line's capacity ten
            # higher on generated M, seed 1, left its block's plan before beyond the new
            # bounds of its expansion, and planned from the new relaxation the group's
            # whole numbers came out dearer than before, though its relaxation was cheaper
            mended = self._solve(h, free, x, np.where(touched, start, before))
            if values is None or (mended is not None
                                  and self.cost[free] @ mended < self.cost[free] @ values):
                return mended
            return values
        # with the plan before to fall back on, only the MIP with the relaxation's whole
        # values held: where that has no plan, freeing its used values took six times as long on a
        # block of generated M's 60-item group (0.15 s against 0.025 s) and the plan before
        # stands; ties keep the plan before, so that a block the change leaves alone stays
        # as it was
        values = self._solve(h, free, x, start, release=touched is not None)
        cost_before = float(self.cost[free] @ before)
        if values is not None and (self.cost[free] @ values
                                   < cost_before - 1e-9 * max(1.0, abs(cost_before))):
            return values
        return before

    def holds(self, free: np.ndarray, x: np.ndarray, values: np.ndarray) -> bool:
        """Whether `values` of the columns `free`, every other column at `x`, are a plan
        (`solve.holds`, to BEFORE_TOLERANCE, their whole numbers exactly whole), each
        coupling row within its bound less the margin or what `x` uses of it, whichever is
        more (as a block is planned: `_solve`)."""
        rows = np.unique(self.a_csc[:, free].indices)
        full = x.copy()
        full[free] = values
        up = self.row_up[rows].copy()
        tight = self.coupling[rows]
        if self.margin and tight.any():
            now = self.a[rows][tight] @ x
            up[tight] = np.maximum(up[tight] - self.margin * np.abs(up[tight]), now)
        return holds(values, self.lower[free], self.upper[free], self.integer[free],
                     self.a[rows] @ full, self.row_lo[rows], up, BEFORE_TOLERANCE)

    def _solve(self, h: highspy.Highs, free: np.ndarray, x: np.ndarray,
               start: np.ndarray | None = None, release: bool = True) -> np.ndarray | None:
        """The block's plan found afresh (see `solve`); without `release`, only with the
        relaxation's whole values held (`solve.solve_guided`)."""
        rows = np.unique(self.a_csc[:, free].indices)
        sub_rows = self.a[rows]
        held = x.copy()
        held[free] = 0.0
        fixed = sub_rows @ held
        sub = sub_rows[:, free].tocsc()
        up = self.row_up[rows] - fixed
        tight = self.coupling[rows]
        if self.margin and tight.any():
            # below the row's bound by the margin, but never below what the block spends
            # now: the point the block starts from stays feasible
            now = sub @ x[free]
            up[tight] = np.maximum(up[tight] - self.margin * np.abs(self.row_up[rows][tight]),
                                   now[tight])
        integer = self.integer[free]
        col_lo, col_up = self.lower[free], self.upper[free]
        pass_arrays(h, sub, self.cost[free], col_lo, col_up, self.row_lo[rows] - fixed, up,
                    integer)
        if not integer.any():
            run_counted(h)
            ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            return np.asarray(h.getSolution().col_value) if ok else None
        begin = x[free] if start is None else start
        values = self._whole(h, integer, col_lo, col_up, begin, self.cost[free], release)
        if values is None and release:
            # the MIP's plan held only within its tolerance (a column a hair below its
            # bound made up for a row left without room: in a local re-plan a group's
            # shares are what it spent before); once more, held to the LP's own
            pass_arrays(h, sub, self.cost[free], col_lo, col_up, self.row_lo[rows] - fixed,
                        up, integer)
            h.setOptionValue("mip_feasibility_tolerance", STRICT_FEASIBILITY)
            values = self._whole(h, integer, col_lo, col_up, begin, self.cost[free], release)
        return values

    def _whole(self, h: highspy.Highs, integer: np.ndarray, col_lo: np.ndarray,
               col_up: np.ndarray, start: np.ndarray, cost: np.ndarray,
               release: bool = True) -> np.ndarray | None:
        """The block's MIP in `h` (its costs `cost`) from the relaxation `start`, its whole
        values made exactly whole and its other columns settled with them held; None where
        either has no plan."""
        # as for a whole model (solve.solve_guided): the block's whole values held first,
        # then only its zeros, then nothing; on a block of M's largest group 0.3 s, 1.3 s
        # and 19 s, HiGHS's root cuts taking most of the last before its first plan
        try:
            # against the relaxation's cost of the block, so that a plan with its whole
            # values held far above it is sought again with only its zeros held
            # (solve.release_used): generated M, seed 1, one block of the 24-item group ended
            # 22 % above its relaxation, 2 % of the group's objective, where a relaxation
            # at another of its optima left it 0.1 %
            sol = solve_guided(h, integer, col_lo, col_up, (dot(cost, start), start),
                               patient=True, duals={"row": np.zeros(0)}, release=release,
                               improve_seconds=IMPROVE_SECONDS)
        except (InfeasiblePlan, NoPlanInTime):
            return None
        # exactly whole: the whole values rounded, as they are where that holds every row
        # already (most blocks: the whole values held from the relaxation come back exactly
        # whole; on M's largest group, re-solving those anyway took a third of its
        # whole-number time), else held and the rest settled once more
        held_at = np.flatnonzero(integer)
        whole = np.round(sol.x[held_at])
        as_is = whole_as_is(h, sol.x, held_at, whole, self.noise)
        if as_is is not None:
            return as_is
        lower, upper = col_lo.copy(), col_up.copy()
        lower[held_at] = upper[held_at] = whole
        if not resolve_held(h, lower, upper):
            return None
        values = np.asarray(h.getSolution().col_value)
        values[held_at] = whole
        return values


def split_blocks(inner: sp.csr_matrix, integer: np.ndarray,
                 batch_columns: int) -> list[np.ndarray]:
    """Batches of columns, each with some whole-number columns, that the rows `inner` (all
    but the cut rows) leave unconnected, in the order of their first column; parts are
    batched together up to `batch_columns` columns (`PlanOptions.batch_columns`)."""
    nr, nc = inner.shape
    pattern = sp.csr_matrix((np.ones(inner.nnz), inner.indices, inner.indptr), shape=(nr, nc))
    graph = sp.bmat([[None, pattern], [pattern.T, None]], format="csr")
    _, label = connected_components(graph, directed=False)
    col_label = label[nr:]
    order = np.argsort(col_label, kind="stable")
    cuts = np.flatnonzero(np.diff(col_label[order])) + 1
    parts = [p for p in np.split(order, cuts) if integer[p].any()]
    parts.sort(key=lambda p: int(p[0]))
    batches: list[np.ndarray] = []
    current: list[np.ndarray] = []
    size = 0
    for p in parts:
        current.append(p)
        size += len(p)
        if size >= batch_columns:
            batches.append(np.sort(np.concatenate(current)))
            current, size = [], 0
    if current:
        batches.append(np.sort(np.concatenate(current)))
    return batches


def _with_shared(cols: np.ndarray, cut_rows: sp.csr_matrix | None, cut_ids: np.ndarray,
                 a_csc: sp.csc_matrix, integer: np.ndarray) -> np.ndarray:
    """A block's columns and the continuous columns it shares a cut row with."""
    if cut_rows is None:
        return cols
    touched = np.unique(a_csc[:, cols].indices)
    local = np.flatnonzero(np.isin(cut_ids, touched))
    if not local.size:
        return cols
    shared = np.unique(cut_rows[local].indices)
    shared = shared[~integer[shared]]
    return np.union1d(cols, shared)
