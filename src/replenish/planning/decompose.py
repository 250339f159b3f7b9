"""Plan a large scenario by item groups that share nothing but the rows that couple them.

Items are coupled by family requirements (any item of the family meets them), by
sustainment (a platform and every munition it can use) and by members' budgets; lines,
pledges, stocks and floors each concern one item. The connected groups of the first two are
independent planning problems but for the budgets, and HiGHS solves many small models far
faster than one large one: the budget rows are dense (every order of a member in a year) and
make each simplex iteration of the one model slow (M's LP: 757 s as one model, 7 s as 54
groups).

1. every group is solved as an LP without the coupling rows: its first proposal, and at
   prices 0 the first lower bound;
2. the groups are coordinated by price (planning/coordinate.py): each pass solves the groups
   again from their last bases with prices on their use of the coupling rows, which gives a
   lower bound on every plan, until the combined plan and the bound meet or the time set
   aside for it is spent;
3. each group gets its share of every coupling row from the coordinated combination, and its
   relaxation is solved within its shares;
4. whole numbers are planned within those shares (see `_Group.pooled` and planning/blocks.py),
   and money that whole numbers leave is offered to the groups that lost most to them.

The shares of a row always add up to at most its limit, so every combination is a feasible
plan; its gap to the best bound of step 2 is the plan's reported gap.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from replenish.errors import InfeasiblePlan, NoPlanInTime
from replenish.model import Scenario
from replenish.plan.records import Plan
from replenish.planning.blocks import whole_by_blocks
from replenish.planning.build import build_model, value_scale
from replenish.planning.coordinate import Coordinated, Coupling, coordinate
from replenish.planning.explain import binding_candidates, budget_change
from replenish.planning.options import PlanOptions
from replenish.planning.readback import (
    assign_solution,
    donation_order,
    fulfilment_order,
    order_order,
)
from replenish.planning.solve import (
    Solution,
    exactly_whole,
    hold_whole_values,
    new_highs,
    pass_model,
    read_solution,
    relative_gap,
    solve_guided,
)

Progress = Callable[[str, float], None]
#: a model at least this large (order columns) is planned by groups when decompose="auto"
AUTO_COLUMNS = 150_000
#: coordinating groups by price may use this part of the time left after the first bound,
#: so that whole numbers have the rest
SHARE_TIME = 0.5
#: coordination stops when the combined relaxation is this close to the bound (relative):
#: whole numbers lose about 0.2 % on generated M, so that the plan is within 0.5 % of it
COORDINATION_GAP = 1e-3
#: a merged plan this close to the bound is reported optimal, a farther one feasible
PROVEN_GAP = 1e-3
#: relative MIP gap of a group where budgets bind: the plan's gap is dominated by how they are
#: shared anyway
GROUP_MIP_GAP = 1e-3
#: seconds a group may always take for its whole numbers, whatever the time limit
MIN_GROUP_SECONDS = 5.0
#: the part of its whole-number time a group may spend trying its shares pooled
POOL_PART = 0.1
#: HiGHS's simplex scaling for the groups' relaxations: by each row's and column's largest
#: entry ("max value 0") they solve in about half the time of the default (M's largest group:
#: 7.3 s against 16.0 s, bench/lp_scaling.py); whole numbers keep the default, with which
#: HiGHS's branch and bound did better on S
LP_SCALING, MIP_SCALING = 4, 1


def item_groups(scenario: Scenario) -> list[list[str]]:
    """Items that must be planned together, each group in file order, groups by first item."""
    codes = [i.code for i in scenario.items]
    parent = {c: c for c in codes}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def union(group: list[str]) -> None:
        roots = [find(c) for c in group]
        for r in roots[1:]:
            parent[r] = roots[0]

    for q in scenario.requirements:
        if q.family:
            union(scenario.family_items(q.family))
    fits: dict[str, list[str]] = {}
    for c in scenario.compatibility:
        fits.setdefault(c.platform, []).append(c.munition)
    for u in scenario.consumption:
        union([u.platform, u.munition, *fits.get(u.platform, [])])
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(find(code), []).append(code)
    return list(groups.values())


def sub_scenario(scenario: Scenario, items: list[str]) -> Scenario:
    """The part of a scenario that concerns only `items` (every nation kept)."""
    keep = set(items)
    families = {scenario.item(c).family for c in items}
    lines = tuple(ln for ln in scenario.lines if ln.item in keep)
    made = {(ln.producer, ln.item) for ln in lines}
    return dataclasses.replace(
        scenario,
        items=tuple(i for i in scenario.items if i.code in keep),
        stocks=tuple(s for s in scenario.stocks if s.item in keep),
        compatibility=tuple(c for c in scenario.compatibility
                            if c.munition in keep and c.platform in keep),
        requirements=tuple(q for q in scenario.requirements
                           if ((q.item in keep) if q.item else (q.family in families))),
        pledges=tuple(p for p in scenario.pledges if p.item in keep),
        lines=lines,
        fielded=tuple(f for f in scenario.fielded if f.platform in keep),
        consumption=tuple(u for u in scenario.consumption if u.platform in keep),
        training=tuple(t for t in scenario.training if t.platform in keep),
        price_breaks=tuple(b for b in scenario.price_breaks if (b.producer, b.item) in made),
    )


def order_columns(scenario: Scenario) -> int:
    """How large one model of the scenario is: a column per line, member and month."""
    return len(scenario.lines) * len(scenario.members) * scenario.horizon


def should_decompose(scenario: Scenario, options: PlanOptions, groups: int) -> bool:
    """Planning by groups is exact without budgets and near-exact with them; "auto" uses it
    where one model would be too large to solve quickly."""
    if options.decompose == "never" or groups < 2:
        return False
    if options.decompose == "always":
        return True
    return order_columns(scenario) >= AUTO_COLUMNS


class GroupsFailed(Exception):
    """A group had no plan within its budget shares: plan the scenario as one model."""


class _Group:
    """One item group's model, kept alive in HiGHS so that adding its budget rows and moving
    money between rounds re-solve from the last basis instead of from scratch."""

    def __init__(self, scenario: Scenario, options: PlanOptions, scale: float) -> None:
        t0 = time.perf_counter()
        self.scenario = scenario
        self.options = options
        self.built = build_model(scenario, dataclasses.replace(options, budgets=False),
                                 scale=scale)
        # spending per (member, year, item): the group's budget rows. Per item, not per
        # (member, year): with one row per member and year M's relaxations within their
        # shares took 62-168 s, per item a few seconds (bench notes, session 11)
        self.keys: list[tuple[str, int, str]] = list(self.built.info.get("spend_keys", []))
        self.spending: sp.csr_matrix | None = (self.built.info["item_spend"].tocsr()
                                               if self.keys else None)
        self.cost = self.built.model.column_arrays()[2]
        self.h = new_highs(options)
        # every relaxation must finish: the deadline is kept by stopping budget rounds early
        # and by the whole-number phase's time (see plan_whole)
        self.h.setOptionValue("time_limit", float("inf"))
        self.h.setOptionValue("simplex_scale_strategy", LP_SCALING)
        pass_model(self.h, self.built, integrality=False)
        self.base_rows = self.built.model.n_rows
        self.share = np.zeros(len(self.keys))
        # budget rows in HiGHS count money in units of the objective's scale: in currency
        # units (up to 5e8 against coefficients near 1 elsewhere) a warm start from the
        # budget-free basis ended "unbounded" on M's largest group and was solved again from
        # scratch, 2.4 times as many iterations
        self.money = scale
        self.plan: Plan | None = None
        self.spent = np.zeros(len(self.keys))    # what its plan spends, per key
        self.binding: list[dict[str, Any]] = []
        #: how its whole numbers were planned: "blocks", "pooled" or "mip" (within its
        #: per-item shares); "" while not planned or where it has none
        self.whole_by = ""
        self.build_s = time.perf_counter() - t0   # building and passing the model
        self.read_s = 0.0                         # reading the plan back

    def relax(self) -> tuple[float, np.ndarray]:
        """Solve the LP relaxation as it stands; its objective and column values."""
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self.h.clearSolver()     # a warm start gone wrong: once more from scratch
            self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise GroupsFailed(self.h.modelStatusToString(self.h.getModelStatus()))
        return (float(self.h.getInfo().objective_function_value) * self.built.scale,
                np.asarray(self.h.getSolution().col_value))

    def spend(self) -> sp.csr_matrix:
        """Spending of each (member, year, item) key in units of `money`."""
        assert self.spending is not None
        return (self.spending / self.money).tocsr()

    def demand(self, x: np.ndarray) -> np.ndarray:
        """What columns `x` spend per (member, year, item) key, in currency."""
        return np.asarray(self.spending @ x) if self.spending is not None else np.zeros(0)

    def price(self, added: np.ndarray) -> tuple[float, np.ndarray]:
        """The relaxation with `added` (objective units per column) on the costs, solved
        from the last basis; its objective and column values."""
        n = self.built.model.n_cols
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32),
                              self.cost + added / self.built.scale)
        return self.relax()

    def plain_cost(self, x: np.ndarray) -> float:
        """The objective of columns `x` at the model's own costs."""
        return float(self.cost @ x) * self.built.scale

    def add_budget_rows(self, share: np.ndarray) -> None:
        """One row per (member, year, item) this group may spend on, at most its share; the
        costs back to the model's own."""
        n = self.built.model.n_cols
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32), self.cost)
        if not self.keys:
            return
        self.share = share.copy()
        a = self.spend()
        self.h.addRows(len(self.keys), np.full(len(self.keys), -np.inf), share / self.money,
                       int(a.nnz), a.indptr[:-1].astype(np.int32),
                       a.indices.astype(np.int32), a.data)

    def set_shares(self, share: np.ndarray) -> None:
        if self.keys:
            self.share = share.copy()
            n = len(self.keys)
            rows = np.arange(self.base_rows, self.base_rows + n, dtype=np.int32)
            self.h.changeRowsBounds(n, rows, np.full(n, -np.inf), share / self.money)  # type: ignore[attr-defined]

    def plan_whole(self, seconds: float, gap: float) -> Solution:
        """Whole numbers where the scenario needs them, guided by the relaxation solved last
        (whose duals the returned solution carries); the best plan found within `seconds`
        counts, at a relative MIP gap of `gap`. First with the group's shares pooled (see
        `pooled`), then, if that has no plan soon, within each item's share. Groups of
        `PlanOptions.split_columns` columns or more are tried block by block first."""
        lower, upper, _cost, integer = self.built.model.column_arrays()
        if not integer.any():
            return read_solution(self.h, False, None, {})
        self.h.setOptionValue("mip_rel_gap", float(gap))
        self.h.setOptionValue("simplex_scale_strategy", MIP_SCALING)
        start = self.h.getSolution()
        relaxed = (float(self.h.getInfo().objective_function_value),
                   np.asarray(start.col_value))
        duals = {"row": np.asarray(start.row_dual), "col": np.asarray(start.col_dual)}
        begun = time.perf_counter()
        if self.built.model.n_cols >= self.options.split_columns:
            by_blocks = self.by_blocks(relaxed, duals, gap, seconds)
            if by_blocks is not None:
                self.whole_by = "blocks"
                return by_blocks
        n = len(integer)
        self.h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), integer.astype(np.uint8))
        pooled = self.pooled(integer, relaxed, duals,
                             max(MIN_GROUP_SECONDS, POOL_PART * seconds))
        if pooled is not None:
            self.whole_by = "pooled"
            return exactly_whole(self.h, self.built, pooled, self.options.whole_noise)
        self.h.changeColsBounds(n, np.arange(n, dtype=np.int32), lower, upper)
        left = max(MIN_GROUP_SECONDS, seconds - (time.perf_counter() - begun))
        self.h.setOptionValue("time_limit", float(self.h.getRunTime() + left))
        self.whole_by = "mip"
        return exactly_whole(self.h, self.built, solve_guided(
            self.h, integer, lower, upper, relaxed, patient=True, duals=duals),
            self.options.whole_noise)

    def pooled(self, integer: np.ndarray, relaxed: tuple[float, np.ndarray],
               duals: dict[str, np.ndarray], seconds: float) -> Solution | None:
        """Try whole numbers with one budget row per (member, year) for the whole group, at
        most the sum of its items' shares, and every whole value of the relaxation held: a
        whole unit bought where the relaxation bought a fraction can be paid from another
        item's share, and the shares of one member and year still add up to its budget. On
        M's smaller groups this was both better and 1.5-3x faster than per-item rows; on its
        60-item group far slower, hence the time limit. The plan, if one is found in time;
        else None, and `h` is left with its per-item rows (column bounds to be reset by the
        caller)."""
        if not self.keys:
            return None
        extra, cap = self.pool_shares(self.options.pool_margin)
        hold_whole_values(self.h, integer, relaxed[1])
        self.h.setOptionValue("time_limit", float(self.h.getRunTime() + seconds))
        self.h.run()
        if self.h.getSolution().value_valid and self.h.getModelStatus() in (
                highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
            sol = read_solution(self.h, True, relaxed[0], duals)
            self.h.changeRowsBounds(len(extra), extra, np.full(len(extra), -np.inf), cap)  # type: ignore[attr-defined]
            return sol
        self.unpool(extra)
        return None

    def by_blocks(self, relaxed: tuple[float, np.ndarray], duals: dict[str, np.ndarray],
                  gap: float, seconds: float) -> Solution | None:
        """Whole numbers block by block (planning/blocks.py), the group's shares pooled per
        (member, year) as in `pooled`: money a block leaves when it rounds down is there for
        the blocks after it. The plan, or None with `h` as it was."""
        extra, cap = self.pool_shares(0.0) if self.keys else (np.zeros(0, np.int32), None)
        whole = whole_by_blocks(self.h, self.built, relaxed[1], gap, seconds, self.options,
                                coupling=extra, margin=self.options.pool_margin)
        if whole is not None:
            objective = float(self.built.model.column_arrays()[2] @ whole)
            gap_found = relative_gap(objective, relaxed[0])
            return Solution("optimal" if gap_found <= gap else "feasible", objective, whole,
                            duals["row"], duals["col"], True, gap_found)
        if cap is not None:
            self.unpool(extra)
        return None

    def pool_shares(self, margin: float) -> tuple[np.ndarray, np.ndarray]:
        """Replace the per-item budget rows by one row per (member, year), at most the sum of
        its items' shares less `margin` (relative) until `unpool` or a caller raises the rows
        (returned) to their caps (returned)."""
        k = len(self.keys)
        names, segment = budget_segments(self.keys)
        pool = sp.csr_matrix((np.ones(k), (segment, np.arange(k))), shape=(len(names), k))
        a = (pool @ self.spend()).tocsr()
        rows = np.arange(self.base_rows, self.base_rows + k, dtype=np.int32)
        self.h.changeRowsBounds(k, rows, np.full(k, -np.inf), np.full(k, np.inf))  # type: ignore[attr-defined]
        cap = pool @ self.share / self.money
        extra = np.arange(self.base_rows + k, self.base_rows + k + len(names), dtype=np.int32)
        # a little below the cap for whole numbers, whose rows hold only to HiGHS's
        # tolerance, so that the plan made exactly whole after it (exactly_whole) is within
        # the cap itself
        self.h.addRows(a.shape[0], np.full(a.shape[0], -np.inf), cap * (1.0 - margin), int(a.nnz),
                       a.indptr[:-1].astype(np.int32), a.indices.astype(np.int32), a.data)
        return extra, cap

    def unpool(self, extra: np.ndarray) -> None:
        """Back to per-item budget rows after `pool_shares`."""
        self.h.deleteRows(int(extra.size), extra)
        self.set_shares(self.share)


def plan_by_groups(scenario: Scenario, options: PlanOptions, report: Progress,
                   parts: list[list[str]] | None = None) -> Plan:
    """Plan each item group (`parts`, else `item_groups(scenario)`) within its shares of the
    budgets; merge the group plans. GroupsFailed where a group could not live within its
    shares and the scenario may be planned as one model instead; else InfeasiblePlan."""
    t0 = time.perf_counter()
    scale = value_scale(scenario)
    budget = {n.code: n.annual_budget for n in scenario.members
              if n.annual_budget is not None}
    parts = item_groups(scenario) if parts is None else parts
    # HiGHS releases the GIL while it solves: the groups' LPs run on every core at once
    pool = ThreadPoolExecutor(max_workers=_workers(options))

    def bound_of(items: list[str]) -> tuple[_Group, float, np.ndarray]:
        g = _Group(sub_scenario(scenario, items), options, scale)
        objective, x = g.relax()
        return g, objective, x

    try:
        return _plan_by_groups(scenario, options, report, pool, parts, bound_of, budget, t0)
    except GroupsFailed as exc:
        if order_columns(scenario) < options.one_model_max_columns:
            raise
        raise InfeasiblePlan([f"an item group could not be planned within its share of the "
                              f"budgets ({exc}), and the scenario is too large to plan as one "
                              f"model; check committed pledges against members' budgets"]
                             ) from None
    finally:
        pool.shutdown(cancel_futures=True)


def _workers(options: PlanOptions) -> int:
    if options.threads:
        return max(1, options.threads)
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def _in_order(pool: ThreadPoolExecutor, fn: Callable[[Any], Any], items: list[Any],
              report: Callable[[int], None],
              size: Callable[[Any], float] | None = None) -> list[Any]:
    """fn over items on the pool, results in the items' order; `report(done)` as they finish.
    With `size`, the largest are started first, so that the last to finish is a small one
    rather than the largest started late while the other cores idle."""
    order = (sorted(range(len(items)), key=lambda k: -size(items[k])) if size
             else list(range(len(items))))
    futures = {k: pool.submit(fn, items[k]) for k in order}
    for done, _ in enumerate(as_completed(futures.values()), start=1):
        report(done)
    return [futures[k].result() for k in range(len(items))]


def budget_coupling(groups: list[_Group], budget: dict[str, float]) -> Coupling:
    """Members' budgets per year as coupling rows: each group's spending in each, from its
    orders and its shares of expansion."""
    names = sorted({(b, y) for g in groups for b, y, _ in g.keys})
    row = {name: r for r, name in enumerate(names)}
    use, parts, part_rows = [], [], []
    for g in groups:
        at = np.array([row[(b, y)] for b, y, _ in g.keys], np.int64)
        spending = (g.spending if g.spending is not None
                    else sp.csr_matrix((0, g.built.model.n_cols)))
        place = sp.csr_matrix((np.ones(len(at)), (at, np.arange(len(at)))),
                              shape=(len(names), len(at)))
        use.append((place @ spending).tocsr())
        parts.append(spending)
        part_rows.append(at)
    return Coupling("budget", list(names), np.array([budget[b] for b, _ in names], float), use,
                    parts, part_rows)


def _plan_by_groups(scenario: Scenario, options: PlanOptions, report: Progress,
                    pool: ThreadPoolExecutor, parts: list[list[str]],
                    bound_of: Callable[[list[str]], tuple[_Group, float, np.ndarray]],
                    budget: dict[str, float], t0: float) -> Plan:

    deadline = t0 + options.time_limit
    results = _in_order(pool, bound_of, parts, lambda done: report(
        f"bound {done}/{len(parts)}", 0.05 + 0.25 * done / len(parts)), size=len)
    groups: list[_Group] = [r[0] for r in results]
    columns = np.array([g.built.model.n_cols for g in groups], float)
    coupling = budget_coupling(groups, budget)
    t_bound = time.perf_counter()
    coordinated = _coordinate(groups, coupling, [(r[1], r[2]) for r in results], options,
                              pool, columns, t_bound + SHARE_TIME * max(0.0, deadline - t_bound),
                              report)
    # each group's rows are the coupling rows it uses, in its keys' order (both sorted)
    t_coordinated = time.perf_counter()
    rows = [coupling.parts_of(k)[1] for k in range(len(groups))]

    def within_shares(k: int) -> float:
        groups[k].add_budget_rows(coordinated.shares[k])
        return groups[k].relax()[0]

    lp_objective = np.array(_in_order(pool, within_shares, list(range(len(groups))),
                                      lambda done: report(f"shares {done}/{len(groups)}",
                                                          0.45 + 0.05 * done / len(groups)),
                                      size=lambda k: columns[k]))
    t_share = time.perf_counter()
    budget_binding = _budget_binding(scenario, coupling, coordinated.prices)
    # each group may use its part (by size) of the time left for whole numbers
    left = max(1.0, deadline - time.perf_counter()) * _workers(options)
    coupled = bool(coupling.names)
    # without budgets the groups' plans are the one model's: as exact as it is
    gap_of_group = max(options.mip_rel_gap, GROUP_MIP_GAP) if coupled else options.mip_rel_gap

    def whole(k: int) -> None:
        g = groups[k]
        seconds = max(MIN_GROUP_SECONDS, left * columns[k] / columns.sum())
        try:
            sol = g.plan_whole(seconds, gap_of_group)
        except InfeasiblePlan as exc:
            raise GroupsFailed(str(exc)) from None
        t_read = time.perf_counter()
        g.plan = assign_solution(g.built, sol)
        g.binding = binding_candidates(g.built, sol)
        g.spent = g.demand(sol.x)
        g.read_s = time.perf_counter() - t_read
        g.h = None   # type: ignore[assignment]   # free the solver's memory

    _in_order(pool, whole, list(range(len(groups))),
              lambda done: report(f"whole numbers {done}/{len(groups)}",
                                  0.5 + 0.4 * done / len(groups)), size=lambda k: columns[k])
    replanned = 0
    if coupled:
        report("spending what whole numbers left", 0.9)
        replanned = _spend_leftovers(groups, lp_objective, rows, coupling.limit,
                                     gap_of_group, deadline, options)
    plan = merge_plans(scenario, [g.plan for g in groups if g.plan is not None])
    binding = [b for g in groups for b in g.binding if b["change"]] + budget_binding
    binding.sort(key=lambda f: (-f["value"], f["name"]))
    plan.binding = binding[:8]
    build_s = sum(g.build_s for g in groups)
    read_s = sum(g.read_s for g in groups)
    plan.timings.update(build=build_s, solve=time.perf_counter() - t0 - build_s - read_s,
                        read_back=read_s, bound=t_bound - t0, coordinate=t_share - t_bound,
                        shares=t_share - t_coordinated)
    bound = coordinated.bound
    gap = relative_gap(plan.objective, bound)
    if plan.status == "optimal" and coupled and gap > PROVEN_GAP:
        # each group is optimal within its shares; the whole is not. Without budgets the
        # groups are independent, each proven optimal by its MIP: so is the whole, however
        # far its whole numbers are from the relaxation's bound
        plan.status = "feasible"
    plan.extra["model"] = {
        "variables": sum(g.built.model.n_cols for g in groups),
        "constraints": sum(g.built.model.n_rows for g in groups) + len(coupling.names),
        "integer": any(i.integer for i in scenario.items),
        "bound": bound,
        "relaxation_gap": round(gap, 6),
        "decomposition": {"groups": len(groups),
                          "largest_group_items": max(len(g.scenario.items) for g in groups),
                          "lower_bound": round(bound, 4),
                          "coupling_rows": {coupling.kind: len(coupling.names)},
                          "price_passes": coordinated.passes,
                          # seconds, combined relaxation and bound after each pass
                          "price_history": [[round(t, 2), round(m, 1) if np.isfinite(m)
                                             else None, round(b, 1)]
                                            for t, m, b in coordinated.history],
                          "coordinated_relaxation": (round(coordinated.master, 4)
                                                     if np.isfinite(coordinated.master)
                                                     else None),
                          "shared_relaxation": round(float(lp_objective.sum()), 4),
                          "whole_numbers": {way: sum(g.whole_by == way for g in groups)
                                            for way in ("blocks", "pooled", "mip")},
                          "replanned_with_leftovers": replanned},
    }
    return plan


def _coordinate(groups: list[_Group], coupling: Coupling,
                first: list[tuple[float, np.ndarray]], options: PlanOptions,
                pool: ThreadPoolExecutor, columns: np.ndarray, until: float,
                report: Progress) -> Coordinated:
    """Coordinate the groups by price over `coupling` (see planning/coordinate.py), the
    progress bar showing the combined relaxation and the bound closing."""

    def run_all(fn: Callable[[int], Any], which: list[int]) -> list[Any]:
        return _in_order(pool, fn, which, lambda done: None, size=lambda k: columns[k])

    def progress(passes: int, master: float, bound: float) -> None:
        closing = (f"{100 * (master - bound) / max(1.0, abs(master)):.2f} % apart"
                   if np.isfinite(master) else "no combined plan yet")
        report(f"coordinating by price, pass {passes}: relaxation and bound {closing}",
               0.3 + 0.15 * min(1.0, passes / max(1, options.budget_rounds)))

    return coordinate(coupling, first, lambda k, added: groups[k].price(added),
                      lambda k, x: groups[k].plain_cost(x),
                      run_all, until, COORDINATION_GAP, options.budget_rounds, progress)


def _spend_leftovers(groups: list[_Group], lp_objective: np.ndarray,
                     segments: list[np.ndarray], limit: np.ndarray, gap: float,
                     deadline: float, options: PlanOptions) -> int:
    """Plan again, with the money other groups' whole numbers left unspent, the groups whose
    whole numbers cost them most against their relaxation.

    A group's whole numbers may buy less than its share: a unit cannot be bought in part.
    Money so left in a member's budget for a year is offered, whole, to each group that lost
    at least `options.leftover_loss` of the plan's objective to whole numbers, worst first, on
    top of what it spends already; a new plan is kept only if it is better. Only groups planned
    by their own MIP (below `options.split_columns`) are planned again: they take moments.
    Groups change `plan`, `binding`, `spent` and `whole_by`; every budget still holds.
    Returns how many groups' new plans were kept."""
    n = len(limit)
    spent = np.zeros(n)
    for g, seg in zip(groups, segments, strict=True):
        spent += np.bincount(seg, g.spent, n)
    margin = options.pool_margin
    left = np.clip(limit * (1.0 - margin) - spent, 0.0, None)
    plans = [g.plan for g in groups]
    total = abs(sum(p.objective for p in plans if p is not None))
    loss = np.array([(p.objective if p is not None else np.inf) - lp for p, lp
                     in zip(plans, lp_objective, strict=True)])
    replanned = 0
    for k in np.argsort(-loss, kind="stable"):
        g, seg = groups[k], segments[k]
        if (not np.isfinite(loss[k]) or loss[k] <= options.leftover_loss * max(1.0, total)
                or time.perf_counter() > deadline):
            break
        if not g.keys or g.built.model.n_cols >= options.split_columns or g.plan is None:
            continue
        if not (left[seg] > margin * limit[seg]).any():
            continue
        # each segment's money left, shared between the group's keys in it by what they spend
        again = _Group(g.scenario, g.options, g.built.scale)
        again.add_budget_rows(g.spent + initial_shares(g.spent, seg, left))
        try:
            again.relax()
            sol = again.plan_whole(MIN_GROUP_SECONDS, gap)
        except (GroupsFailed, InfeasiblePlan, NoPlanInTime):
            continue
        objective = sol.objective * again.built.scale
        if objective >= g.plan.objective - 1e-9 * max(1.0, abs(g.plan.objective)):
            continue
        now = again.demand(sol.x)
        left = np.clip(left - np.bincount(seg, now - g.spent, n), 0.0, None)
        g.plan = assign_solution(again.built, sol)
        g.binding = binding_candidates(again.built, sol)
        g.spent = now
        g.whole_by = again.whole_by
        replanned += 1
    return replanned


def budget_segments(keys: list[tuple[str, int, str]]
                    ) -> tuple[list[tuple[str, int]], np.ndarray]:
    """The (member, year) budgets of (member, year, item) keys, sorted, and each key's."""
    names = sorted({(b, y) for b, y, _ in keys})
    of = {name: j for j, name in enumerate(names)}
    return names, np.array([of[(b, y)] for b, y, _ in keys], np.int64)


def _budget_binding(scenario: Scenario, coupling: Coupling,
                    prices: np.ndarray) -> list[dict[str, Any]]:
    """A member's budget binds as much as its dearest year's coordinated price (objective
    per unit of money: what one more would be worth)."""
    best: dict[str, float] = {}
    for (b, _y), price in zip(coupling.names, prices.tolist(), strict=True):
        best[b] = max(best.get(b, 0.0), price)
    return [dict(kind="budget", name=b, value=price * 1e6, shadow_price=price,
                 change=budget_change(scenario, b))
            for b, price in best.items() if price * 1e6 > 1e-6]


def initial_shares(demand: np.ndarray, segment: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Share each budget (segment) between its keys in proportion to their demand; money left
    over is shared the same way, or equally where nobody asked for any."""
    demand = np.maximum(demand, 0.0)
    total = np.bincount(segment, demand, len(limit))
    count = np.bincount(segment, minlength=len(limit)).astype(float)
    t = total[segment]
    weight = np.where(t > 0, demand / np.where(t > 0, t, 1.0), 1.0 / np.maximum(count, 1)[segment])
    return weight * limit[segment]


def merge_plans(scenario: Scenario, plans: list[Plan]) -> Plan:
    """One plan from the plans of disjoint item groups, rows in a fixed order."""
    if not plans:
        raise InfeasiblePlan(["no item group could be planned"])
    worse = sorted({p.status for p in plans} - {"optimal"})
    merged = Plan(method=plans[0].method, status=worse[0] if worse else "optimal",
                  objective=sum(p.objective for p in plans), procurement=plans[0].procurement)
    item_rank = {i.code: k for k, i in enumerate(scenario.items)}
    nation_rank = {n.code: k for k, n in enumerate(scenario.nations)}
    for p in plans:
        merged.donations += p.donations
        merged.orders += p.orders
        merged.production += p.production
        merged.expansions += p.expansions
        merged.stocks += p.stocks
        merged.fulfilment += p.fulfilment
        merged.sustainment += p.sustainment
        merged.floor_breaches += p.floor_breaches
        merged.expansion_shares.update(p.expansion_shares)
    merged.donations.sort(key=donation_order)
    merged.orders.sort(key=order_order)
    merged.production.sort(key=lambda r: (r.producer, item_rank[r.item], r.month))
    merged.expansions.sort(key=lambda e: (e.producer, item_rank[e.item], e.buyer or ""))
    merged.stocks.sort(key=lambda s: (nation_rank[s.nation], item_rank[s.item], s.month))
    merged.fulfilment.sort(key=fulfilment_order)
    merged.sustainment.sort(key=lambda r: (nation_rank[r.recipient], item_rank[r.platform],
                                           r.month))
    return merged
