"""The planning model written the way a planner would by hand in PuLP, solved by CBC, to
compare with the highspy planner on the same scenario (issue 3: ratio and objective agreement).

It mirrors src/replenish/planning/ (index.py, balance.py, floors.py, donations.py,
production.py, requirements.py, budgets.py) constraint for constraint and term for term, in
the same scaled units, with Python loops over nations, items, lines and months. Sustainment
is left out of both: the scenario is generated, then its fielded, consumption and training
rows are dropped before either planner sees it.

    .venv/bin/python bench/pulp_baseline.py [--size M] [--time-limit 900] [--no-budgets]

`--no-budgets` also drops members' annual budgets (both planners then face the same model
without its dense budget rows); its row is kept apart from the full one.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, TypeAlias

import pulp

from replenish.errors import InfeasiblePlan
from replenish.model import Scenario
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.build import value_scale
from replenish.scenario.generator import generate_scenario
from run import BENCH, SEED, SIZES, load_results, machine, save_results

Var: TypeAlias = pulp.LpVariable
Key = tuple[Any, ...]


class HandModel:
    """Index sets and variables as dicts keyed by names, built in loops."""

    def __init__(self, sc: Scenario) -> None:
        self.sc, self.H = sc, sc.horizon
        st = sc.settings
        self.scale = value_scale(sc)
        self.w = {k: st.weight(k) for k in ("unmet", "late", "priority_decay", "target",
                                            "cost", "announced")}
        self.w["floor"] = st.floor_weight() if hasattr(st, "floor_weight") else st.weight("floor")
        self.items = sc.item_map
        self.members = [n.code for n in sc.members]
        self.recipients = [n.code for n in sc.recipients]
        self.prob = pulp.LpProblem("replenish", pulp.LpMinimize)
        self.cost: list[Any] = []
        self.x: dict[Key, Var] = {}              # (buyer, destination, line key, month)
        self.x_by_line: dict[Key, list[Key]] = defaultdict(list)
        self.e: dict[Key, Var] = {}              # (line key, buyer)
        self.y: dict[Key, Var] = {}              # line key
        self.d: dict[Key, Var] = {}              # (donor, item, recipient, month)
        self.pc: dict[Key, Var] = {}             # (pledge, month)
        self.pa: dict[Key, Var] = {}
        self._positions()
        self._needs()

    def var(self, name: str, ub: float | None, cost: float, item: str | None = None) -> Var:
        cat = "Integer" if item is not None and self.items[item].integer else "Continuous"
        v = Var(name, lowBound=0, upBound=ub, cat=cat)
        if cost:
            self.cost.append(cost * v)
        return v

    def value(self, item: str) -> float:
        return self.items[item].unit_cost / self.scale

    def _positions(self) -> None:
        """Stock positions of stocks.csv plus empty ones for pledges of items a donor lacks."""
        self.pos: dict[tuple[str, str], tuple[float, float, float]] = {}
        for s in self.sc.stocks:
            self.pos[(s.nation, s.item)] = (s.on_hand, s.floor, s.target)
        for p in self.sc.pledges:
            self.pos.setdefault((p.donor, p.item), (0.0, 0.0, 0.0))
        self.committed = [p for p in self.sc.pledges if p.status == "committed"]
        self.announced = [p for p in self.sc.pledges if p.status == "announced"]
        self.due: dict[tuple[str, str, int], float] = defaultdict(float)
        for p in self.committed:
            for t in range(p.month, self.H):
                self.due[(p.donor, p.item, t)] += p.quantity

    def _needs(self) -> None:
        family: dict[str, list[str]] = defaultdict(list)
        for it in self.sc.items:
            family[it.family].append(it.code)
        self.family = family
        self.needs: dict[str, set[str]] = {r: set() for r in self.recipients}
        for q in self.sc.requirements:
            self.needs[q.recipient].update([q.item] if q.item else family[q.family or ""])
        for p in self.sc.pledges:
            self.needs[p.recipient].add(p.item)

    def held(self, n: str, i: str, t: int) -> bool:
        """Above aid, a donor that owes its floor away gives nothing but committed pledges."""
        s0, floor, _ = self.pos[(n, i)]
        return (self.sc.settings.readiness == "above_aid"
                and s0 - self.due[(n, i, t)] < floor)


def add_orders(m: HandModel) -> None:
    """Orders per (buyer, destination, line, month); expansion shares and the line's binary."""
    pledged = {(p.donor, p.item) for p in m.committed}
    for line in m.sc.lines:
        for b in m.members:
            dests = []
            lv = m.pos.get((b, line.item))
            if lv and (lv[1] > 0 or lv[2] > 0 or (b, line.item) in pledged):
                dests.append(b)
            dests += [r for r in m.recipients if line.item in m.needs[r]]
            for d in dests:
                for t in range(m.H):
                    if d in m.recipients and t + line.lead_time >= m.H:
                        continue
                    m.x_by_line[line.key].append((b, d, line.key, t))
                    m.x[(b, d, line.key, t)] = m.var(
                        f"x_{b}_{d}_{line.producer}_{line.item}_{t}",
                        line.capacity + line.max_expansion,
                        m.w["cost"] * line.unit_price / m.scale, line.item)
    add_expansion(m)


def add_expansion(m: HandModel) -> None:
    """Expansion shares per (line, buyer ordering there), at least min_expansion if any."""
    national = m.sc.settings.procurement == "national"
    for line in m.sc.lines:
        if line.max_expansion <= 0 or line.expansion_lead_time >= m.H:
            continue
        buyers = sorted({k[0] for k in m.x_by_line[line.key]}, key=m.members.index)
        if not buyers:
            continue
        tag = f"{line.producer}_{line.item}"
        y = m.y[line.key] = Var(f"y_{tag}", cat="Binary")
        for b in buyers:
            m.e[(line.key, b)] = e = m.var(f"e_{tag}_{b}", line.max_expansion,
                                           m.w["cost"] * line.expansion_cost / m.scale)
            if national and line.min_expansion > 0:
                yb = Var(f"yb_{tag}_{b}", cat="Binary")
                m.prob += e <= line.max_expansion * yb
                m.prob += e >= line.min_expansion * yb
        shares = pulp.lpSum(m.e[(line.key, b)] for b in buyers)
        m.prob += shares <= line.max_expansion * y
        if not national:
            m.prob += shares >= line.min_expansion * y


def add_donations(m: HandModel) -> None:
    """Free donations, committed pledges (in full by their month) and announced ones."""
    dl, friction = m.sc.settings.delivery_lead_months, 0.01 * m.w["cost"]
    for (n, i) in m.pos:
        for r in m.recipients:
            if i in m.needs[r]:
                for t in range(m.H):
                    if t + dl < m.H and not m.held(n, i, t):
                        m.d[(n, i, r, t)] = m.var(f"d_{n}_{i}_{r}_{t}", None,
                                                  friction * m.value(i), i)
    m.pc = {(p.id, t): m.var(f"pc_{p.id}_{t}", None, 0.0, p.item)
            for p in m.committed for t in range(p.month + 1)}
    for p in m.committed:
        m.prob += pulp.lpSum(m.pc[(p.id, t)] for t in range(p.month + 1)) == p.quantity
    m.pa = {(p.id, t): m.var(f"pa_{p.id}_{t}", None, -m.w["announced"] * m.value(p.item),
                             p.item)
            for p in m.announced for t in range(m.H)
            if t + dl < m.H and not m.held(p.donor, p.item, t)}
    for p in m.announced:
        m.prob += pulp.lpSum(m.pa.get((p.id, t), 0) for t in range(m.H)) <= p.quantity


def add_stocks(m: HandModel) -> None:
    """Balance, the floor as a lower bound above aid, and shortfalls below floor and target."""
    arrivals: dict[Key, list[Var]] = defaultdict(list)
    leads = {line.key: line.lead_time for line in m.sc.lines}
    for (b, d, key, t), v in m.x.items():
        if d == b and t + leads[key] < m.H:
            arrivals[(b, key[1], t + leads[key])].append(v)
    out: dict[Key, list[Var]] = defaultdict(list)
    for (n, i, _r, t), v in m.d.items():
        out[(n, i, t)].append(v)
    for pledges, table in ((m.committed, m.pc), (m.announced, m.pa)):
        for p in pledges:
            for t in range(m.H):
                if (p.id, t) in table:
                    out[(p.donor, p.item, t)].append(table[(p.id, t)])
    above = m.sc.settings.readiness == "above_aid"
    for (n, i), (s0, floor, target) in m.pos.items():
        prev: Any = s0
        for t in range(m.H):
            low = max(0.0, min(floor, s0 - m.due[(n, i, t)])) if above else 0.0
            s = Var(f"s_{n}_{i}_{t}", lowBound=low)
            m.prob += s == prev + pulp.lpSum(arrivals[(n, i, t)]) - pulp.lpSum(out[(n, i, t)])
            for level, weight in ((floor, m.w["floor"]), (target, m.w["target"])):
                if level > 0:
                    name = "ufloor" if level is floor else "utarget"
                    u = m.var(f"{name}_{n}_{i}_{t}", level, weight * m.value(i))
                    m.prob += u + s >= level
            prev = s


def add_capacity_and_commitment(m: HandModel) -> None:
    """Output within capacity plus expansion; expansion only against committed offtake."""
    for line in m.sc.lines:
        chans = m.x_by_line[line.key]
        shares = [v for (key, _b), v in m.e.items() if key == line.key]
        by_month: dict[int, list[Var]] = defaultdict(list)
        for k in chans:
            by_month[k[3]].append(m.x[k])
        for t in range(m.H):
            extra = pulp.lpSum(shares) if t >= line.expansion_lead_time else 0
            m.prob += pulp.lpSum(by_month[t]) <= line.capacity + extra
        if line.key not in m.y:
            continue
        months = range(line.expansion_lead_time, m.H)
        k_a = min(line.commitment_months, len(months))
        m.prob += (pulp.lpSum(m.x[k] for k in chans if k[3] in months)
                   >= k_a * pulp.lpSum(shares) + line.capacity * len(months) * m.y[line.key])
        for (key, b), e in m.e.items():
            if key == line.key:
                m.prob += pulp.lpSum(m.x[k] for k in chans if k[0] == b and k[3] in months) \
                    >= k_a * e


def add_requirements(m: HandModel) -> None:
    """Arrivals at the recipient go to requirements of the item or family; late; unmet."""
    dl, H = m.sc.settings.delivery_lead_months, m.H
    leads = {line.key: line.lead_time for line in m.sc.lines}
    arrived: dict[Key, list[Var]] = defaultdict(list)
    for (_n, i, r, t), v in m.d.items():
        arrived[(r, i, t + dl)].append(v)
    for pledges, table in ((m.committed, m.pc), (m.announced, m.pa)):
        for p in pledges:
            for t in range(H):
                if (p.id, t) in table and t + dl < H:
                    arrived[(p.recipient, p.item, t + dl)].append(table[(p.id, t)])
    for (_b, d, key, t), v in m.x.items():
        if d in m.recipients:
            arrived[(d, key[1], t + leads[key])].append(v)
    taken: dict[Key, list[Var]] = defaultdict(list)
    for q in m.sc.requirements:
        codes = [q.item] if q.item else m.family[q.family or ""]
        value = sum(m.items[c].unit_cost for c in codes) / len(codes) / m.scale
        pw = m.w["priority_decay"] ** (q.priority - 1)
        fs = []
        for c in codes:
            for t in range(H):
                f = m.var(f"f_{q.id}_{c}_{t}", q.quantity,
                          m.w["late"] * pw * value * max(0, t - q.needed_by), c)
                taken[(q.recipient, c, t)].append(f)
                fs.append(f)
        unmet = m.var(f"unmet_{q.id}", q.quantity,
                      (m.w["unmet"] + m.w["late"] * (H - q.needed_by)) * pw * value)
        m.prob += pulp.lpSum(fs) + unmet == q.quantity
    for key, fs in taken.items():
        m.prob += pulp.lpSum(fs) <= pulp.lpSum(arrived[key])


def add_budgets(m: HandModel) -> None:
    """Orders in their production month, expansion shares in month 0, per 12-month year."""
    prices = {line.key: line.unit_price for line in m.sc.lines}
    costs = {line.key: line.expansion_cost for line in m.sc.lines}
    spend: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for (b, _d, key, t), v in m.x.items():
        spend[(b, t // 12)].append(prices[key] * v)
    for (key, b), e in m.e.items():
        if costs[key] > 0:
            spend[(b, 0)].append(costs[key] * e)
    for n in m.sc.members:
        for year in range((m.H + 11) // 12):
            if n.annual_budget is not None and spend[(n.code, year)]:
                m.prob += pulp.lpSum(spend[(n.code, year)]) <= n.annual_budget


def build(sc: Scenario) -> HandModel:
    m = HandModel(sc)
    for step in (add_orders, add_donations, add_stocks, add_capacity_and_commitment,
                 add_requirements, add_budgets):
        step(m)
    m.prob += pulp.lpSum(m.cost)
    return m


def without_sustainment(sc: Scenario) -> Scenario:
    return dataclasses.replace(sc, fielded=(), consumption=(), training=())


def without_budgets(sc: Scenario) -> Scenario:
    nations = tuple(dataclasses.replace(n, annual_budget=None) for n in sc.nations)
    return dataclasses.replace(sc, nations=nations)


def record_key(size: str, budgets: bool) -> str:
    """Where a comparison is kept in RESULTS: by size, budgets or not."""
    return size if budgets else f"{size} (budgets unlimited)"


def plan_with_highs(sc: Scenario, size: str, highs_time_limit: float,
                    budgets: bool = True) -> dict[str, Any]:
    """The highspy half of the comparison (saved before CBC starts, in case CBC never ends)."""
    t0 = time.perf_counter()
    try:
        plan = plan_scenario(sc, PlanOptions(compare_greedy=False, time_limit=highs_time_limit))
        objective, status = plan.objective, plan.status
        gap = plan.extra.get("model", {}).get("relaxation_gap")
    except InfeasiblePlan as exc:   # a time limit is reported this way too
        objective, status, gap = None, str(exc), None
    return {"size": record_key(size, budgets),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "scenario": f"{'x'.join(map(str, SIZES[size]))} seed "
            f"{SEED}, no sustainment" + ("" if budgets else ", no budgets"),
            "highs_s": round(time.perf_counter() - t0, 2),
            "highs_objective": objective, "highs_status": status, "highs_relaxation_gap": gap,
            "highs_time_limit_s": highs_time_limit}


def plan_with_cbc(sc: Scenario, record: dict[str, Any], time_limit: float) -> None:
    """The PuLP + CBC half; adds its times, status, objective and the comparison."""
    t1 = time.perf_counter()
    m = build(sc)
    t2 = time.perf_counter()
    m.prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=1e-4))
    t3 = time.perf_counter()
    solved = m.prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    ours = pulp.value(m.prob.objective) * m.scale if solved else None
    record.update(pulp_build_s=round(t2 - t1, 2), cbc_solve_s=round(t3 - t2, 2),
                  cbc_status=f"{pulp.LpStatus[m.prob.status]} / "
                             f"{pulp.LpSolution[m.prob.sol_status]}",
                  pulp_objective=ours, time_limit_s=time_limit,
                  variables=m.prob.numVariables(), constraints=m.prob.numConstraints())
    theirs = record["highs_objective"]
    if ours is not None and theirs is not None:
        record["relative_difference"] = abs(ours - theirs) / max(1.0, abs(ours))
        record["speedup"] = round((t3 - t1) / record["highs_s"], 1)


def save(record: dict[str, Any]) -> None:
    results = BENCH / "RESULTS.md"
    data = load_results(results)
    data.setdefault("pulp", {})[record["size"]] = record
    save_results(results, data)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", default="M", choices=list(SIZES))
    p.add_argument("--time-limit", type=float, default=900.0, help="seconds for CBC")
    p.add_argument("--highs-time-limit", type=float, default=600.0,
                   help="seconds for each HiGHS solve (as `replenish plan`)")
    p.add_argument("--no-budgets", dest="budgets", action="store_false",
                   help="drop members' annual budgets from the scenario as well")
    args = p.parse_args(argv)
    sc = without_sustainment(generate_scenario(*SIZES[args.size], SEED))
    if not args.budgets:
        sc = without_budgets(sc)
    record = plan_with_highs(sc, args.size, args.highs_time_limit, args.budgets)
    record["cbc_status"] = (f"started {datetime.now(UTC):%H:%M} UTC with a {args.time_limit:g} s "
                            "limit, did not return")
    save(record)
    plan_with_cbc(sc, record, args.time_limit)
    save(record)
    print({k: v for k, v in record.items() if k != "machine"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
