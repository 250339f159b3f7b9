"""Coordination by price on small LPs whose whole optimum scipy's HiGHS finds directly: the
bound never passes the optimum, the combined plan never beats it, and both meet it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from replenish.planning.coordinate import (
    Coupling,
    Proposal,
    _Master,
    coordinate,
    holds_every_row,
    spread_unused,
    stack,
    stack_parts,
)


class _Toy:
    """Groups of items, each bought (x, at most `cap`, at `price` from a member's budget in a
    year) or short (s, at `penalty` a unit) of its need: min penalty.s, x + s >= need."""

    def __init__(self, seed: int, groups: int, items: int, rows: int) -> None:
        rng = np.random.default_rng(seed)
        self.groups = groups
        self.need = [rng.uniform(1, 10, items) for _ in range(groups)]
        self.cap = [rng.uniform(0, 12, items) for _ in range(groups)]
        self.penalty = [rng.uniform(1, 50, items) for _ in range(groups)]
        self.price = [rng.uniform(1, 5, items) for _ in range(groups)]
        self.row = [rng.integers(0, rows, items) for _ in range(groups)]
        self.limit = rng.uniform(5, 40, rows)
        # columns per group: x (items), s (items)
        self.use = []
        for g in range(groups):
            u = sp.csr_matrix((self.price[g], (self.row[g], np.arange(items))),
                              shape=(rows, 2 * items))
            self.use.append(u)

    def cost(self, g: int) -> np.ndarray:
        return np.concatenate([np.zeros(len(self.need[g])), self.penalty[g]])

    def solve(self, g: int, added: np.ndarray) -> tuple[float, np.ndarray]:
        n = len(self.need[g])
        a_ub = np.hstack([-np.eye(n), -np.eye(n)])        # x + s >= need
        bounds = [(0, c) for c in self.cap[g]] + [(0, None)] * n
        res = linprog(self.cost(g) + added, A_ub=a_ub, b_ub=-self.need[g], bounds=bounds,
                      method="highs")
        assert res.status == 0
        return float(res.fun), np.asarray(res.x)

    def whole(self) -> float:
        """The whole LP, every group and the coupling rows at once."""
        blocks = [np.hstack([-np.eye(len(n)), -np.eye(len(n))]) for n in self.need]
        a = sp.block_diag(blocks).toarray()
        coupling = sp.hstack(self.use).toarray()
        res = linprog(np.concatenate([self.cost(g) for g in range(self.groups)]),
                      A_ub=np.vstack([a, coupling]),
                      b_ub=np.concatenate([-np.concatenate(self.need), self.limit]),
                      bounds=[b for g in range(self.groups) for b in
                              [(0, c) for c in self.cap[g]] + [(0, None)] * len(self.need[g])],
                      method="highs")
        assert res.status == 0
        return float(res.fun)

    def propose(self, g: int, part_prices: np.ndarray) -> Proposal:
        """Group g's optimum with `part_prices` on its use of each row (its parts)."""
        value, x = self.solve(g, self.use[g].T @ part_prices)
        return Proposal(value, float(self.cost(g) @ x), self.use[g] @ x)

    def coordinate(self, gap: float, passes: int, lazy: bool = False
                   ) -> tuple[Coupling, object]:
        rows = len(self.limit)
        coupling = Coupling("budget", [(r,) for r in range(rows)], self.limit,
                            [np.arange(rows) for _ in range(self.groups)])
        first = [self.propose(g, np.zeros(rows)) for g in range(self.groups)]
        out = coordinate(coupling, first,
                         lambda which, prices: [self.propose(g, p)
                                                for g, p in zip(which, prices, strict=True)],
                         float("inf"), gap, passes, lambda *_: None,
                         lazy=np.ones(rows, bool) if lazy else None)
        return coupling, out


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**16), st.integers(2, 5), st.integers(2, 6), st.integers(1, 4),
       st.booleans())
def test_bound_and_combined_plan_meet_the_whole_lp(seed: int, groups: int, items: int,
                                                    rows: int, lazy: bool) -> None:
    # lazy: every row joins the master only once the groups would use more than half of it
    toy = _Toy(seed, groups, items, rows)
    optimum = toy.whole()
    coupling, out = toy.coordinate(gap=1e-9, passes=200, lazy=lazy)
    tol = 1e-6 * max(1.0, abs(optimum))
    # whatever the prices, the bound holds; the combined plan holds every row
    for _t, master, bound in out.history:        # type: ignore[attr-defined]
        assert bound <= optimum + tol
        assert master >= optimum - tol
    assert out.bound == pytest.approx(optimum, abs=1e-5 * max(1.0, abs(optimum)))  # type: ignore[attr-defined]
    assert out.master == pytest.approx(optimum, abs=1e-5 * max(1.0, abs(optimum)))  # type: ignore[attr-defined]
    shares = np.array(out.shares)                 # type: ignore[attr-defined]
    assert (shares >= -1e-9).all()         # one part per row: shares per group and row
    assert (shares.sum(axis=0) <= coupling.limit * (1 + 1e-9)).all()
    # each group within its shares can do as well as the combination
    within = 0.0
    for g in range(groups):
        n = len(toy.need[g])
        res = linprog(toy.cost(g), A_ub=np.vstack([np.hstack([-np.eye(n), -np.eye(n)]),
                                                   toy.use[g].toarray()]),
                      b_ub=np.concatenate([-toy.need[g], shares[g]]),
                      bounds=[(0, c) for c in toy.cap[g]] + [(0, None)] * n, method="highs")
        assert res.status == 0
        within += res.fun
    assert within == pytest.approx(optimum, abs=1e-5 * max(1.0, abs(optimum)))


def test_without_passes_the_bound_is_the_groups_own_optima() -> None:
    toy = _Toy(3, 3, 4, 2)
    _coupling, out = toy.coordinate(gap=0.0, passes=0)
    free = sum(toy.solve(g, np.zeros(toy.use[g].shape[1]))[0] for g in range(3))
    assert out.passes == 0 and out.bound == pytest.approx(free)  # type: ignore[attr-defined]
    assert out.bound <= toy.whole() + 1e-9                         # type: ignore[attr-defined]


def test_kinds_of_coupling_rows_stack_into_one() -> None:
    # group 0 spends on two items of member A's year-0 budget; group 1 on one. Hub H's months
    # 3 and 4: group 0 ships in both, group 1 in month 4
    a = Coupling("budget", [("A", 0)], np.array([5.0]), [np.array([0, 0]), np.array([0])])
    b = Coupling("hub", [("H", 3), ("H", 4)], np.array([7.0, 8.0]),
                 [np.array([0, 1]), np.array([1])])
    both = stack([a, b])
    assert both.kind == "budget+hub"
    assert both.names == [("budget", "A", 0), ("hub", "H", 3), ("hub", "H", 4)]
    assert both.limit.tolist() == [5.0, 7.0, 8.0]
    assert [r.tolist() for r in both.part_rows] == [[0, 0, 1, 2], [0, 2]]
    assert both.rows_of(1).tolist() == [0, 2]
    assert both.part_prices(0, np.array([1.0, 2.0, 3.0])).tolist() == [1.0, 1.0, 2.0, 3.0]
    assert both.row_use(1, np.array([4.0, 5.0])).tolist() == [4.0, 0.0, 5.0]
    # a group's parts matrices stack in the same order
    parts = stack_parts([sp.csr_matrix([[1.0, 0.0], [0.0, 2.0]]),
                         sp.csr_matrix([[0.0, 1.0], [1.0, 1.0]])])
    assert parts.toarray().tolist() == [[1.0, 0.0], [0.0, 2.0], [0.0, 1.0], [1.0, 1.0]]


def test_what_no_part_uses_is_shared_out_and_overuse_scaled_down() -> None:
    # group 0 has parts of rows 0, 1, 2 and 2 again; group 1 of rows 0 and 2
    used = [np.array([3.0, 0.0, 4.0, 2.0]), np.array([1.0, 6.0])]
    rows = [np.array([0, 1, 2, 2]), np.array([0, 2])]
    shares = spread_unused(used, rows, np.array([8.0, 4.0, 10.0]))
    assert shares[0].tolist() == pytest.approx([6.0, 4.0, 10 * 4 / 12, 10 * 2 / 12])
    assert shares[1].tolist() == pytest.approx([2.0, 10 * 6 / 12])
    # rows add up to their limits: the rest by use, unused to its one part, over scaled down
    total = np.bincount(rows[0], shares[0], 3) + np.bincount(rows[1], shares[1], 3)
    assert total.tolist() == pytest.approx([8.0, 4.0, 10.0])


def test_a_row_no_part_uses_is_shared_equally_between_its_parts() -> None:
    shares = spread_unused([np.array([0.0]), np.array([0.0, 0.0])],
                           [np.array([0]), np.array([0, 0])], np.array([9.0]))
    assert [s.tolist() for s in shares] == [[3.0], [3.0, 3.0]]


def test_the_master_prints_nothing_in_a_process_of_its_own() -> None:
    # planned on Dask, the master's HiGHS is the first the planning process makes, and HiGHS
    # printed its banner amid the command's output
    script = ("import numpy as np\n"
              "from replenish.planning.coordinate import Coupling, _Master\n"
              "c = Coupling('budget', [('N01', 1)], np.array([10.0]), [np.array([0])])\n"
              "_Master(c, 1, np.array([1.0]), 1.0).solve()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout == "" and done.stderr == ""


def test_rows_joining_the_master_late_hold_what_they_would_have_from_the_start() -> None:
    # rows activated after the proposals (lazy rows) must get every proposal's use of them,
    # as rows active before the proposals came do
    rng = np.random.default_rng(3)
    rows, groups = 12, 4
    coupling = Coupling("x", [(r,) for r in range(rows)], rng.uniform(5, 10, rows),
                        [np.arange(rows) for _ in range(groups)])
    proposals = [(g, Proposal(0.0, float(rng.uniform(1, 9)),
                              rng.uniform(0, 4, rows) * (rng.uniform(size=rows) < 0.6)))
                 for g in range(groups) for _ in range(3)]
    early = _Master(coupling, groups, np.zeros(groups), 1.0)
    early.activate(np.arange(rows))
    late = _Master(coupling, groups, np.zeros(groups), 1.0)
    late.activate(np.array([3, 7]))
    for g, p in proposals:
        early.add(g, p)
        late.add(g, p)
    late.activate(np.array([11, 0, 5]))
    late.activate(np.arange(rows))
    value, prices, _over = early.solve()
    late_value, late_prices, _late_over = late.solve()
    assert late_value == pytest.approx(value, rel=1e-7)
    assert late_prices == pytest.approx(prices, rel=1e-5, abs=1e-7)
    assert np.isfinite(value) and (prices > 0).any()


def test_the_master_knows_the_rows_its_proposals_use() -> None:
    coupling = Coupling("x", [(r,) for r in range(5)], np.array([1.0, 0.0, 0.0, 2.0, 0.0]),
                        [np.arange(5), np.arange(5)])
    master = _Master(coupling, 2, np.zeros(2), 1.0)
    assert master.used_rows().size == 0
    master.add(0, Proposal(0.0, 1.0, np.array([0.0, 2.0, 0.0, 0.0, -1.0])))
    master.add(1, Proposal(0.0, 1.0, np.array([0.5, 0.0, 0.0, 0.0, 0.0])))
    # a row given to (use below 0) is not one used
    assert master.used_rows().tolist() == [0, 1]


def test_the_master_shares_out_a_vertex_not_the_interior_points_centre() -> None:
    # two groups, each able to use the whole row for as much: every split of it is optimal,
    # and interior point takes the centre (half each, every group mixing its proposals); the
    # shares come from a vertex, where one group has one proposal whole
    coupling = Coupling("x", [(0,)], np.array([4.0]), [np.arange(1), np.arange(1)])
    master = _Master(coupling, 2, np.zeros(2), 1.0)
    # a master this small presolve solves outright, to a vertex already
    master.h.setOptionValue("presolve", "off")
    master.activate(np.arange(1))
    for g in range(2):
        master.add(g, Proposal(0.0, -4.0, np.array([4.0])))
        master.add(g, Proposal(0.0, 0.0, np.array([0.0])))
    value, _prices, _over = master.solve()
    assert master.weights() == pytest.approx([0.5, 0.5, 0.5, 0.5], abs=1e-6)
    master.to_vertex()
    assert master.h.getBasis().valid
    assert sorted(np.round(master.weights(), 9)) == [0.0, 0.0, 1.0, 1.0]
    assert master.h.getInfo().objective_function_value == pytest.approx(value)
    assert sorted(np.concatenate(master.shares(2))) == pytest.approx([0.0, 4.0])


def test_an_interior_points_hair_of_overuse_holds_a_vertexs_does_not() -> None:
    # generated L's masters after the ladder overused hundreds of ammunition rows by 2e-5 to
    # 1e-4 of their unit each, interior point stopping within its tolerances: that holds
    hair = np.full(340, 1e-4)
    assert holds_every_row(hair, vertex=False)
    # ... but not at a vertex, whose overuse is what the master chose
    assert not holds_every_row(hair, vertex=True)
    # ... nor a real overuse of one row among them
    assert not holds_every_row(np.append(hair, 0.02), vertex=False)
    # within the tolerance on the sum, anywhere
    assert holds_every_row(np.full(3, 1e-7), vertex=True)
    assert holds_every_row(np.zeros(0), vertex=True)
