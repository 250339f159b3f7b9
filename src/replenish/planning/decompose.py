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
import functools
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from replenish.errors import InfeasiblePlan, NoPlanInTime
from replenish.model import Scenario
from replenish.plan.records import Plan
from replenish.plan.sustain import (
    plan_arrivals,
    simulate_sustainment,
    sustained_platforms,
    train_crews,
)
from replenish.planning.blocks import MIN_BLOCK_SECONDS, KeptBlocks, whole_by_blocks
from replenish.planning.build import build_model, value_scale
from replenish.planning.builder import Model
from replenish.planning.coordinate import (
    FIRST_PRICES,
    OBJECTIVE_UNIT,
    Coordinated,
    Coupling,
    Proposal,
    WarmStart,
    coordinate,
    stack,
)
from replenish.planning.delivery import check_pledges_carriable
from replenish.planning.explain import binding_candidates, budget_change, transport_change
from replenish.planning.options import PlanOptions
from replenish.planning.readback import (
    assign_solution,
    donation_order,
    fulfilment_order,
    order_order,
)
from replenish.planning.solve import (
    Solution,
    dot,
    exactly_whole,
    hold_whole_values,
    holds,
    limit_mip,
    new_highs,
    pass_model,
    read_solution,
    relative_gap,
    release_used,
    run_counted,
    solve_guided,
    stopped_by_time,
)

Progress = Callable[[str, float], None]
#: a model at least this large (order columns) is planned by groups when decompose="auto"
AUTO_COLUMNS = 150_000
#: a group joined by sustainment this large (order columns) has its munitions priced apart
#: (`PlanOptions.split_sustainment`): generated L's 257-item group (825,600 order columns,
#: 1.4 million in its model) took 683 s for its first relaxation, its items apart 23 s;
#: generated M's largest groups (seeds 1, 2, 3, 7) are far below, at 33,408-80,640
SPLIT_SUSTAINMENT_COLUMNS = 400_000
#: coordinating groups by price may use this part of the time left after the first bound,
#: so that whole numbers have the rest
SHARE_TIME = 0.5
#: coordination stops when the combined relaxation is this close to the bound (relative):
#: whole numbers lose about 0.2 % on generated M, so that the plan is within 0.5 % of it
COORDINATION_GAP = 1e-3
#: HiGHS's simplex_strategy for the primal simplex
PRIMAL_SIMPLEX = 4
#: a merged plan this close to the bound is reported optimal, a farther one feasible
PROVEN_GAP = 1e-3
#: a re-plan after a small change keeps every group the change leaves alone as it was
#: (`GroupPlanner._local`) where the plan so made is within this of its bound, or no farther
#: than the plan before (issue 23's target: within 0.5 %); else the groups are coordinated
#: again
LOCAL_GAP = 5e-3
#: relative MIP gap of a group where budgets bind: the plan's gap is dominated by how they are
#: shared anyway
GROUP_MIP_GAP = 1e-3
#: seconds a group may always take for its whole numbers, whatever the time limit
MIN_GROUP_SECONDS = 5.0
#: the part of its whole-number time a group may spend trying its shares pooled
POOL_PART = 0.1
#: a group's whole numbers by blocks this far above its relaxation (relative) are sought
#: once more with its shares pooled (`_Group.pooled`), for at most BLOCKS_RESCUE_SECONDS,
#: and the cheaper plan kept. A block is planned within what the others leave of the
#: group's money, the others held where the relaxation has them: generated M, seed 2, a
#: block of the 20-item group could not round up a line's expansion the relaxation had
#: bought in part, and its stocks fell below their floors, 2.2 % above the group's
#: relaxation (0.18 % of the plan); pooled, the group moved money between its items and
#: lost 0.03 % (4.8 s against 2.6 s)
BLOCKS_LOSS = 3e-3
BLOCKS_RESCUE_SECONDS = 10.0
#: seconds a group planned by blocks may take to plan its blocks again with the money other
#: groups' whole numbers left (`_spend_leftovers`)
TOP_UP_SECONDS = 2.0
#: seconds a group too large for one MIP (`PlanOptions.split_columns`) whose blocks had no
#: plan may take as one MIP, at most (as long as it needs to its first plan)
MIP_AFTER_BLOCKS_SECONDS = 20.0
#: the part of each pooled budget row a group's relaxation leaves unspent when its blocks had
#: no plan from a relaxation that spends all of it (`_Group._blocks_with_room`)
BLOCK_ROOM = 1e-4
#: HiGHS's simplex scaling for the groups' relaxations: by each row's and column's largest
#: entry ("max value 0") they solve in about half the time of the default (M's largest group:
#: 7.3 s against 16.0 s, bench/lp_scaling.py); whole numbers keep the default, with which
#: HiGHS's branch and bound did better on S
LP_SCALING, MIP_SCALING = 4, 1
#: ... but not on a group this large (columns): on L's 300-item group (1,488,527 columns) it
#: took 282 s against 181 s with HiGHS's default (1), bench notes, session 12
LP_SCALING_MAX_COLUMNS = 500_000


def item_groups(scenario: Scenario, split_families: bool = False,
                split_sustainment: bool = False) -> list[list[str]]:
    """Items that must be planned together, each group in file order, groups by first item.
    With `split_families`, a family requirement does not join its family's items (its row
    is then priced between the groups: `shared_requirements`); with `split_sustainment`, a
    platform's consumption does not join its munitions (the recipient's stock of each is
    priced between the groups: `fired_across`)."""
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
        if q.family and not split_families:
            union(scenario.family_items(q.family))
    fits: dict[str, list[str]] = {}
    for c in scenario.compatibility:
        fits.setdefault(c.platform, []).append(c.munition)
    for u in scenario.consumption:
        if not split_sustainment:
            union([u.platform, u.munition, *fits.get(u.platform, [])])
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(find(code), []).append(code)
    return list(groups.values())


def groups_of(scenario: Scenario, options: PlanOptions) -> list[list[str]]:
    """The item groups planning by groups plans apart (see `PlanOptions.split_families` and
    `PlanOptions.split_sustainment`)."""
    split = options.split_families == "always" or (
        options.split_families == "auto" and order_columns(scenario) >= AUTO_COLUMNS)
    groups = item_groups(scenario, split)
    if options.split_sustainment == "always" or (
            options.split_sustainment == "auto"
            and largest_order_columns(scenario, groups) >= SPLIT_SUSTAINMENT_COLUMNS):
        groups = item_groups(scenario, split, split_sustainment=True)
    return groups


def largest_order_columns(scenario: Scenario, groups: list[list[str]]) -> int:
    """`order_columns` of the largest of `groups`' models."""
    lines: dict[str, int] = {}
    for ln in scenario.lines:
        lines[ln.item] = lines.get(ln.item, 0) + 1
    most = max((sum(lines.get(i, 0) for i in g) for g in groups), default=0)
    return most * len(scenario.members) * scenario.horizon


class _ItemRows:
    """Where each item's rows are in a scenario's tables, found once: each of L's 2,000 groups
    scanning the whole scenario for its sub-scenario took 66 s of building."""

    TABLES = {"stocks": "item", "pledges": "item", "lines": "item", "fielded": "platform",
              "consumption": "platform", "training": "platform", "compatibility": "platform",
              "price_breaks": "item"}

    def __init__(self, scenario: Scenario) -> None:
        self.rows: dict[str, dict[str, list[int]]] = {}
        for table, key in self.TABLES.items():
            where: dict[str, list[int]] = {}
            for k, row in enumerate(getattr(scenario, table)):
                where.setdefault(getattr(row, key), []).append(k)
            self.rows[table] = where
        self.by_item: dict[str, list[int]] = {}
        self.by_family: dict[str, list[int]] = {}
        for k, q in enumerate(scenario.requirements):
            if q.item:
                self.by_item.setdefault(q.item, []).append(k)
            else:
                self.by_family.setdefault(q.family or "", []).append(k)
        self.family_costs: dict[str, list[float]] = {}
        for it in scenario.items:
            self.family_costs.setdefault(it.family, []).append(it.unit_cost)
        fits: dict[str, list[str]] = {}
        for c in scenario.compatibility:
            fits.setdefault(c.platform, []).append(c.munition)
        #: per consumption row, the munitions it may fire (its own, then compatible ones)
        self.usable = [(u.munition, *fits.get(u.platform, [])) for u in scenario.consumption]
        #: per munition, the consumption rows that may fire it
        self.fired_by: dict[str, list[int]] = {}
        for k, usable in enumerate(self.usable):
            for m in usable:
                self.fired_by.setdefault(m, []).append(k)

    def pick(self, scenario: Scenario, table: str, keys: Iterable[str]) -> tuple[Any, ...]:
        """The rows of `table` of any of `keys`, in the table's order."""
        where = self.rows[table]
        rows = getattr(scenario, table)
        return tuple(rows[k] for k in sorted(k for key in keys for k in where.get(key, ())))


_ITEM_ROWS: dict[int, tuple[weakref.ref[Scenario], _ItemRows]] = {}
_ITEM_ROWS_LOCK = threading.Lock()


def _item_rows(scenario: Scenario) -> _ItemRows:
    """The scenario's `_ItemRows`, found once per scenario object."""
    with _ITEM_ROWS_LOCK:
        hit = _ITEM_ROWS.get(id(scenario))
        if hit is not None and hit[0]() is scenario:
            return hit[1]
        for key in [k for k, (ref, _rows) in _ITEM_ROWS.items() if ref() is None]:
            del _ITEM_ROWS[key]
        found = _ItemRows(scenario)
        _ITEM_ROWS[id(scenario)] = (weakref.ref(scenario), found)
        return found


def fired_across(scenario: Scenario, items: list[str]
                 ) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """The (recipient, munition) pairs the group of `items` fires but other groups plan
    (its platforms', of munitions not among `items`), and those it plans that other groups
    fire: what the group imports and exports of the recipients' stocks when sustainment is
    split (`PlanOptions.split_sustainment`). A platform fires at a recipient the munitions of
    its consumption rows there and those compatible with it (plan/sustain.py)."""
    keep = set(items)
    rows = _item_rows(scenario)
    where = rows.rows["consumption"]
    use = scenario.consumption
    imported = {(use[k].recipient, m) for p in items for k in where.get(p, ())
                for m in rows.usable[k] if m not in keep}
    exported = {(use[k].recipient, m) for m in items for k in rows.fired_by.get(m, ())
                if use[k].platform not in keep}
    return tuple(sorted(imported)), tuple(sorted(exported))


def shared_requirements(scenario: Scenario,
                        items: list[str]) -> tuple[tuple[str, float, float], ...]:
    """The family requirements the group of `items` meets only in part (some of the family's
    items are in other groups), each with the group's part of the family's items and the
    value of one unit of it (the mean unit cost of the whole family's items, as one model
    values it: index._allocations)."""
    rows = _item_rows(scenario)
    mine: dict[str, int] = {}
    for c in items:
        family = scenario.item(c).family
        mine[family] = mine.get(family, 0) + 1
    out = []
    for family, count in mine.items():
        costs = rows.family_costs.get(family, [])
        if count < len(costs):
            for k in rows.by_family.get(family, ()):
                out.append((k, scenario.requirements[k].id, count / len(costs),
                            float(np.mean(costs))))
    return tuple((q, part, value) for _k, q, part, value in sorted(out))


def sub_scenario(scenario: Scenario, items: list[str], fired_apart: bool = False) -> Scenario:
    """The part of a scenario that concerns only `items` (every nation kept); `fired_apart`
    (sustainment split: `fired_across`), its platforms keep their compatible munitions of
    other groups, which they import."""
    keep = set(items)
    rows = _item_rows(scenario)
    families = {scenario.item(c).family for c in items}
    lines = rows.pick(scenario, "lines", items)
    made = {(ln.producer, ln.item) for ln in lines}
    wanted = sorted({k for c in items for k in rows.by_item.get(c, ())}
                    | {k for f in families for k in rows.by_family.get(f, ())})
    return dataclasses.replace(
        scenario,
        items=tuple(i for i in scenario.items if i.code in keep),
        stocks=rows.pick(scenario, "stocks", items),
        compatibility=tuple(c for c in rows.pick(scenario, "compatibility", items)
                            if fired_apart or c.munition in keep),
        requirements=tuple(scenario.requirements[k] for k in wanted),
        pledges=rows.pick(scenario, "pledges", items),
        lines=lines,
        fielded=rows.pick(scenario, "fielded", items),
        consumption=rows.pick(scenario, "consumption", items),
        training=rows.pick(scenario, "training", items),
        price_breaks=tuple(b for b in rows.pick(scenario, "price_breaks", items)
                           if (b.producer, b.item) in made),
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


@dataclasses.dataclass(frozen=True)
class GroupInfo:
    """What the plan by groups needs to know of a group's model, wherever it lives: its
    budget keys (member, year, item), its size and how long it took to build."""

    keys: list[tuple[str, int, str]]
    #: (kind "hub" or "route", code, arrival month) of the transport limits it may use
    carried: list[tuple[str, str, int]]
    columns: int
    rows: int
    items: int
    build_s: float
    #: ids of the requirements it meets in part (`shared_requirements`)
    met: list[str] = dataclasses.field(default_factory=list)
    #: (recipient, munition, month) of the recipients' stocks it takes rounds from or gives
    #: rounds to, planned apart (`fired_across`)
    fed: list[tuple[str, str, int]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class GroupPlan:
    """A group's plan in whole numbers: the plan, its binding candidates, what it spends per
    budget key, how its whole numbers were planned and how long reading it back took."""

    plan: Plan
    binding: list[dict[str, Any]]
    spent: np.ndarray
    whole_by: str
    read_s: float


def _counts_stops(method: Callable[..., Any]) -> Callable[..., Any]:
    """A `_Group` method that runs MIPs: what a time limit stopped while it ran is added to
    the group's `stopped` (`solve.stopped_by_time`, counted per thread: a group's method runs
    in one thread, here or on a Dask worker)."""
    @functools.wraps(method)
    def counted(self: _Group, *args: Any, **kwargs: Any) -> Any:
        before = stopped_by_time()
        try:
            return method(self, *args, **kwargs)
        finally:
            self.stopped += stopped_by_time() - before
    return counted


class _Group:
    """One item group's model, kept alive in HiGHS so that re-pricing it and adding its
    budget shares re-solve from the last basis instead of from scratch. It lives in a thread
    of the planning process or, planned on Dask, in an actor on a worker (`_Groups`): every
    method the plan by groups calls takes and returns small values."""

    def __init__(self, scenario: Scenario, options: PlanOptions, scale: float,
                 items: list[str] | None = None) -> None:
        t0 = time.perf_counter()
        if items is not None:
            imported, exported = fired_across(scenario, items)
            options = dataclasses.replace(
                options, shared_requirements=shared_requirements(scenario, items),
                imported_munitions=imported, exported_munitions=exported)
            scenario = sub_scenario(scenario, items, fired_apart=bool(imported))
        self.scenario = scenario
        self.options = options
        self.built = build_model(scenario, dataclasses.replace(options, budgets=False,
                                                               transport=False), scale=scale)
        #: the offset of its objective (requirements it meets in part: see
        #: requirements.define_requirements), in the objective's units as HiGHS holds it
        self.offset = self.built.model.offset
        # spending per (member, year, item): the group's budget rows. Per item, not per
        # (member, year): with one row per member and year M's relaxations within their
        # shares took 62-168 s, per item a few seconds (bench notes, session 11)
        self.keys: list[tuple[str, int, str]] = list(self.built.info.get("spend_keys", []))
        # ... and its tonnes per (hub or route, month): the group's transport rows, after
        # its budget rows; together its parts (coordinate.Coupling)
        self.carried: list[tuple[str, str, int]] = list(self.built.info["transport_keys"])
        # ... and what it allocates to each requirement it meets in part
        self.met: list[str] = list(self.built.info["shared_keys"])
        # ... and, last, the rounds it takes from or gives to the recipients' stocks of
        # munitions planned apart per (recipient, munition, month) (`fired_across`)
        self.fed: list[tuple[str, str, int]] = list(self.built.info["fired_keys"])
        self.parts = len(self.keys) + len(self.carried) + len(self.met) + len(self.fed)
        n = self.built.model.n_cols

        def wide(a: sp.spmatrix) -> sp.csr_matrix:
            a = sp.csr_matrix(a)
            return sp.csr_matrix((a.data, a.indices, a.indptr), shape=(a.shape[0], n))

        self.spending: sp.csr_matrix | None = (
            sp.vstack([self.built.info.get("item_spend", sp.csr_matrix((0, n))),
                       self.built.info["transport_use"],
                       wide(self.built.info["shared_use"]),
                       wide(self.built.info["fired_use"])]).tocsr()
            if self.parts else None)
        self.cost = self.built.model.column_arrays()[2]
        self.h = self._lp()
        #: whether `h` holds more than its relaxation at some costs: share rows, whole
        #: numbers' held bounds or integrality (`within_shares`, `plan_whole`)
        self.shared_in = False
        self.priced: highspy.HighsBasis | None = None   # the basis of its last pricing
        #: the basis of its first relaxation (prices 0), for a relaxation within shares after
        #: a coordination of one pass (`within_shares`)
        self.unpriced: highspy.HighsBasis | None = None
        #: the basis of its last relaxation within shares, and one to start its next from
        #: (that of the group it replaced: `inherit`)
        self.shared: highspy.HighsBasis | None = None
        self.shared_start: highspy.HighsBasis | None = None
        self.base_rows = self.built.model.n_rows
        self.share = np.zeros(self.parts)
        # budget rows in HiGHS count money in units of the objective's scale: in currency
        # units (up to 5e8 against coefficients near 1 elsewhere) a warm start from the
        # budget-free basis ended "unbounded" on M's largest group and was solved again from
        # scratch, 2.4 times as many iterations
        self.money = scale
        # each part's unit in HiGHS: money as above, tonnes and units as they are
        self.unit = np.concatenate([np.full(len(self.keys), scale),
                                    np.ones(len(self.carried) + len(self.met) + len(self.fed))])
        #: how its whole numbers were planned: "blocks", "pooled" or "mip" (within its
        #: per-item shares); "" while not planned or where it has none
        self.whole_by = ""
        #: its last plan in whole numbers (columns), and that of the group it replaced in a
        #: local re-plan (`inherit`): kept where still feasible and better than a new one
        self.planned_x: np.ndarray | None = None
        self.settled_x: np.ndarray | None = None
        self.previous: np.ndarray | None = None
        #: the columns whose bounds, cost or rows differ from those of the group it replaced
        #: (`inherit`); None where not known
        self.touched: np.ndarray | None = None
        #: simplex iterations of its relaxations since `take_iterations` last asked:
        #: the plan's work in a measure that does not depend on the machine's speed
        self.iterations = 0
        #: searches for its whole numbers a time limit stopped since `take_stopped` last
        #: asked: where any was, the plan depends on the machine's speed
        self.stopped = 0
        #: its plan by blocks from its relaxation and its budget rows pooled per member and
        #: year (rows of the blocks' model), as `by_blocks` left them ...
        self.blocks_made: tuple[KeptBlocks, np.ndarray] | None = None
        #: ... and, where that is its plan, with the plan's solution: kept for `top_up`
        #: until `whole` plans again (a re-plan that keeps the group's plan from before
        #: tops it up from there again)
        self.kept_blocks: tuple[KeptBlocks, np.ndarray, Solution] | None = None
        self.build_s = time.perf_counter() - t0   # building and passing the model

    def _lp(self) -> highspy.Highs:
        """The group's relaxation in a new HiGHS, without budget rows."""
        h = new_highs(self.options)
        # every relaxation must finish: the deadline is kept by stopping budget rounds early
        # and by the whole-number phase's time (see plan_whole)
        h.setOptionValue("time_limit", float("inf"))
        if self.built.model.n_cols < LP_SCALING_MAX_COLUMNS:
            h.setOptionValue("simplex_scale_strategy", LP_SCALING)
        pass_model(h, self.built, integrality=False)
        return h

    def info(self) -> GroupInfo:
        return GroupInfo(self.keys, self.carried, self.built.model.n_cols, self.built.model.n_rows,
                         len(self.scenario.items), self.build_s, self.met, self.fed)

    def first(self) -> Proposal:
        """The relaxation without budgets: the group's first proposal."""
        value, x = self.relax()
        self.priced = self.unpriced = self.h.getBasis()
        return Proposal(value, self.plain_cost(x), self.demand(x))

    def propose(self, part_prices: np.ndarray) -> Proposal:
        """The relaxation with `part_prices` (objective per unit of money) on what each budget
        key spends, solved from the last basis."""
        if self.shared_in:
            self._priceable()
        if self.spending is None:
            return self.first()
        added = np.asarray(self.spending.T @ part_prices)
        value, x = self.price(added)
        self.priced = self.h.getBasis()
        return Proposal(value, self.plain_cost(x), self.demand(x))

    def within_shares(self, share: np.ndarray, priced: bool = True) -> float:
        """The relaxation within `share` of each part, at the model's own costs: from the
        basis of its last pricing, the share rows first at the prices' costs (the basis stays
        dual feasible: dual simplex), then the model's own costs (it stays primal feasible:
        primal simplex). Both at once, on generated M with 4 hubs, the 30-item group took
        6.8 s and the 47-item group 11.9 s; in two steps 0.5 s and 8.2 s, to the same
        objective.

        Not `priced` (the coordination stopped after one pass, at prices so high that its
        last proposal spends next to nothing): from the basis of its first relaxation
        instead, the share rows added basic at the model's own costs (dual simplex). From
        the last pricing the primal simplex travels from spending nothing to the shares:
        generated L's 257-item group ran so for more than 1,890 s after one pass, where its
        first relaxation from scratch took 831 s; generated M, seed 1, one pass at most,
        13.7 s of relaxations within shares against 19.2 s."""
        start, self.shared_start = self.shared_start, None
        if start is not None and (len(start.col_status) != self.built.model.n_cols
                                  or len(start.row_status) != self.base_rows + self.parts):
            start = None
        if start is None and not priced and self.parts and self.unpriced is not None:
            start = highspy.HighsBasis()
            start.col_status = self.unpriced.col_status
            # the share rows basic: the basis stays dual feasible at the model's own costs
            start.row_status = [*self.unpriced.row_status,
                                *[highspy.HighsBasisStatus.kBasic] * self.parts]
            start.valid = True
        if not self.parts or start is not None:
            self.add_budget_rows(share)
            if start is not None:
                # a group rebuilt for a re-plan, from the basis of the group it replaced
                # within its shares: the change and the shares moved only bounds, so that
                # basis stays dual feasible (M seed 1's 60-item group, one more a month on a
                # line: 0.2 s against 1.4 s in two steps from its pricing)
                self.h.setBasis(start)
            value = self.relax()[0]
            self.shared = self.h.getBasis()
            return value
        self.add_budget_rows(share, own_costs=False)
        self.relax()
        n = self.built.model.n_cols
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32), self.cost)
        strategy = int(self.h.getOptions().simplex_strategy)
        self.h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        try:
            value = self.relax()[0]
            self.shared = self.h.getBasis()
            return value
        finally:
            self.h.setOptionValue("simplex_strategy", strategy)

    @_counts_stops
    def whole(self, seconds: float, gap: float, keep: bool = False) -> GroupPlan:
        """Whole numbers within the shares (see `plan_whole`). After, the solver's memory is
        freed, or with `keep` the relaxation is set up again from the basis of its last
        pricing (its shares and whole numbers gone), ready to be priced again warm."""
        self.kept_blocks = self.blocks_made = None
        try:
            sol = self.kept_if_better(self.plan_whole(seconds, gap))
        except InfeasiblePlan as exc:
            raise GroupsFailed(str(exc)) from None
        made, self.blocks_made = self.blocks_made, None
        if made is not None and self.whole_by == "blocks" and sol.x is made[0].plan:
            self.kept_blocks = (*made, sol)
        self.h = None   # type: ignore[assignment]
        if keep:
            self._priceable()
        return self._group_plan(sol)

    def _group_plan(self, sol: Solution) -> GroupPlan:
        """`sol` as the group's plan in whole numbers, its last."""
        self.planned_x = sol.x
        return self._as_plan(sol)

    def _as_plan(self, sol: Solution) -> GroupPlan:
        """`sol` as a plan of the group in whole numbers."""
        t_read = time.perf_counter()
        plan = assign_solution(self.built, sol)
        binding = binding_candidates(self.built, sol)
        spent = self.demand(sol.x)
        return GroupPlan(plan, binding, spent, self.whole_by, time.perf_counter() - t_read)

    @_counts_stops
    def top_up(self, left: np.ndarray, spent: np.ndarray, objective: float,
               seconds: float) -> GroupPlan | None:
        """Its plan by blocks planned again (`KeptBlocks.top_up`) with `left` (per part, the
        budget keys first: what no group spends of the key's member and year) on top of what
        it spends of each member's year: the new plan where it costs less than `objective`
        (the plan the caller holds), else None. It spends at most what it spent plus what was
        left of each; its other shares stay as they were. None too where the caller's plan,
        spending `spent` per part, is not the plan by blocks kept (a re-plan that failed
        after planning the group again left another): what is left was counted with it."""
        if self.kept_blocks is None:
            return None
        kept, rows, sol = self.kept_blocks
        spending = self.demand(sol.x)
        if spending.shape != spent.shape or not np.allclose(spending, spent, rtol=1e-9,
                                                            atol=1e-6):
            return None
        k = len(self.keys)
        names, segment = budget_segments(self.keys)
        room = np.zeros(len(names))
        room[segment] = left[:k]
        pooled = np.bincount(segment, spending[:k], len(names))
        x = kept.top_up(rows, (pooled + room) / self.money, seconds)
        if x is None:
            return None
        value = dot(self.cost, x) + self.offset
        bound = sol.objective - sol.gap * max(1.0, abs(sol.objective))
        new = self._as_plan(dataclasses.replace(sol, x=x, objective=value,
                                                gap=relative_gap(value, bound)))
        if new.plan.objective >= objective - 1e-9 * max(1.0, abs(objective)):
            return None
        self.planned_x = x
        return new

    def shares_and_whole(self, share: np.ndarray, seconds: float, gap: float,
                         keep: bool = False, priced: bool = True
                         ) -> tuple[float, float, GroupPlan | None]:
        """`within_shares`, then `whole`, as one task: a large group's whole numbers need not
        wait for every other group's relaxation (generated M with 4 hubs: its largest
        group's relaxation within shares took 8.8 s, the other 44 groups' 3.1 s together).
        The relaxation's objective, the wall-clock time (time.time) it was solved by, and
        the plan, None where whole numbers have none within the shares (see
        `_plan_without_room`)."""
        relaxed = self.within_shares(share, priced)
        solved = time.time()
        try:
            return relaxed, solved, self.whole(seconds, gap, keep)
        except GroupsFailed:
            return relaxed, solved, None

    def _priceable(self) -> None:
        """Its relaxation without shares set up again, from the basis of its last pricing:
        after whole numbers, or where a relaxation within shares or whole numbers failed and
        left their rows, held bounds and integrality in place (generated M, seed 7: a 1-item
        group without whole numbers within its shares in a coordinated what-if kept its
        share rows, and every later what-if found it infeasible at its first pricing)."""
        self.h = self._lp()
        self.shared_in = False
        if self.priced is not None:
            self.h.setBasis(self.priced)

    def planned(self) -> np.ndarray | None:
        """Its whole plan in the plan a re-plan starts from (`settle`), else its last."""
        return self.settled_x if self.settled_x is not None else self.planned_x

    def settle(self) -> None:
        """Its last whole plan is the one re-plans start from (`GroupPlanner`): a group a
        change leaves alone is planned again when the groups are coordinated again, and a
        later local re-plan must start from the plan before, not from that (M seed 7's
        explanations, one after the other: a group's plan from a coordinated re-plan
        overspent the shares of its local re-plan after, at twice the money in some years)."""
        self.settled_x = self.planned_x

    def inherit(self, x: np.ndarray | None, basis: Basis | None = None,
                shares: Basis | None = None,
                fingerprint: Fingerprint | None = None) -> None:
        """The whole plan of the group this one replaces (see `kept_if_better`), the basis
        of its last pricing (`basis`) to start this one's first solve from where the two
        have the same columns and rows (M seed 1's 60-item group, one more a month on a
        line, solved at the plan's prices from scratch in 3.1 s), and that of its last
        relaxation within shares (`shares`) to start this one's from (`within_shares`).
        Bases come as HiGHS's from a group in this process, as plain numbers from another.
        With its model's `fingerprint`, the columns the change touched are known, and its
        blocks the change leaves alone keep their plan (`by_blocks`)."""
        self.previous = x
        self.touched = (changed_columns(fingerprint, self.fingerprint(), self.built.model)
                        if fingerprint is not None and x is not None else None)
        start = _highs_basis(basis) if basis is not None else None
        if (start is not None and self.h is not None
                and len(start.col_status) == self.h.getNumCol()
                and len(start.row_status) == self.h.getNumRow()):
            self.h.setBasis(start)
            self.priced = self.h.getBasis()
        self.shared_start = _highs_basis(shares) if shares is not None else None

    def fingerprint(self) -> Fingerprint:
        """Its model in brief, to tell which columns a change touched (`changed_columns`):
        per column its bounds, cost, integrality and its matrix column against fixed random
        weights of the rows; per row its bounds and its matrix row against fixed random
        weights of the columns."""
        model = self.built.model
        lower, upper, cost, integer = model.column_arrays()
        a = model.matrix()
        rng = np.random.default_rng(0)
        row_weight, col_weight = rng.random(a.shape[0]), rng.random(a.shape[1])
        row_lo, row_up = model.row_bounds()
        return (np.column_stack([lower, upper, cost, integer, a.T @ row_weight]),
                np.column_stack([row_lo, row_up, a @ col_weight]))

    def basis(self) -> tuple[list[int], list[int]] | None:
        """The basis of its last pricing as plain numbers (it may cross to another
        process), or None."""
        return _plain_basis(self.priced)

    def shares_basis(self) -> tuple[list[int], list[int]] | None:
        """The basis of its last relaxation within shares as plain numbers, or None."""
        return _plain_basis(self.shared)

    def kept_if_better(self, sol: Solution) -> Solution:
        """`sol`, or the plan of the group this one replaced where it is still a plan here
        (every bound and row of this model, its whole numbers whole, what it spends of each
        member's year and of each hub-month within its shares) and costs less: whole numbers
        found afresh may lose more to rounding than the plan before did, and a re-plan after
        a change that only relaxes a limit would then look worse than no change at all."""
        x = self.previous
        model = self.built.model
        if x is None or x.size != model.n_cols:
            return sol
        objective = dot(self.cost, x) + self.offset
        if objective >= sol.objective - 1e-9 * max(1.0, abs(sol.objective)):
            return sol
        lower, upper, _cost, integer = model.column_arrays()
        tol = 1e-6
        if not holds(x, lower, upper, integer, model.matrix() @ x, *model.row_bounds(), tol,
                     whole_tol=1e-9):
            return sol
        if self.parts:
            use = self.demand(x)
            k = len(self.keys)
            _names, segment = budget_segments(self.keys)
            pooled_use = np.bincount(segment, use[:k], segment.max(initial=-1) + 1)
            pooled_share = np.bincount(segment, self.share[:k], segment.max(initial=-1) + 1)
            if ((pooled_use > pooled_share + tol * np.maximum(1.0, pooled_share)).any()
                    or (use[k:] > self.share[k:] + tol * np.maximum(1.0, self.share[k:])).any()):
                return sol
        bound = sol.objective - sol.gap * max(1.0, abs(sol.objective))
        return dataclasses.replace(sol, x=x, objective=objective,
                                   gap=relative_gap(objective, bound))

    @_counts_stops
    def again(self, share: np.ndarray, gap: float) -> GroupPlan | None:
        """The group planned again from scratch within `share` of each budget key (money
        whole numbers left elsewhere); None where it has no plan in time."""
        again = _Group(self.scenario, self.options, self.built.scale)
        again.add_budget_rows(share)
        try:
            again.relax()
            return again.whole(MIN_GROUP_SECONDS, gap)
        except (GroupsFailed, InfeasiblePlan, NoPlanInTime):
            return None

    def relax(self) -> tuple[float, np.ndarray]:
        """Solve the LP relaxation as it stands; its objective and column values."""
        self.h.run()
        self.iterations += int(self.h.getInfo().simplex_iteration_count)
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self.h.clearSolver()     # a warm start gone wrong: once more from scratch
            self.h.run()
            self.iterations += int(self.h.getInfo().simplex_iteration_count)
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise GroupsFailed(self.h.modelStatusToString(self.h.getModelStatus()))
        return (float(self.h.getInfo().objective_function_value) * self.built.scale,
                np.asarray(self.h.getSolution().col_value))

    def take_iterations(self) -> int:
        """Its relaxations' simplex iterations since last asked (see `iterations`)."""
        taken, self.iterations = self.iterations, 0
        return taken

    def take_stopped(self) -> int:
        """Its searches a time limit stopped since last asked (see `stopped`)."""
        taken, self.stopped = self.stopped, 0
        return taken

    def spend(self) -> sp.csr_matrix:
        """Each part's use in HiGHS's units (`unit`): spending of each (member, year, item)
        key in units of `money`, tonnes of each transport key."""
        assert self.spending is not None
        return (sp.diags(1.0 / self.unit) @ self.spending).tocsr()

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
        return (dot(self.cost, x) + self.offset) * self.built.scale

    def add_budget_rows(self, share: np.ndarray, own_costs: bool = True) -> None:
        """One row per part (a (member, year, item) this group may spend on, a hub's or
        route's month it may ship in), at most its share; with `own_costs`, the costs back
        to the model's own."""
        n = self.built.model.n_cols
        self.shared_in = True
        if own_costs:
            self.h.changeColsCost(n, np.arange(n, dtype=np.int32), self.cost)
        if not self.parts:
            return
        self.share = share.copy()
        a = self.spend()
        self.h.addRows(self.parts, np.full(self.parts, -np.inf), share / self.unit,
                       int(a.nnz), a.indptr[:-1].astype(np.int32),
                       a.indices.astype(np.int32), a.data)

    def set_shares(self, share: np.ndarray) -> None:
        if self.parts:
            self.share = share.copy()
            n = self.parts
            rows = np.arange(self.base_rows, self.base_rows + n, dtype=np.int32)
            self.h.changeRowsBounds(n, rows, np.full(n, -np.inf), share / self.unit)  # type: ignore[attr-defined]

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
        blocks_plan: Solution | None = None
        if self.built.model.n_cols >= self.options.split_columns:
            by_blocks = self.by_blocks(relaxed, duals, gap, seconds)
            # a local re-plan from the plan before keeps its blocks' plan: a change that
            # touches one block leaves the others as they were
            local = (self.previous is not None
                     and self.previous.size == self.built.model.n_cols)
            if by_blocks is not None:
                if by_blocks.gap <= BLOCKS_LOSS or local:
                    self.whole_by = "blocks"
                    return by_blocks
                blocks_plan = by_blocks     # sought once more pooled, the cheaper kept
            # a group this large as one MIP improves its plan for as long as it may: M seed 1,
            # families priced apart, a member's budget a tenth higher, the 34-item group's
            # blocks had no plan and its MIP ran 235 s of a 600 s limit, the other core idle,
            # for a plan gap of 0.34 % where 20 s gave 0.38 %
            seconds = min(seconds, MIP_AFTER_BLOCKS_SECONDS)
        n = len(integer)
        self.h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), integer.astype(np.uint8))
        pool_seconds = max(MIN_GROUP_SECONDS, POOL_PART * seconds)
        if blocks_plan is not None:
            pool_seconds = min(pool_seconds, BLOCKS_RESCUE_SECONDS)
        pooled = self.pooled(integer, relaxed, duals, pool_seconds)
        if pooled is not None:
            pooled = exactly_whole(self.h, self.built, pooled, self.options.whole_noise)
            if blocks_plan is not None and blocks_plan.objective <= pooled.objective:
                self.whole_by = "blocks"
                return blocks_plan
            self.whole_by = "pooled"
            return pooled
        if blocks_plan is not None:
            self.whole_by = "blocks"
            return blocks_plan
        self.h.changeColsBounds(n, np.arange(n, dtype=np.int32), lower, upper)
        left = max(MIN_GROUP_SECONDS, seconds - (time.perf_counter() - begun))
        limit_mip(self.h, left)
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
        extra, cap = self.pool_shares(self.options.pool_margin, relaxed[1])
        held = hold_whole_values(self.h, integer, relaxed[1])
        begun = time.perf_counter()
        limit_mip(self.h, seconds)
        run_counted(self.h)
        # as in solve_guided, a plan far above the relaxation is sought again with only its
        # zeros held, and in a group small enough with none held: the few columns the held
        # values free may have no good completion (generated M, seed 7, a 1-item group
        # whose line made one more a month no longer met its expansion's commitment: 40 %
        # above its relaxation with its whole values held, 27 % with none). Only from a plan
        # found: with none, the MIP within per-item shares follows. Only within the seconds
        # given, not once more as long: a MIP overruns its time limit where HiGHS does not
        # look at the clock (generated M, seed 7, on m14: the 39,827-column group's rescue
        # ran its 5 s with its whole values held, then 46 s with its zeros held, 44 of them
        # in the root's central rounding, for the same plan)
        left = seconds - (time.perf_counter() - begun)
        if self.h.getSolution().value_valid and left > 0:
            lower, upper, _cost, _integer = self.built.model.column_arrays()
            release_used(self.h, held, relaxed[1], lower, upper, relaxed[0],
                         zeros=self.built.model.n_cols < self.options.split_columns,
                         improve_seconds=left)
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
        the blocks after it; where they have no plan, once more from a relaxation that
        leaves them room (`_blocks_with_room`). The plan, or None; either way with `h`'s rows
        and bounds as they were (a plan far above the relaxation is sought once more pooled:
        `plan_whole`)."""
        extra, cap = self.pool_shares(0.0) if self.keys else (np.zeros(0, np.int32), None)
        # its transport shares join blocks too: the items of a group share a hub's month
        carried = np.arange(self.base_rows + len(self.keys), self.base_rows + self.parts,
                            dtype=np.int32)
        previous = (self.previous if self.previous is not None
                    and self.previous.size == self.built.model.n_cols else None)
        coupling = np.concatenate([extra, carried])
        begun = time.perf_counter()
        kept: list[KeptBlocks] = []
        whole = whole_by_blocks(self.h, self.built, relaxed[1], gap, seconds, self.options,
                                coupling=coupling, margin=self.options.pool_margin,
                                previous=previous,
                                touched=self.touched if previous is not None else None,
                                kept=kept if self.keys else None)
        made = kept[0] if kept and whole is kept[0].plan else None
        if whole is None and cap is not None:
            whole = self._blocks_with_room(extra, coupling, gap,
                                           seconds - (time.perf_counter() - begun))
        if cap is not None:
            self.unpool(extra)
        if whole is None:
            return None
        objective = dot(self.built.model.column_arrays()[2], whole) + self.offset
        gap_found = relative_gap(objective, relaxed[0])
        # kept to be planned again with more money where it lost more than its gap (within
        # it, the blocks' model need not stay in memory)
        self.blocks_made = (made, extra) if made is not None and gap_found > gap else None
        return Solution("optimal" if gap_found <= gap else "feasible", objective, whole,
                        duals["row"], duals["col"], True, gap_found)

    def _blocks_with_room(self, extra: np.ndarray, coupling: np.ndarray, gap: float,
                          seconds: float) -> np.ndarray | None:
        """Blocks once more (see `by_blocks`, whose pooled rows `extra` are in place), from
        the group's relaxation within BLOCK_ROOM less than each of its shares: held at a
        relaxation that spends all of a member's year, a block whose whole values must spend
        a hair more than its own relaxation did has no plan (generated M, seed 1, a member's
        budget a tenth higher: a block of the 34-item group 1.2e-5 over a pooled row of 951
        with every whole value as the relaxation had it, and the group's MIP after it took
        59 s, where blocks take 2 s). From the relaxation's basis within the shares (dual
        simplex): pooled, it moved money between items and took 12 s. The plan, or None
        with the pooled rows in place."""
        share = self.share.copy()
        self.unpool(extra)
        self.set_shares(share * (1.0 - BLOCK_ROOM))
        try:
            x = self.relax()[1]
        except GroupsFailed:
            return None
        finally:
            self.set_shares(share)
            self.pool_shares(0.0)
        return whole_by_blocks(self.h, self.built, x, gap, max(MIN_BLOCK_SECONDS, seconds),
                               self.options, coupling=coupling,
                               margin=self.options.pool_margin)

    def pool_shares(self, margin: float, x: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Replace the per-item budget rows by one row per (member, year), at most the sum of
        its items' shares less `margin` (relative), but never less than the columns `x`
        spend of it where that is within the cap, until `unpool` or a caller raises the rows
        (returned) to their caps (returned)."""
        k = len(self.keys)
        names, segment = budget_segments(self.keys)
        pool = sp.csr_matrix((np.ones(k), (segment, np.arange(k))), shape=(len(names), k))
        a = (pool @ self.spend()[:k]).tocsr()
        rows = np.arange(self.base_rows, self.base_rows + k, dtype=np.int32)
        self.h.changeRowsBounds(k, rows, np.full(k, -np.inf), np.full(k, np.inf))  # type: ignore[attr-defined]
        cap = pool @ self.share[:k] / self.money
        # after its per-part rows (budget keys, then transport keys, which stay)
        first = self.base_rows + self.parts
        extra = np.arange(first, first + len(names), dtype=np.int32)
        # a little below the cap for whole numbers, whose rows hold only to HiGHS's
        # tolerance, so that the plan made exactly whole after it (exactly_whole) is within
        # the cap itself
        up = cap * (1.0 - margin)
        if x is not None:
            # ... but never below what the relaxation the whole numbers start from spends
            # (as blocks are held: blocks._Matrix._solve): a relaxation that spends its whole
            # share, its values whole, is a plan whose whole values held, and with the margin
            # none was (generated M, seed 1: 116 of 137 groups' pooled MIPs infeasible at
            # once, each then planned within per-item shares, to a plan 0.05 % dearer)
            up = np.maximum(up, np.minimum(cap, a @ x))
        self.h.addRows(a.shape[0], np.full(a.shape[0], -np.inf), up, int(a.nnz),
                       a.indptr[:-1].astype(np.int32), a.indices.astype(np.int32), a.data)
        return extra, cap

    def unpool(self, extra: np.ndarray) -> None:
        """Back to per-item budget rows after `pool_shares`."""
        self.h.deleteRows(int(extra.size), extra)
        self.set_shares(self.share)


#: a basis as HiGHS holds it, or as plain numbers (column statuses, row statuses)
Basis = highspy.HighsBasis | tuple[list[int], list[int]]
#: a group's model in brief (`_Group.fingerprint`): per column, per row
Fingerprint = tuple[np.ndarray, np.ndarray]


def changed_columns(before: Fingerprint, after: Fingerprint, model: Model) -> np.ndarray | None:
    """Which columns of `model` (whose fingerprint is `after`) a change touched since
    `before`: those whose bounds, cost, integrality or matrix column differ, and every column
    of a row whose bounds or matrix row differ; None where the two differ in shape."""
    (cols_before, rows_before), (cols_after, rows_after) = before, after
    if cols_before.shape != cols_after.shape or rows_before.shape != rows_after.shape:
        return None
    touched = (cols_before != cols_after).any(axis=1)
    rows = np.flatnonzero((rows_before != rows_after).any(axis=1))
    if rows.size:
        touched[np.unique(model.matrix().tocsr()[rows].indices)] = True
    return touched


def _plain_basis(basis: highspy.HighsBasis | None) -> tuple[list[int], list[int]] | None:
    """A basis as plain numbers, to cross to another process; None if there is none."""
    if basis is None or not basis.valid:
        return None
    return [int(v) for v in basis.col_status], [int(v) for v in basis.row_status]


def _highs_basis(plain: Basis) -> highspy.HighsBasis:
    """The basis `_plain_basis` made plain (one of HiGHS's as it is: converting one of M's
    largest group there and back takes a tenth of a second)."""
    if isinstance(plain, highspy.HighsBasis):
        return plain
    basis = highspy.HighsBasis()
    basis.col_status = [highspy.HighsBasisStatus(v) for v in plain[0]]
    basis.row_status = [highspy.HighsBasisStatus(v) for v in plain[1]]
    basis.valid = True
    return basis


def plan_by_groups(scenario: Scenario, options: PlanOptions, report: Progress,
                   parts: list[list[str]] | None = None) -> Plan:
    """Plan each item group (`parts`, else `item_groups(scenario)`) within its shares of the
    budgets; merge the group plans. The groups' models live in threads of this process, or in
    actors on the workers of the Dask scheduler `options.scheduler` (planning/on_dask.py).
    GroupsFailed where a group could not live within its shares and the scenario may be
    planned as one model instead; else InfeasiblePlan."""
    with GroupPlanner(scenario, options, report, parts, keep=False) as planner:
        return planner.plan


def _groups_failed(scenario: Scenario, options: PlanOptions, exc: GroupsFailed) -> Exception:
    if order_columns(scenario) < options.one_model_max_columns:
        return exc
    return InfeasiblePlan([f"an item group could not be planned within its share of the "
                           f"budgets or of the hubs' and routes' tonnes ({exc}), and the "
                           f"scenario is too large to plan as one model; check committed "
                           f"pledges against members' budgets, hubs and routes"])


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


class Groups:
    """Where the groups' models live and how their methods are called: `create` builds one
    `_Group` per part of the items; `call(method, which, args)` calls `method` of each group
    in `which` with its `args`, at once as far as the cores allow, results in `which`'s order.
    The plan is the same, value for value, wherever they live."""

    def create(self, scenario: Scenario, options: PlanOptions, scale: float,
               parts: list[list[str]]) -> None:
        raise NotImplementedError

    def call(self, method: str, which: list[int], args: list[tuple[Any, ...]],
             report: Callable[[int], None] = lambda done: None) -> list[Any]:
        raise NotImplementedError

    def replace(self, which: list[int], scenario: Scenario, options: PlanOptions,
                scale: float, parts: list[list[str]]) -> list[Any]:
        """Build the groups `which` afresh (items `parts`) from `scenario`; the groups they
        replace, for `put_back`."""
        raise NotImplementedError

    def put_back(self, which: list[int], old: list[Any]) -> None:
        """The groups `replace` replaced, back in their places."""
        raise NotImplementedError

    def inherit(self, which: list[int], old: list[Any]) -> None:
        """Give each new group `which[j]` the whole plan of `old[j]`, the group it replaced
        (`_Group.kept_if_better`), and the bases of its last pricing and of its last
        relaxation within shares."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the groups' models."""


class ThreadGroups(Groups):
    """The groups in this process, their solves in threads (HiGHS releases the GIL while it
    solves, so that they run on every core at once)."""

    def __init__(self, workers: int) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.groups: list[_Group | None] = []
        #: the items of each group not built yet, and how to build one
        self._unbuilt: dict[int, list[str]] = {}
        self._build: Callable[[list[str]], _Group] | None = None

    def create(self, scenario: Scenario, options: PlanOptions, scale: float,
               parts: list[list[str]]) -> None:
        # each group is built in the task of its first call: building a model is Python,
        # which holds the GIL, and HiGHS releases it while it solves, so that groups are
        # built while others solve (generated M, seed 1: its 135 groups took 0.51 s to build
        # in one thread, 0.67 s in two, before any solved)
        self._build = lambda items: _Group(scenario, options, scale, items)
        self._unbuilt = dict(enumerate(parts))
        self.groups = [None] * len(parts)

    def _group(self, k: int) -> _Group:
        """Group k, built first if it is not yet (in the calling thread)."""
        items = self._unbuilt.pop(k, None)
        if items is not None:
            assert self._build is not None
            self.groups[k] = self._build(items)
        group = self.groups[k]
        assert group is not None
        return group

    def _size(self, k: int) -> float:
        """Group k's columns, or where it is not built yet its items (all are, or none)."""
        group = self.groups[k]
        return group.built.model.n_cols if group is not None else len(self._unbuilt[k])

    def call(self, method: str, which: list[int], args: list[tuple[Any, ...]],
             report: Callable[[int], None] = lambda done: None) -> list[Any]:
        calls = list(zip(which, args, strict=True))
        return _in_order(self.pool, lambda c: getattr(self._group(c[0]), method)(*c[1]), calls,
                         report, size=lambda c: self._size(c[0]))

    def replace(self, which: list[int], scenario: Scenario, options: PlanOptions,
                scale: float, parts: list[list[str]]) -> list[Any]:
        old = [self.groups[k] for k in which]
        new = _in_order(self.pool, lambda items: _Group(scenario, options, scale, items),
                        parts, lambda done: None, size=len)
        for k, g in zip(which, new, strict=True):
            self.groups[k] = g
        return old

    def put_back(self, which: list[int], old: list[Any]) -> None:
        for k, g in zip(which, old, strict=True):
            self.groups[k] = g

    def inherit(self, which: list[int], old: list[Any]) -> None:
        for k, g in zip(which, old, strict=True):
            # in this process: HiGHS's bases as they are, not made plain and back
            self._group(k).inherit(g.planned(), g.priced, g.shared, g.fingerprint())

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
        self.groups, self._unbuilt = [], {}


def _groups_view(scenario: Scenario) -> Scenario:
    """The scenario as the groups' models see it: budgets and hubs' and routes' capacities
    only as limited or not (their values are the coupling's)."""
    def limited(value: float | None) -> float | None:
        return None if value is None else 0.0
    return dataclasses.replace(
        scenario,
        nations=tuple(dataclasses.replace(n, annual_budget=limited(n.annual_budget))
                      for n in scenario.nations),
        hubs=tuple(dataclasses.replace(h, capacity_tonnes=limited(h.capacity_tonnes))
                   for h in scenario.hubs),
        routes=tuple(dataclasses.replace(r, capacity_tonnes=limited(r.capacity_tonnes))
                     for r in scenario.routes))


def budget_coupling(keys: list[list[tuple[str, int, str]]],
                    budget: dict[str, float]) -> Coupling:
    """Members' budgets per year as coupling rows; each group's parts are its budget keys
    (member, year, item): what it spends on each, from its orders and its shares of
    expansion."""
    names = sorted({(b, y) for group in keys for b, y, _ in group})
    row = {name: r for r, name in enumerate(names)}
    return Coupling("budget", list(names), np.array([budget[b] for b, _ in names], float),
                    [np.array([row[(b, y)] for b, y, _ in group], np.int64) for group in keys])


@dataclasses.dataclass
class _Outcome:
    """One plan by groups as it was made: what planning again warm starts from."""

    scenario: Scenario
    first: list[Proposal]
    info: list[GroupInfo]
    coupling: Coupling
    coordinated: Coordinated
    lp_objective: np.ndarray
    plans: list[GroupPlan]      # each group's plan within its shares (before leftovers)
    final: list[GroupPlan]      # ... and after
    plan: Plan                  # the merged plan
    #: per group, the searches a time limit stopped in making its plan in `final`; and
    #: whether time stopped what all the plans share (coordination, leftovers)
    stops: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, np.int64))
    shared_stopped: bool = False


class GroupPlanner:
    """A plan by item groups (`plan`), and with `keep` the groups' models kept so that the
    scenario changed a little is planned again warm (`replan`, issue 19): only the groups
    the change touches are built and solved afresh; coordination resumes from the proposals
    of the others and from the prices of the plan before; a group whose share of every budget
    comes out as before keeps its plan."""

    def __init__(self, scenario: Scenario, options: PlanOptions, report: Progress,
                 parts: list[list[str]] | None = None, keep: bool = True) -> None:
        t0 = time.perf_counter()
        # for the whole scenario: each group's model sees only its own pledges
        check_pledges_carriable(scenario)
        self.options = options
        self.keep = keep
        #: see LOCAL_GAP; below 0, every re-plan coordinates the groups again
        self.local_gap = LOCAL_GAP
        self.parts = groups_of(scenario, options) if parts is None else parts
        self.scale = value_scale(scenario)
        self.groups: Groups
        if options.scheduler:
            from replenish.planning.on_dask import DaskGroups
            self.groups = DaskGroups(options.scheduler, options.scheduler_timeout)
        else:
            self.groups = ThreadGroups(_workers(options))
        try:
            report("building the item groups' models", 0.02)
            self.groups.create(scenario, options, self.scale, self.parts)
            base = self._plan(scenario, report, t0, None, [])
            assert base is not None     # a plan from scratch always has its outcome
            self.base = base
            if keep:
                every = list(range(len(self.parts)))
                self.groups.call("settle", every, [()] * len(every))
        except GroupsFailed as exc:
            self.close()
            raise _groups_failed(scenario, options, exc) from None
        except BaseException:
            self.close()
            raise
        self.plan = self.base.plan

    def __enter__(self) -> GroupPlanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.groups.close()

    def replan(self, changed: Scenario, report: Progress = lambda step, f: None) -> Plan:
        """The plan of `changed`, warm from this plan where the change leaves the item groups,
        the objective's scale and the budget rows as they were; else planned afresh. The
        groups are left as this plan's, ready for the next change."""
        t0 = time.perf_counter()
        check_pledges_carriable(changed)     # a what-if of a hub builds no group at all
        base = self.base
        same = (groups_of(changed, self.options) == self.parts
                and value_scale(changed) == self.scale
                and changed.settings == base.scenario.settings)
        if not same:
            return plan_by_groups(changed, self.options, report)
        # budgets and transport limits live in the coupling, not in the groups' models: a
        # change to one rebuilds no group
        now, before = _groups_view(changed), _groups_view(base.scenario)
        # (with sustainment split, a group's model also sees its platforms' munitions in
        # other groups and the platforms of other groups firing its own: `fired_across`)
        touched = [k for k, items in enumerate(self.parts)
                   if sub_scenario(now, items) != sub_scenario(before, items)
                   or fired_across(now, items) != fired_across(before, items)
                   or (fired_across(now, items)[0]
                       and sub_scenario(now, items, True) != sub_scenario(before, items, True))]
        old = self.groups.replace(touched, changed, self.options, self.scale,
                                  [self.parts[k] for k in touched])
        try:
            self.groups.inherit(touched, old)
            try:
                local = self._local(changed, touched, report, t0)
            except GroupsFailed:
                # a touched group could not live within what it had: coordinate again, its
                # model afresh
                local = None
                self.groups.replace(touched, changed, self.options, self.scale,
                                    [self.parts[k] for k in touched])
            if local is not None:
                return local
            outcome = self._plan(changed, report, t0, base, touched)
        except GroupsFailed as exc:
            raise _groups_failed(changed, self.options, exc) from None
        finally:
            self.groups.put_back(touched, old)
        return outcome.plan if outcome is not None else plan_by_groups(changed, self.options,
                                                                        report)

    def _local(self, changed: Scenario, touched: list[int], report: Progress,
               t0: float) -> Plan | None:
        """The plan of `changed` with only the groups `touched` planned again, every other
        group's plan kept: each touched group within what it spent in the plan before plus
        what no group spent of each coupling row (see `_local_shares`). Its bound is the
        plan's prices' Lagrangian bound, the touched groups solved at them, valid whatever the
        plan. None where the change moved a coupling limit or a touched group's parts, where
        the touched groups' whole numbers end worse than before where their relaxation is no
        worse, or lose more against their relaxations than they did in the plan before and
        end worse than before, or where the plan so made is farther from its bound than both
        LOCAL_GAP and the plan before: then the groups are coordinated again."""
        base, options = self.base, self.options
        if self.local_gap < 0:
            return None
        _stopped_each(self.groups, len(base.info))     # what an earlier re-plan left
        info = list(base.info)
        for k, i in zip(touched, self.groups.call("info", touched, [()] * len(touched)),
                        strict=True):
            if (i.keys, i.carried, i.met, i.fed) != (info[k].keys, info[k].carried,
                                                    info[k].met, info[k].fed):
                return None
            info[k] = i
        budgets, transport, coupling = _couplings(changed, info)
        if (coupling.names != base.coupling.names
                or not np.array_equal(coupling.limit, base.coupling.limit)
                or len(base.coordinated.values) != len(info)):
            return None
        report("planning the changed item groups again within what they had", 0.3)
        prices = base.coordinated.prices
        proposals: list[Proposal] = self.groups.call(
            "propose", touched, [(coupling.part_prices(k, prices),) for k in touched])
        values = base.coordinated.values.copy()
        for k, proposal in zip(touched, proposals, strict=True):
            values[k] = proposal.value
        # the touched groups' optimum at the same prices as before: worse, the change hurts
        hurt = bool(values[touched].sum() > base.coordinated.values[touched].sum()
                    + 1e-9 * abs(base.coordinated.values[touched].sum()))
        bound = float(values.sum() - prices @ coupling.limit)
        shares = _local_shares(coupling, base.final, base.coordinated.shares, touched, proposals,
                               options.pool_margin)
        lp_objective = base.lp_objective.copy()
        lp_objective[touched] = self.groups.call("within_shares", touched,
                                                 [(shares[k],) for k in touched])
        columns = np.array([i.columns for i in info], float)
        left = max(1.0, t0 + options.time_limit - time.perf_counter()) * _workers(options)
        gap_of_group = _group_gap(options, bool(coupling.names))
        made: list[GroupPlan] = self.groups.call(
            "whole", touched,
            [(max(MIN_GROUP_SECONDS, left * columns[k] / columns.sum()), gap_of_group, True)
             for k in touched])
        # Before: the plans within the coordinated shares, before leftovers, of which
        # `base.lp_objective` are the relaxations
        if not local_plan_holds(sum(p.plan.objective for p in made),
                                float(lp_objective[touched].sum()),
                                sum(base.final[k].plan.objective for k in touched),
                                sum(base.lp_objective[k] for k in touched),
                                sum(base.plans[k].plan.objective for k in touched),
                                GROUP_MIP_GAP, hurt):
            return None
        final = list(base.final)
        for k, p in zip(touched, made, strict=True):
            final[k] = p
        kept = base.plan.extra["model"]["decomposition"]
        plan = _merged_plan(changed, final, info, budgets, transport, prices, bound,
                            lp_objective, {"price_passes": 0, "price_history": [],
                                           "coordinated_relaxation": None,
                                           "simplex_iterations": _iterations(
                                               self.groups, len(info))},
                            kept["replanned_with_leftovers"],
                            # the plan before's groups the change left alone are in it, and
                            # the touched ones were planned within its shares
                            _local_stopped(base, touched, _stopped_each(self.groups,
                                                                        len(info))))
        if plan.extra["model"]["relaxation_gap"] > max(
                self.local_gap, base.plan.extra["model"]["relaxation_gap"]):
            return None
        plan.extra["model"]["decomposition"]["warm"] = {
            "groups_rebuilt": len(touched), "groups_planned_again": len(touched),
            "coordinated": False}
        build_s = sum(info[k].build_s for k in touched)
        read_s = sum(p.read_s for p in made)
        plan.timings.update(build=build_s, solve=time.perf_counter() - t0 - build_s - read_s,
                            read_back=read_s, bound=0.0, coordinate=0.0, shares=0.0)
        return plan

    def _plan(self, scenario: Scenario, report: Progress, t0: float, base: _Outcome | None,
              touched: list[int]) -> _Outcome | None:
        """Plan `scenario` from scratch (`base` None) or warm from `base` with the groups
        `touched` built afresh; None where the change moved the budget rows."""
        options, groups, parts = self.options, self.groups, self.parts
        deadline = t0 + options.time_limit
        n = len(parts)
        every = list(range(n))
        fresh = every if base is None else touched
        if base is not None:
            _stopped_each(groups, n)     # what an earlier re-plan left uncounted
        proposals: list[Proposal] = groups.call("first", fresh, [()] * len(fresh),
                                                lambda done: report(
            f"bound {done}/{len(fresh)}", 0.05 + 0.25 * done / max(1, len(fresh))))
        built: list[GroupInfo] = groups.call("info", fresh, [()] * len(fresh))
        first, info = list(proposals), list(built)
        if base is not None:        # the groups the change left alone as they were
            first, info = list(base.first), list(base.info)
            for k, proposal, i in zip(fresh, proposals, built, strict=True):
                first[k], info[k] = proposal, i
        columns = np.array([i.columns for i in info], float)
        budgets, transport, coupling = _couplings(scenario, info)
        warm = None
        if base is not None:
            if coupling.names != base.coupling.names:
                return None
            kept = set(touched)
            columns_kept = [(g, p) for g, p in base.coordinated.columns if g not in kept]
            # a group built afresh proposes, first, what it would plan at prices so high that
            # it spends nothing it need not: with it the master holds every budget at once, as
            # after the ladder's first rung planning from scratch (without it, on M, the master
            # overused some budget for passes on end and a re-plan was worse than a cold one)
            unit = max(1.0, OBJECTIVE_UNIT * abs(sum(p.value for p in first)))
            high = [coupling.part_prices(k, FIRST_PRICES[0] * unit / coupling.scales(unit))
                    for k in touched]
            columns_kept += list(zip(touched, groups.call("propose", touched, [
                (p,) for p in high]), strict=True))
            warm = WarmStart(columns_kept, base.coordinated.prices)
        t_bound = time.perf_counter()
        # hubs' and routes' months join the master as they fill (see coordinate)
        # ... and so do the recipients' munition stocks priced apart, after them
        at = np.arange(len(coupling.names))
        met = len({q for i in info for q in i.met})
        lazy = (((at >= len(budgets.names)) & (at < len(budgets.names) + len(transport.names)))
                | (at >= len(budgets.names) + len(transport.names) + met)
                if transport.names or any(i.fed for i in info) else None)
        coordinated = _coordinate(groups, coupling, first, options,
                                  t_bound + SHARE_TIME * max(0.0, deadline - t_bound), report,
                                  warm, lazy)
        t_coordinated = time.perf_counter()
        # a group the change left alone whose shares come out as before keeps its plan
        again = [k for k in every if base is None or k in touched
                 or not np.allclose(coordinated.shares[k], base.coordinated.shares[k],
                                    rtol=1e-9, atol=1e-6)]
        lp_objective = (base.lp_objective.copy() if base is not None else np.zeros(n))
        # each group may use its part (by size) of the time left for its relaxation within
        # its shares and its whole numbers, one task (`_Group.shares_and_whole`)
        left = max(1.0, deadline - time.perf_counter()) * _workers(options)
        coupled = bool(coupling.names)
        gap_of_group = _group_gap(options, coupled)
        wall = time.time()
        # after one pass, the last prices are the ladder's first, so high that each group's
        # last proposal spends next to nothing (see within_shares); later rungs are fine
        # from their bases (generated M, seed 1, 2 and 3 passes at most: 3.1 and 2.6 s of
        # relaxations within shares so, 10.3 and 11.6 s from the first relaxations' bases)
        priced = base is not None or coordinated.passes > 1
        done_again: list[tuple[float, float, GroupPlan | None]] = groups.call(
            "shares_and_whole", again,
            [(coordinated.shares[k], max(MIN_GROUP_SECONDS, left * columns[k] / columns.sum()),
              gap_of_group, self.keep, priced) for k in again],
            lambda done: report(f"whole numbers {done}/{len(again)}",
                                0.45 + 0.45 * done / max(1, len(again))))
        made = [p for _relaxed, _solved, p in done_again]
        lp_objective[again] = [relaxed for relaxed, _solved, _p in done_again]
        # shares: until the last relaxation within its shares was solved
        t_share = t_coordinated + max((solved - wall for _r, solved, _p in done_again),
                                      default=0.0)
        planned: list[GroupPlan | None] = list(made) if base is None else list(base.plans)
        if base is not None:
            for k, p in zip(again, made, strict=True):
                planned[k] = p
        missing = [k for k, p in enumerate(planned) if p is None]
        if missing:
            report("planning again what had no whole numbers within its shares", 0.9)
            _plan_without_room(groups, planned, missing, coordinated.shares, coupling,
                               gap_of_group, options)
        plans = [p for p in planned if p is not None]
        replanned, leftovers_stopped = 0, False
        if coupled:
            report("spending what whole numbers left", 0.9)
            final = list(plans)
            replanned, leftovers_stopped = _spend_leftovers(
                groups, info, final, lp_objective, coupling.part_rows, coupling.limit,
                gap_of_group, deadline, options)
        else:
            final = plans
        kept_before = (base is not None and not touched and loosened_only(coupling, base.coupling)
                       and sum(p.plan.objective for p in final)
                       > sum(p.plan.objective for p in base.final))
        if kept_before:
            assert base is not None
            # a change that only raised limits leaves the plan before a plan, and a re-plan
            # dearer than it (its whole numbers, the coordination's noise) is not what the
            # change does: on M seed 1, N01's budget a tenth higher read 0.04 % dearer
            final, lp_objective = list(base.final), base.lp_objective.copy()
            replanned = int(base.plan.extra["model"]["decomposition"]["replanned_with_leftovers"])
        coordination = {
            "price_passes": coordinated.passes,
            # seconds, combined relaxation and bound after each pass
            "price_history": [[round(t, 2), round(m, 1) if np.isfinite(m) else None,
                               round(b, 1)] for t, m, b in coordinated.history],
            "coordinated_relaxation": (round(coordinated.master, 4)
                                       if np.isfinite(coordinated.master) else None),
            "simplex_iterations": _iterations(groups, n)}
        # what a time limit stopped: in making each group's plan (a group whose plan is the
        # plan before's carries what stopped there), and in what all plans share
        stops = np.asarray(_stopped_each(groups, n), np.int64)
        shared_stopped = coordinated.stopped or leftovers_stopped
        if base is not None:
            kept_plans = every if kept_before else sorted(set(every) - set(again))
            if kept_before:
                stops = base.stops.copy()
            else:
                stops[kept_plans] += base.stops[kept_plans]
            # plans made within the shares of the coordination before
            shared_stopped = shared_stopped or (bool(kept_plans) and base.shared_stopped)
        stopped = int(stops.sum()) + int(shared_stopped)
        plan = _merged_plan(scenario, final, info, budgets, transport, coordinated.prices,
                            coordinated.bound, lp_objective, coordination, replanned, stopped)
        if base is not None:
            plan.extra["model"]["decomposition"]["warm"] = {
                "groups_rebuilt": len(touched), "groups_planned_again": len(again),
                "coordinated": True, "plan_before_kept": kept_before}
        build_s = sum(info[k].build_s for k in fresh)
        read_s = sum(p.read_s for p in made if p is not None)
        plan.timings.update(build=build_s, solve=time.perf_counter() - t0 - build_s - read_s,
                            read_back=read_s, bound=t_bound - t0,
                            coordinate=t_share - t_bound, shares=t_share - t_coordinated)
        return _Outcome(scenario, first, info, coupling, coordinated, lp_objective, plans,
                        final, plan, stops, shared_stopped)


def loosened_only(coupling: Coupling, before: Coupling) -> bool:
    """Whether `coupling`'s rows are `before`'s, each limit as high or higher: every plan
    that held before still holds (a budget or a hub's capacity raised)."""
    return coupling.names == before.names and bool(np.all(coupling.limit >= before.limit))


def local_plan_holds(planned: float, relaxed: float, planned_before: float,
                     relaxed_before: float, unspent_before: float, tolerance: float,
                     hurt: bool = False) -> bool:
    """Whether a local re-plan (`GroupPlanner._local`) stands: its touched groups together
    plan `planned` (whole numbers) and `relaxed` (their relaxations within their shares),
    where in the plan before they planned `planned_before` (`unspent_before` before the
    leftovers were spent) and `relaxed_before`. Not where a relaxation no worse than before
    ends in a plan worse than before: that is the whole numbers' doing, not the change's (one
    more a month on a line would read as a loss). Nor where the plan is worse than before and
    its whole numbers lose more against their relaxations than before did, by more than
    `tolerance` (relative): that would overstate the loss. A plan better than before stands
    even so: the change's gain then reads smaller than its relaxation's, never as a loss,
    where coordinating every group again moves each by the coordination's own noise
    (generated M, seed 7: one more a month on RA-L02's line read as 16 requirements more
    unmet and 2 bn less spent, where its own group's plan was 0.35 % better, its relaxation
    0.68 %). `hurt`: the change made the touched groups' optimum at the plan's prices worse
    (a line's capacity cut): a plan worse than before is then the change's doing even where
    their relaxation within their shares is better than before, as it may be, their shares
    being what they spent plus what no group spent (generated M, seed 1: PRD033's line one
    fewer a month, the 34-item group's relaxation 0.06 % better within its new shares, and
    coordinated again the cut read as 54 millionths cheaper)."""
    if planned <= planned_before + 1e-9 * abs(planned_before):
        return True
    lost, lost_before = planned - relaxed, unspent_before - relaxed_before
    return ((hurt or relaxed > relaxed_before + 1e-9 * abs(relaxed_before))
            and lost <= lost_before + tolerance * abs(unspent_before))


def _local_shares(coupling: Coupling, final: list[GroupPlan], shares: list[np.ndarray],
                  touched: list[int], proposals: list[Proposal],
                  margin: float) -> dict[int, np.ndarray]:
    """Each touched group's shares of its parts for a local re-plan: of every coupling row,
    what it spent in the plan before and its part of what no group spent (the rows' limits
    less `margin`, as the leftovers are offered), split between touched groups sharing a row
    by what each proposes to use of it at the plan's prices; each group's total of a row
    split between its parts of it as its coordinated shares before (`shares`) were: a single
    proposal is one vertex, far from the combination the coordination chose (split by its
    use, M's 60-item group planned 7 % worse within its shares). Every row's shares still add
    up to at most its limit."""
    rows = len(coupling.limit)
    spent = sum((coupling.row_use(g, p.spent) for g, p in enumerate(final)), np.zeros(rows))
    left = np.clip(coupling.limit * (1.0 - margin) - spent, 0.0, None)
    want = {k: coupling.row_use(k, np.maximum(p.use, 0.0))
            for k, p in zip(touched, proposals, strict=True)}
    wanted = sum(want.values(), np.zeros(rows))
    users = sum((np.bincount(coupling.part_rows[k], minlength=rows) > 0 for k in touched),
                np.zeros(rows))
    out = {}
    for k in touched:
        part = np.where(wanted > 0, want[k] / np.where(wanted > 0, wanted, 1.0),
                        1.0 / np.maximum(users, 1))
        total = coupling.row_use(k, final[k].spent) + left * part
        out[k] = initial_shares(shares[k], coupling.part_rows[k], total)
    return out


def _couplings(scenario: Scenario, info: list[GroupInfo]) -> tuple[Coupling, Coupling, Coupling]:
    """The rows coupling groups of `info`: members' budgets, hubs' and routes' tonnes, and
    all stacked with the requirements met by several groups (the budgets alone where there
    are no others)."""
    budget = {m.code: m.annual_budget for m in scenario.members if m.annual_budget is not None}
    budgets = budget_coupling([i.keys for i in info], budget)
    transport = transport_coupling([i.carried for i in info], scenario)
    met = requirement_coupling([i.met for i in info], scenario)
    fired = ammunition_coupling([i.fed for i in info], scenario)
    kinds = [c for c in (budgets, transport, met, fired) if c.names or c is budgets]
    return budgets, transport, (stack(kinds) if len(kinds) > 1 else budgets)


def ammunition_coupling(fed: list[list[tuple[str, str, int]]], scenario: Scenario) -> Coupling:
    """The recipients' stocks of munitions planned apart from the platforms that fire them
    (`PlanOptions.split_sustainment`) as coupling rows, one per (recipient, munition, month):
    what the groups import of it at most what its own group exports (limit 0; an export is
    a part's use of -1 a round). Each group's parts are its keys, in its order. A round is
    worth at most an idle system-month of the dearest platform firing it over the rounds
    that system fires a month."""
    names = sorted({key for keys in fed for key in keys})
    of = {name: j for j, name in enumerate(names)}
    idle = scenario.settings.weight("idle")
    round_worth: dict[tuple[str, str], float] = {}
    for p in sustained_platforms(scenario):
        if p.rate > 0:
            for m in p.usable:
                round_worth[(p.recipient, m)] = max(round_worth.get((p.recipient, m), 0.0),
                                                    idle * p.weight / p.rate)
    return Coupling("ammunition", list(names), np.zeros(len(names)),
                    [np.array([of[key] for key in keys], np.int64) for keys in fed],
                    np.array([round_worth.get((r, m), 0.0) for r, m, _t in names]))


def requirement_coupling(met: list[list[str]], scenario: Scenario) -> Coupling:
    """Requirements met by several groups as coupling rows: what the groups allocate to each
    together at most its quantity; each group's parts are its requirements, in its order."""
    quantity = {q.id: q.quantity for q in scenario.requirements}
    names = sorted({(q,) for ids in met for q in ids})
    of = {name: j for j, name in enumerate(names)}
    return Coupling("requirement", list(names),
                    np.array([quantity[q] for q, in names], float),
                    [np.array([of[(q,)] for q in ids], np.int64) for ids in met])


def _group_gap(options: PlanOptions, coupled: bool) -> float:
    """A group's relative MIP gap: without coupling rows the groups' plans are the one
    model's, as exact as it is."""
    return max(options.mip_rel_gap, GROUP_MIP_GAP) if coupled else options.mip_rel_gap


def _merged_plan(scenario: Scenario, final: list[GroupPlan], info: list[GroupInfo],
                 budgets: Coupling, transport: Coupling, prices: np.ndarray, bound: float,
                 lp_objective: np.ndarray, coordination: dict[str, Any],
                 replanned: int, stopped: int) -> Plan:
    """The groups' plans as one, with what binds, its bound and gap, and how it was made
    (`summary.json` → `model`); `stopped`: the searches a time limit stopped (coordination
    included), after which the plan depends on the machine's speed."""
    # with munitions priced apart, each group's recipient stocks and sustainment saw only
    # its own items' arrivals
    plan = merge_plans(scenario, [p.plan for p in final], any(i.fed for i in info))
    binding = [b for p in final for b in p.binding if b["change"]]
    binding += _budget_binding(scenario, budgets, prices[:len(budgets.names)])
    binding += _transport_binding(
        scenario, transport,
        prices[len(budgets.names):len(budgets.names) + len(transport.names)])
    binding.sort(key=lambda f: (-f["value"], f["name"]))
    plan.binding = binding[:8]
    met = len({q for i in info for q in i.met})
    fed = len({key for i in info for key in i.fed})
    coupled = bool(budgets.names or transport.names or met or fed)
    gap = relative_gap(plan.objective, bound)
    if plan.status == "optimal" and coupled and gap > PROVEN_GAP:
        # each group is optimal within its shares; the whole is not. Without budgets the
        # groups are independent, each proven optimal by its MIP: so is the whole,
        # however far its whole numbers are from the relaxation's bound
        plan.status = "feasible"
    decomposition = {
        "groups": len(info),
        "largest_group_items": max(i.items for i in info),
        "lower_bound": round(bound, 4),
        "coupling_rows": {"budget": len(budgets.names),
                          **({"transport": len(transport.names)} if transport.names
                             else {}),
                          **({"requirement": met} if met else {}),
                          **({"ammunition": fed} if fed else {})},
        **coordination,
        "shared_relaxation": round(float(lp_objective.sum()), 4),
        "whole_numbers": {way: sum(p.whole_by == way for p in final)
                          for way in ("blocks", "pooled", "mip")},
        "replanned_with_leftovers": replanned}
    plan.extra["model"] = {
        "variables": int(sum(i.columns for i in info)),
        "constraints": (sum(i.rows for i in info) + len(budgets.names) + len(transport.names)
                        + met + fed),
        "integer": any(i.integer for i in scenario.items),
        "bound": bound,
        "relaxation_gap": round(gap, 6),
        "stopped_by_time": stopped,
        "decomposition": decomposition,
    }
    return plan


def _coordinate(groups: Groups, coupling: Coupling, first: list[Proposal],
                options: PlanOptions, until: float, report: Progress,
                warm: WarmStart | None = None, lazy: np.ndarray | None = None) -> Coordinated:
    """Coordinate the groups by price over `coupling` (see planning/coordinate.py), the
    progress bar showing the combined relaxation and the bound closing."""

    def price_all(which: list[int], prices: list[np.ndarray]) -> list[Proposal]:
        return groups.call("propose", which, [(p,) for p in prices])

    def progress(passes: int, master: float, bound: float) -> None:
        closing = (f"{100 * (master - bound) / max(1.0, abs(master)):.2f} % apart"
                   if np.isfinite(master) else "no combined plan yet")
        report(f"coordinating by price, pass {passes}: relaxation and bound {closing}",
               0.3 + 0.15 * min(1.0, passes / max(1, options.budget_rounds)))

    return coordinate(coupling, first, price_all, until, COORDINATION_GAP,
                      options.budget_rounds, progress, warm, lazy)


def _stopped_each(groups: Groups, n: int) -> list[int]:
    """Per group of the `n`, the searches for its whole numbers a time limit stopped since
    last asked (`_Group.stopped`)."""
    return [int(k) for k in groups.call("take_stopped", list(range(n)), [()] * n)]


def _local_stopped(base: _Outcome, touched: list[int], now: list[int]) -> int:
    """The searches a time limit stopped in a local re-plan from `base` (`_local`): the
    `touched` groups' now (`now[k]`), every other group's in making its plan before, and
    one more where time stopped what all plans before share."""
    stops = base.stops.copy()
    stops[touched] = np.asarray(now, np.int64)[touched]
    return int(stops.sum()) + int(base.shared_stopped)


def _iterations(groups: Groups, n: int) -> int:
    """The simplex iterations of the `n` groups' relaxations since last asked (first
    relaxations, pricings, relaxations within shares; not whole numbers, whose MIPs stop
    at time limits): the plan's work in a measure that, unlike seconds, is the same on a
    slower or busier machine (bench notes, session 31)."""
    return int(sum(groups.call("take_iterations", list(range(n)), [()] * n)))


def _unspent(plans: Sequence[GroupPlan | None], segments: list[np.ndarray],
             limit: np.ndarray, margin: float) -> np.ndarray:
    """What the groups' `plans` (each part's spending on the row `segments[g]` gives) leave
    of each coupling row's `limit`, less `margin` (relative)."""
    n = len(limit)
    spent = np.zeros(n)
    for p, seg in zip(plans, segments, strict=True):
        if p is not None:
            spent += np.bincount(seg, p.spent, n)
    return np.clip(limit * (1.0 - margin) - spent, 0.0, None)


def _plan_without_room(groups: Groups, plans: list[GroupPlan | None], missing: list[int],
                       shares: list[np.ndarray], coupling: Coupling, gap: float,
                       options: PlanOptions) -> None:
    """Plan again from scratch each group `missing` whose whole numbers had no plan within
    its `shares` (a whole unit a committed pledge needs costs more than the part of it the
    relaxation bought), with all that the other groups' plans leave of each coupling row
    shared between its parts as its shares were; `plans` gets its plan. GroupsFailed where
    one still has none. Generated M, seed 3, coordination stopped at 0.2 % instead of 0.1 %:
    a 1-item group's whole numbers had none, and the scenario went to one model for 211 s."""
    n = len(coupling.limit)
    left = _unspent(plans, coupling.part_rows, coupling.limit, options.pool_margin)
    for k in missing:
        seg = coupling.part_rows[k]
        new = groups.call("again", [k], [(initial_shares(shares[k], seg, left), gap)])[0]
        if new is None:
            raise GroupsFailed("an item group has no whole-number plan within what the "
                               "other groups leave of its budgets")
        left = np.clip(left - np.bincount(seg, new.spent, n), 0.0, None)
        plans[k] = new


def _spend_leftovers(groups: Groups, info: list[GroupInfo], plans: list[GroupPlan],
                     lp_objective: np.ndarray, segments: list[np.ndarray], limit: np.ndarray,
                     gap: float, deadline: float, options: PlanOptions
                     ) -> tuple[int, bool]:
    """Plan again, with the money other groups' whole numbers left unspent, the groups whose
    whole numbers cost them most against their relaxation.

    A group's whole numbers may buy less than its share: a unit cannot be bought in part.
    Money so left in a member's budget for a year is offered, whole, to each group that lost
    at least `options.leftover_loss` of the plan's objective to whole numbers, worst first, on
    top of what it spends already; a new plan is kept only if it is better. Groups planned
    by their own MIP (below `options.split_columns`) are planned again from scratch: they take
    moments. Groups planned by blocks plan again their blocks that lost most, with the money
    on top of their year (`_Group.top_up`): a block is planned within what the blocks held at
    the relaxation leave of its group's year, all of it where the budget binds, and must
    round down what the relaxation bought in part (generated M, seed 1: the 24-item group's
    blocks 0.21 % above its relaxation, 0.08 % with the money left; the plan 0.167 % from
    its bound, 0.150 %). `plans` changes where a new plan is kept; every budget still
    holds. Returns how many groups' new plans were kept, and whether the `deadline` stopped
    it before every group that lost enough was offered the money."""
    n = len(limit)
    margin = options.pool_margin
    left = _unspent(plans, segments, limit, margin)
    total = abs(sum(p.plan.objective for p in plans))
    loss = np.array([p.plan.objective - lp for p, lp in zip(plans, lp_objective, strict=True)])
    replanned = 0
    for k in np.argsort(-loss, kind="stable"):
        seg, old = segments[k], plans[k]
        if not np.isfinite(loss[k]) or loss[k] <= options.leftover_loss * max(1.0, total):
            break
        if time.perf_counter() > deadline:
            return replanned, True
        blocks = old.whole_by == "blocks"
        if not info[k].keys or (info[k].columns >= options.split_columns and not blocks):
            continue
        if not (left[seg] > margin * limit[seg]).any():
            continue
        if blocks:
            new = groups.call("top_up", [int(k)], [(
                left[seg], old.spent, old.plan.objective,
                min(TOP_UP_SECONDS, max(0.0, deadline - time.perf_counter())))])[0]
        else:
            # each segment's money left, shared between the group's keys in it by what
            # they spend
            share = old.spent + initial_shares(old.spent, seg, left)
            new = groups.call("again", [int(k)], [(share, gap)])[0]
        if new is None or new.plan.objective >= old.plan.objective - 1e-9 * max(
                1.0, abs(old.plan.objective)):
            continue
        left = np.clip(left - np.bincount(seg, new.spent - old.spent, n), 0.0, None)
        plans[k] = new
        replanned += 1
    return replanned, False


def budget_segments(keys: list[tuple[str, int, str]]
                    ) -> tuple[list[tuple[str, int]], np.ndarray]:
    """The (member, year) budgets of (member, year, item) keys, sorted, and each key's."""
    names = sorted({(b, y) for b, y, _ in keys})
    of = {name: j for j, name in enumerate(names)}
    return names, np.array([of[(b, y)] for b, y, _ in keys], np.int64)


def transport_coupling(carried: list[list[tuple[str, str, int]]],
                       scenario: Scenario) -> Coupling:
    """Hubs' and routes' tonnes per arrival month as coupling rows (DESIGN.md, "Delivery");
    each group's parts are its transport keys, in its order."""
    capacity = {("hub", h.code): h.capacity_tonnes for h in scenario.hubs}
    capacity.update({("route", r.code): r.capacity_tonnes for r in scenario.routes})
    names = sorted({key for keys in carried for key in keys})
    of = {name: j for j, name in enumerate(names)}
    return Coupling("transport", list(names),
                    np.array([capacity[(kind, code)] for kind, code, _ in names], float),
                    [np.array([of[key] for key in keys], np.int64) for keys in carried])


def _transport_binding(scenario: Scenario, coupling: Coupling,
                       prices: np.ndarray) -> list[dict[str, Any]]:
    """A hub or route binds as much as its coordinated prices over the months (objective per
    tonne a month), times the step it is tried with."""
    total: dict[tuple[str, str], float] = {}
    for (kind, code, _month), price in zip(coupling.names, prices.tolist(), strict=True):
        total[(kind, code)] = total.get((kind, code), 0.0) + price
    out = []
    for (kind, code), price in total.items():
        found = transport_change(scenario, kind, code)
        if found is not None and price > 1e-9:
            step = float(found["to"]) - float(found["from"])
            out.append(dict(kind=kind, name=code, value=price * step, shadow_price=price,
                            change=found))
    return out


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


def resustain(scenario: Scenario, plan: Plan) -> None:
    """The recipients' stock rows and sustainment rows of `plan` from the rule
    (plan/sustain.py) applied to all its deliveries, crews trained ahead as the optimiser's
    model trains them (`recipient.sustained`); rows not in order."""
    recipients = {n.code for n in scenario.recipients}
    arrivals = plan_arrivals(scenario, plan)
    stocks, plan.sustainment = simulate_sustainment(
        scenario, arrivals, train_crews(scenario, arrivals, ahead=True))
    plan.stocks = [s for s in plan.stocks if s.nation not in recipients] + stocks


def merge_plans(scenario: Scenario, plans: list[Plan], sustain_again: bool = False) -> Plan:
    """One plan from the plans of disjoint item groups, rows in a fixed order; with
    `sustain_again`, its recipients' stocks and sustainment from all its deliveries
    (`resustain`)."""
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
    if sustain_again:
        resustain(scenario, merged)
    merged.donations.sort(key=donation_order)
    merged.orders.sort(key=order_order)
    merged.production.sort(key=lambda r: (r.producer, item_rank[r.item], r.month))
    merged.expansions.sort(key=lambda e: (e.producer, item_rank[e.item], e.buyer or ""))
    merged.stocks.sort(key=lambda s: (nation_rank[s.nation], item_rank[s.item], s.month))
    merged.fulfilment.sort(key=fulfilment_order)
    merged.sustainment.sort(key=lambda r: (nation_rank[r.recipient], item_rank[r.platform],
                                           r.month))
    return merged
