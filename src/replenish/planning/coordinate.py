"""Coordinating item groups by price over the rows that couple them.

Rows that couple item groups — a member's budget in a year today, a hub's throughput in a
month next — are declared once, as a `Coupling`: a name and a limit per row, and per group
the matrix of what its columns use of each row. Coordination knows nothing else of them.

For any prices π ≥ 0 on the rows, the sum of the groups' LP optima with π times their use
added to their costs, less π times the limits, is a lower bound on every plan (Lagrangian
duality): the bound holds whatever the time limit or the method that chose π.

The prices are chosen by Dantzig–Wolfe column generation. Each group's optimum at some prices
is a proposal (a column); the master LP chooses for every group a convex combination of its
proposals that keeps every coupling row within its limit, at least cost. Its row duals are
the next prices, smoothed towards the prices of the best bound so far (Wentges smoothing:
early duals of a master with few proposals swing wildly), and each group is solved again from
its last basis with only its costs changed. The master's objective is the LP value of a plan
that holds every row; it falls and the bound rises until both meet at the whole model's LP
optimum. Each group's share of a row, for the whole numbers after, is what its combination
uses, plus its part of what no group uses; the combination is a vertex of the master's optimal
face (`_Master.to_vertex`), where most groups take one proposal whole.

The master is solved by interior point without crossover: its duals are then central in the
face of optimal duals rather than a vertex of it. With a hub's and a route's months among the
rows, a vertex's duals swung far from the best prices for twenty passes on generated M (the
master is degenerate there: it holds many rows with few proposals); central duals brought the
bound to where it settles in 34 passes instead of 49. Once the prices have settled (the bound
has not risen for SETTLE_PASSES passes and the master's duals are near its prices) while the
master is within a few times the gap asked, coordination stops: the rest of the distance is
the master's (it needs many more proposals to combine exactly), not the prices', and the
groups' relaxations within their shares close most of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from replenish.planning.solve import bare_highs

#: prices are smoothed this far towards those of the best bound so far (Wentges's alpha):
#: on generated M, seed 1, 0.5 reached 0.5 % between plan and bound in 19 passes
SMOOTHING = 0.5
#: cost, in the master's units (see `_Master`), of using a row's whole limit more than it
#: allows: far above any price a row reached on generated M (370), so that the master holds
#: every row as soon as its proposals can
OVERUSE_COST = 1e5
#: the master's objective is scaled so that this part of the first bound is one unit
OBJECTIVE_UNIT = 1e-4
#: the first prices asked (master's units: per whole limit), from so high that every group
#: proposes to spend nothing (so that the master holds every row after the first pass, and a
#: plan out of time, as L's always is after its first bound, needs one pass, not the five or
#: six M needed from 1000) down to low: the master gets proposals that spend little as well as
#: much, and its first prices are trade-offs, not the cost of overuse
FIRST_PRICES: tuple[float, ...] = (1e4, 1e3, 30.0, 1.0)
#: a lazy row (see `coordinate`) is held from the start where the groups' first proposals
#: together use more than this part of its limit
LAZY_USE = 0.5
#: prices have settled when the bound has not risen by more than SETTLED_RISE (relative) for
#: this many passes and the master's duals are within SETTLED_DISTANCE of them (sum of
#: absolute differences in the master's units, relative to the prices' own sum) ...
SETTLE_PASSES = 5
SETTLED_RISE = 1e-4
SETTLED_DISTANCE = 0.05
#: ... and coordination stops there once the master is within this many times the gap asked
#: of the bound
SETTLED_GAP = 5.0
#: what the master's interior point solution may overuse or exceed by (fractions of limits)
MASTER_TOLERANCE = 1e-6
#: ... and what it may overuse any one row by (fractions of the row's unit) and still count
#: as holding every row: interior point stops within its tolerances, never at a vertex. At
#: generated L (30,660 ammunition rows) the masters after the ladder, whose first rung's
#: proposals hold every row, overused 90-340 rows by 2e-5 to 1e-4 each: counted as overuse,
#: three passes said "no combined plan yet", overuse was made a hundred times as dear and
#: the bound did not rise again. The shares come from a vertex (`to_vertex`), which holds
#: every row exactly.
MASTER_HAIR = 1e-3
#: a row of limit 0 with a known worth (`Coupling.worth`) is counted in units this many of
#: the master's objective units at its worth: the ladder's first rung then asks 10 times its
#: worth, its last a thousandth of it, and overuse costs 100 times its worth
WORTH_UNITS = 1e3


@dataclass
class Coupling:
    """Rows that couple item groups: `names[r]` may use at most `limit[r]`.

    A group uses the rows through its parts: `part_rows[g]` gives the row of each of group g's
    parts, e.g. a budget row's spending on each of the group's items. Shares are given per
    part (a group's relaxation within one share per member, year and item solves far faster
    than within one per member and year). What each part of a group uses of its columns is
    the group's own business (its parts matrix: see `Proposal` and `stack_parts`), so that a
    group's model may live in another process: coordination sees only prices per part going
    out and each part's use coming back."""

    kind: str
    names: list[tuple[Any, ...]]
    limit: np.ndarray
    part_rows: list[np.ndarray]
    #: per row, where known, the most one unit of it can be worth (objective units): a
    #: round of a munition to the platforms that fire it. Rows of limit 0 (a munition's
    #: stock handed between groups) are then counted in units worth WORTH_UNITS of the
    #: master's objective unit, so that prices in the master's units mean the same on them
    #: as on a budget: priced per round, the ladder's first rung asked 1e4 times the
    #: objective's unit a round, and HiGHS failed on the costs that made
    worth: np.ndarray | None = None

    @property
    def scale(self) -> np.ndarray:
        """Each row's unit in the master: its limit, or 1 where the limit is 0 (a hub closed)."""
        return np.where(self.limit > 0, self.limit, 1.0)

    def scales(self, unit: float) -> np.ndarray:
        """Each row's unit in a master whose objective's unit is `unit`: `scale`, but on a
        row of limit 0 whose `worth` is known, WORTH_UNITS x `unit` over its worth."""
        scale = self.scale
        if self.worth is None:
            return scale
        known = (self.limit <= 0) & (self.worth > 0)
        return np.where(known, WORTH_UNITS * unit / np.where(known, self.worth, 1.0), scale)

    def ceiling(self) -> np.ndarray:
        """The most a unit of each row is worth (objective units; inf where not known): a
        row of limit 0 whose `worth` is known, a munition's stock handed between groups, is
        worth at most that to any group that takes from it. Above it no group takes any, so
        that a higher price only lowers the bound (each unit the groups give to the row is
        paid more) and no plan pays it: prices asked are kept within it. The master's duals
        went past it on 600-800 of 1,872 such rows on generated M with munitions priced
        apart, and the bound did not rise for 16 passes (bench notes, session 26)."""
        if self.worth is None:
            return np.full(len(self.limit), np.inf)
        return np.where((self.limit <= 0) & (self.worth > 0), self.worth, np.inf)

    def rows_of(self, g: int) -> np.ndarray:
        """The rows group g has parts of."""
        return np.unique(self.part_rows[g])

    def part_prices(self, g: int, prices: np.ndarray) -> np.ndarray:
        """Each of group g's parts at its row's price."""
        return prices[self.part_rows[g]]

    def row_use(self, g: int, part_use: np.ndarray) -> np.ndarray:
        """Group g's use of each row from its parts' use."""
        return np.bincount(self.part_rows[g], part_use, len(self.limit))


@dataclass(frozen=True)
class Proposal:
    """A group's optimum at some prices: `value`, its objective with the prices on its use;
    `cost`, the same columns at their own costs; `use`, what each of its parts uses."""

    value: float
    cost: float
    use: np.ndarray


def stack(couplings: Sequence[Coupling]) -> Coupling:
    """Several kinds of coupling rows as one (rows in the given order, names prefixed with
    their kind); each group's parts in the same order (see `stack_parts`)."""
    groups = len(couplings[0].part_rows)
    offsets = np.cumsum([0] + [len(c.limit) for c in couplings])
    worth = (np.concatenate([c.worth if c.worth is not None else np.zeros(len(c.limit))
                             for c in couplings])
             if any(c.worth is not None for c in couplings) else None)
    return Coupling(
        "+".join(c.kind for c in couplings),
        [(c.kind, *name) for c in couplings for name in c.names],
        np.concatenate([c.limit for c in couplings]),
        [np.concatenate([c.part_rows[g] + offsets[k] for k, c in enumerate(couplings)])
         for g in range(groups)], worth)


def stack_parts(parts: Sequence[sp.spmatrix]) -> sp.csr_matrix:
    """One group's parts matrices (parts x its columns) of several kinds, in `stack`'s
    order."""
    return sp.vstack(list(parts)).tocsr()


@dataclass
class Coordinated:
    """What coordination found: `bound` (the best Lagrangian bound; a lower bound on every
    plan), `master` (the LP value of the combined plan that holds every row; inf if none yet),
    `prices` (objective per unit of each row, those of the best bound), `shares[g]` (group g's
    share of each of its parts; the shares of a row add up to at most its limit), and the
    history of
    (seconds, master, bound) per pass."""

    bound: float
    master: float
    prices: np.ndarray
    shares: list[np.ndarray]
    passes: int
    history: list[tuple[float, float, float]] = field(default_factory=list)
    #: every proposal the master holds, as (group, proposal): a warm start's columns
    columns: list[tuple[int, Proposal]] = field(default_factory=list)
    #: each group's Lagrangian value at `prices` (its optimum with them on its use):
    #: `bound` is their sum less `prices` times the limits
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: whether time (`until`) stopped it before the master and the bound met and before its
    #: last pass: its prices and shares then depend on the machine's speed
    stopped: bool = False


@dataclass
class WarmStart:
    """Coordination resumed after a change (`coordinate`'s `warm`): proposals still valid
    (of groups the change left alone) and the prices to ask first (those of the plan before),
    instead of the ladder of uniform prices."""

    columns: list[tuple[int, Proposal]]
    prices: np.ndarray


#: solve group g at these prices per part (objective units per unit of each of its parts)
Pricing = Callable[[int, np.ndarray], Proposal]
#: solve group g at prices per part for each of the groups given, in parallel; results in
#: their order
PriceAll = Callable[[list[int], list[np.ndarray]], list[Proposal]]
Progress = Callable[[int, float, float], None]


class _Master:
    """The master LP, kept in HiGHS and re-solved warm as proposals arrive. Rows: each
    group's convexity row (its weights add up to 1); each active coupling row, its use as a
    fraction of its limit (at most 1), added as it becomes active (`activate`). Columns: a
    group's proposal, cost (its cost less the group's first proposal's, in units of `unit`);
    an active row's overuse at OVERUSE_COST."""

    def __init__(self, coupling: Coupling, groups: int, reference: np.ndarray,
                 unit: float) -> None:
        limit = coupling.limit
        self.coupling = coupling
        self.limit, self.reference, self.unit = limit, reference, unit
        self.scale = coupling.scales(unit)
        self.overuse = OVERUSE_COST
        self.groups = groups
        self.h = bare_highs()
        self.h.setOptionValue("random_seed", 0)
        # central duals (see the module's docstring)
        self.h.setOptionValue("solver", "ipm")
        self.h.setOptionValue("run_crossover", "off")
        empty_i, empty_f = np.zeros(0, np.int32), np.zeros(0)
        self.h.addRows(groups, np.ones(groups), np.ones(groups), 0, empty_i, empty_i, empty_f)
        #: each coupling row's row in HiGHS (-1: not active, its price 0)
        self.at = np.full(len(limit), -1, np.int64)
        self.over: list[int] = []          # HiGHS column of each active row's overuse
        self.active: list[int] = []        # coupling rows in the order they became active
        self.columns: list[int] = []       # HiGHS column of each proposal
        self.uses: list[tuple[np.ndarray, np.ndarray]] = []   # its rows used, and how much
        self.group: list[int] = []        # per proposal column
        self.parts: list[np.ndarray] = []  # per proposal column: its use of each part
        self.proposals: list[tuple[int, Proposal]] = []

    def activate(self, rows: np.ndarray) -> None:
        """Hold coupling `rows` from now on, for the proposals already in as for those to
        come."""
        rows = np.array([r for r in rows.tolist() if self.at[r] < 0], np.int64)
        if not rows.size:
            return
        first = self.groups + len(self.active)
        self.at[rows] = first + np.arange(rows.size)
        self.active += rows.tolist()
        # each new row's entries, column by column in the order the proposals came: every
        # proposal's use at once (row by row over every proposal in Python, L's 30,660
        # ammunition rows joining over 2,000 groups' proposals kept the planning process
        # busy while the workers waited)
        index: np.ndarray = np.zeros(0, np.int64)
        value: np.ndarray = np.zeros(0)
        starts: np.ndarray = np.zeros(rows.size, np.int64)
        if self.columns:
            nz = np.concatenate([nz for nz, _use in self.uses])
            use = np.concatenate([use for _nz, use in self.uses])
            col = np.repeat(np.array(self.columns, np.int64),
                            [nz.size for nz, _use in self.uses])
            position = np.full(len(self.limit), -1, np.int64)
            position[rows] = np.arange(rows.size)
            on = np.flatnonzero(position[nz] >= 0)
            order = on[np.argsort(position[nz[on]], kind="stable")]
            index, value = col[order], use[order] / self.scale[nz[order]]
            starts = np.searchsorted(position[nz[order]], np.arange(rows.size))
        self.h.addRows(rows.size, np.full(rows.size, -np.inf), self.limit[rows] / self.scale[rows],
                       len(index), starts.astype(np.int32), np.asarray(index, np.int32),
                       np.asarray(value, float))
        for r in rows.tolist():
            self.over.append(self.h.getNumCol())
            self.h.addCol(self.overuse, 0.0, np.inf, 1, np.array([self.at[r]], np.int32),
                          np.array([-1.0]))

    def add(self, g: int, proposal: Proposal) -> None:
        """Group g's proposal."""
        use = self.coupling.row_use(g, proposal.use)
        nz = np.flatnonzero(use)
        on = nz[self.at[nz] >= 0]
        self.columns.append(self.h.getNumCol())
        self.uses.append((nz, use[nz]))
        self.h.addCol((proposal.cost - self.reference[g]) / self.unit, 0.0, np.inf,
                      len(on) + 1, np.concatenate([[g], self.at[on]]).astype(np.int32),
                      np.concatenate([[1.0], use[on] / self.scale[on]]))
        self.group.append(g)
        self.parts.append(proposal.use)
        self.proposals.append((g, proposal))

    def solve(self) -> tuple[float, np.ndarray, float]:
        """The combined plan's LP value (inf while it overuses a row), prices (objective per
        unit of each row; 0 where not active) and how much it overuses (fractions of limits,
        summed)."""
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # interior point short of its tolerances: a vertex's duals this once
            self.h.clearSolver()
            self._by_simplex()
        sol = self.h.getSolution()
        overuse = np.asarray(sol.col_value)[np.asarray(self.over, np.int64)]
        over = float(overuse.sum())
        holds = holds_every_row(overuse, vertex=self.h.getBasis().valid)
        value = float(self.h.getInfo().objective_function_value) * self.unit
        value += float(self.reference.sum())
        prices = np.zeros(len(self.limit))
        on = np.flatnonzero(self.at >= 0)
        prices[on] = (np.maximum(0.0, -np.asarray(sol.row_dual)[self.at[on]]) * self.unit
                      / self.scale[on])
        return (value if holds else float("inf")), prices, over

    def dearer_overuse(self) -> None:
        """Overuse ten times as dear: where the groups' first bound is small against what the
        rows hold back (everything on time but for the hubs, say), OVERUSE_COST in its units
        was cheaper than the limits and the master never held them."""
        self.overuse *= 10.0
        if self.over:
            self.h.changeColsCost(len(self.over), np.array(self.over, np.int32),
                                  np.full(len(self.over), self.overuse))

    def to_vertex(self) -> None:
        """Its last solution moved to a vertex of the same optimal face (crossover): shares
        from a vertex give most groups one proposal whole, where the interior point's central
        solution mixes many (generated M seed 1: the groups' relaxations within shares and
        whole numbers 9.5 s from the centre, 5.6-6.2 s from a vertex, the plan 0.185 % from
        its bound against 0.168 %). Where interior point stopped short and simplex solved
        the master after it, the solution is a vertex already."""
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal \
                or self.h.getBasis().valid:
            return
        centre = self.h.getSolution()
        self.h.crossover(centre)
        if (self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal
                and self.h.getInfo().num_primal_infeasibilities > 0):
            # crossover ends short of an optimal basis (HiGHS warns, status Unknown): its
            # vertex is taken where it holds every row (generated M, seeds 1, 2, 7: simplex
            # from there to an optimal vertex left plans 0.02-0.08 % further from their
            # bounds), else simplex from its basis (in a test its vertex overused 14 rows by
            # up to 0.95 of their unit, and a group's relaxation within its shares was
            # infeasible)
            self._by_simplex()
            if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                self.h.setSolution(centre)     # the centre, as it was

    def _by_simplex(self) -> None:
        """Solve the master once by simplex (from its basis, if it has one), then back to
        interior point for the solves after."""
        self.h.setOptionValue("solver", "simplex")
        try:
            self.h.run()
        finally:
            self.h.setOptionValue("solver", "ipm")

    def used_rows(self) -> np.ndarray:
        """The coupling rows some proposal uses (more than 0)."""
        if not self.uses:
            return np.zeros(0, np.int64)
        return np.unique(np.concatenate([nz[use > 0] for nz, use in self.uses]))

    def weights(self) -> np.ndarray:
        return np.asarray(self.h.getSolution().col_value)[self.columns]

    def combined(self) -> np.ndarray:
        """What the master's combination uses of every coupling row, active or not."""
        total = np.zeros(len(self.limit))
        for w, (nz, use) in zip(self.weights(), self.uses, strict=True):
            if w > 0:
                total[nz] += w * use
        return total

    def shares(self, groups: int) -> list[np.ndarray]:
        """Each group's use of each of its parts by its combination, plus its part of what
        is left."""
        part_rows = self.coupling.part_rows
        used = [np.zeros(part_rows[g].size) for g in range(groups)]
        for w, g, part in zip(self.weights(), self.group, self.parts, strict=True):
            if w > 0:
                used[g] += w * part
        return spread_unused(used, part_rows, self.limit)


def holds_every_row(overuse: np.ndarray, vertex: bool) -> bool:
    """Whether a master's solution that overuses its rows by `overuse` (each active row's,
    in fractions of its unit) holds every row: within MASTER_TOLERANCE in all, or, where
    the solution is interior point's (not a `vertex`), within MASTER_HAIR on each."""
    return float(overuse.sum()) <= MASTER_TOLERANCE or (
        not vertex and float(overuse.max()) <= MASTER_HAIR)


def spread_unused(used: list[np.ndarray], part_rows: list[np.ndarray],
                  limit: np.ndarray) -> list[np.ndarray]:
    """Shares of each row's limit between the parts of it (`used[g]`, group g's parts, each
    part of row `part_rows[g]`): what each part uses, those using scaled down where a row's
    total is above its limit (by tolerance only), plus the rest of the limit: to the parts
    that give to the row (use below 0, a munition's stock exported: they then need give
    less), in proportion to what they give; else to those using it, in proportion to use
    (equally among the row's parts where none uses it)."""
    rows = len(limit)
    given = [np.minimum(u, 0.0) for u in used]
    used = [np.maximum(u, 0.0) for u in used]

    def by_row(values: list[np.ndarray]) -> np.ndarray:
        return sum((np.bincount(r, v, rows) for v, r in zip(values, part_rows, strict=True)),
                   np.zeros(rows))

    gives = by_row(given)          # at most 0
    room = limit - gives
    total = by_row(used)
    scale = np.where(total > room, room / np.where(total > 0, total, 1.0), 1.0)
    used = [u * scale[r] for u, r in zip(used, part_rows, strict=True)]
    total = np.minimum(total, room)
    count = sum((np.bincount(r, minlength=rows) for r in part_rows), np.zeros(rows))
    left = np.maximum(room - total, 0.0)
    return [u + g + left[r] * np.where(
        gives[r] < 0, g / np.where(gives[r] < 0, gives[r], -1.0),
        np.where(total[r] > 0, u / np.where(total[r] > 0, total[r], 1.0),
                 1.0 / np.maximum(count[r], 1)))
        for u, g, r in zip(used, given, part_rows, strict=True)]


def coordinate(coupling: Coupling, first: Sequence[Proposal], price_all: PriceAll,
               until: float, gap: float, max_passes: int, progress: Progress,
               warm: WarmStart | None = None, lazy: np.ndarray | None = None) -> Coordinated:
    """Prices for `coupling`'s rows by column generation, from each group's first proposal
    (`first[g]`: its optimum at prices 0) until the master and the bound are within `gap`
    (relative), time passes `until` (perf_counter; but not before some combination holds every
    row) or `max_passes` passes are made. `price_all(groups, prices)` solves each of the
    groups at its prices per part. With `warm`, its columns join the master and its prices
    are asked first. Rows marked `lazy` join the master only once the groups' first proposals
    together use more than LAZY_USE of them, or a combination the master chooses uses more
    than all of one; until then their price is 0 (a bound still: any prices >= 0 give one).
    Of M's 4,050 hub and route rows (generated, 4 hubs), 217 ever had a price."""
    groups = len(first)
    rows = len(coupling.limit)
    t0 = time.perf_counter()
    reference = np.array([p.value for p in first])
    bound = float(reference.sum())
    unit = max(1.0, OBJECTIVE_UNIT * abs(bound))
    master = _Master(coupling, groups, reference, unit)
    used = [coupling.rows_of(g) for g in range(groups)]
    if lazy is None:
        master.activate(np.arange(rows))
    else:
        together = sum((coupling.row_use(g, p.use) for g, p in enumerate(first)),
                       np.zeros(rows))
        master.activate(np.flatnonzero(~lazy | (together > LAZY_USE * coupling.limit)))
    for g, proposal in enumerate(first):
        master.add(g, proposal)
    ladder: tuple[float, ...] = FIRST_PRICES
    ceiling = coupling.ceiling()
    if warm is not None:
        for g, proposal in warm.columns:
            master.add(g, proposal)
        ladder = ()
    centre = np.zeros(rows)
    asked = [np.zeros(rows) for _ in range(groups)]
    values = reference.copy()
    at_centre = values.copy()
    passes = 0
    risen = 0               # the last pass the bound rose by more than SETTLED_RISE
    history: list[tuple[float, float, float]] = [(0.0, float("inf"), bound)]
    stopped = False
    while True:
        # proposals are only ever added: the master's value never rises (but for rows
        # becoming active: then it may)
        best_master, dual, _over = master.solve()
        waiting = master.at < 0         # lazy rows not yet held (none without lazy rows)
        if waiting.any() and (beyond := np.flatnonzero(
                waiting & (master.combined() > coupling.limit * (1 + MASTER_TOLERANCE)))).size:
            # ... and with them every row of limit 0 any proposal uses: the next combination
            # would move to those, free while they wait (generated L, munitions priced
            # apart: after its sixth pass, 15 solves of the master in a row, 13 s each,
            # each activating a few dozen more ammunition rows)
            taken = master.used_rows()
            master.activate(np.union1d(
                beyond, taken[waiting[taken] & (coupling.limit[taken] <= 0)]))
            continue
        apart = (best_master - bound) / max(1.0, abs(best_master))
        done = apart <= gap or (apart <= SETTLED_GAP * gap
                                and passes - max(risen, len(ladder)) >= SETTLE_PASSES
                                and _distance(dual, centre, master.scale) <= SETTLED_DISTANCE)
        # past `until` only while no combination holds every row: shares from such a master
        # would leave some group unable to pay for what it must (a committed pledge)
        late = time.perf_counter() >= until and np.isfinite(best_master)
        if done or passes >= max_passes or late:
            stopped = late and not done and passes < max_passes
            break
        if passes >= len(ladder) and not np.isfinite(best_master):
            master.dearer_overuse()
        if warm is not None and passes == 0:
            prices = warm.prices
        elif passes < len(ladder):
            # on every row, active or not: at the first rung every group uses nothing it
            # need not of any row, so the master holds them all (asked of the active rows
            # only, groups moved to the others, row after row, pass after pass, on M)
            prices = ladder[passes] * unit / master.scale
        else:
            prices = np.minimum(SMOOTHING * centre + (1.0 - SMOOTHING) * dual, ceiling)
        # a group using none of the rows whose prices changed keeps its last proposal
        changed = [g for g in range(groups) if used[g].size
                   and not np.array_equal(prices[used[g]], asked[g][used[g]])]
        solved = price_all(changed, [coupling.part_prices(g, prices) for g in changed])
        for g, proposal in zip(changed, solved, strict=True):
            values[g] = proposal.value
            asked[g] = prices
            master.add(g, proposal)
        passes += 1
        at = float(values.sum() - prices @ coupling.limit)
        if at > bound + SETTLED_RISE * abs(bound):
            risen = passes
        if at > bound:
            bound, centre, at_centre = at, prices, values.copy()
        history.append((time.perf_counter() - t0, best_master, bound))
        progress(passes, best_master, bound)
    master.to_vertex()
    return Coordinated(bound, best_master, centre, master.shares(groups), passes, history,
                       master.proposals, at_centre, stopped)


def _distance(dual: np.ndarray, prices: np.ndarray, scale: np.ndarray) -> float:
    """How far the master's duals are from the prices: the sum of absolute differences per
    whole limit, relative to the prices' own sum (inf for prices all 0)."""
    size = float(np.abs(prices * scale).sum())
    return float(np.abs((dual - prices) * scale).sum()) / size if size > 0 else float("inf")
