"""The greedy baseline (`--method greedy`): allocation the way it is done by hand today, so the
optimiser has something to beat.

By hand: committed pledges are dispatched first, in month order, from the pledging donor at
the pledge month, even below its floor; then requirements in priority order (then needed_by,
then id) take stock above the donors' floors, donors in nations.csv order, family items in
items.csv order, at the earliest month; last, every member below target orders for itself
from the item's cheapest line, month by month, as capacity and budget allow. No expansion,
no ordering ahead, no sustainment planning. Where routes.csv exists, a donation goes over its
donor's fastest routes to the recipient that have room for its tonnes in its arrival month.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np

from replenish.errors import InfeasiblePlan
from replenish.model.records import Item, Pledge, ProductionLine, Requirement, Route, Scenario
from replenish.plan.records import (
    Donation,
    Fulfilment,
    Order,
    Plan,
    Production,
    StockLevel,
)
from replenish.plan.score import score_plan
from replenish.plan.sustain import plan_arrivals, simulate_sustainment, train_crews

EPS = 1e-9

Position = tuple[str, str]


@dataclass
class _State:
    """What the hand planner keeps track of while allocating."""

    sc: Scenario
    stock: dict[Position, np.ndarray]          # members' end-of-month on_hand, (H,)
    floor: dict[Position, float]
    target: dict[Position, float]
    used: dict[tuple[str, str], np.ndarray]    # capacity used per line and month
    items: dict[str, Item] = field(default_factory=dict)
    budgets: dict[str, float | None] = field(default_factory=dict)
    pool: dict[tuple[str, str, int], float] = field(default_factory=dict)  # unallocated arrivals
    fulfil: dict[tuple[str, str, int], float] = field(default_factory=lambda: defaultdict(float))
    spent: dict[tuple[str, int], float] = field(default_factory=lambda: defaultdict(float))
    donations: list[Donation] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    breaches: list[str] = field(default_factory=list)
    #: tonnes arriving per ("route" or "hub", code, month)
    carried: dict[tuple[str, str, int], float] = field(default_factory=lambda: defaultdict(float))
    #: each origin's routes to each recipient, fastest first (then in routes.csv order)
    ways: dict[tuple[str, str], list[Route]] = field(default_factory=dict)
    hub_capacity: dict[str, float | None] = field(default_factory=dict)

    def whole(self, item: str, q: float) -> float:
        """Round a quantity down to whole units for integer items."""
        return float(math.floor(q + EPS)) if self.items[item].integer else q


def _start(sc: Scenario) -> _State:
    H = sc.horizon
    stock = {(s.nation, s.item): np.full(H, float(s.on_hand)) for s in sc.stocks}
    floor = {(s.nation, s.item): s.floor for s in sc.stocks}
    target = {(s.nation, s.item): s.target for s in sc.stocks}
    used = {line.key: np.zeros(H) for line in sc.lines}
    budgets = {n.code: n.annual_budget for n in sc.nations}
    ways: dict[tuple[str, str], list[Route]] = {}
    for r in sorted(sc.routes, key=lambda r: r.lead_months):
        ways.setdefault((r.origin, r.recipient), []).append(r)
    return _State(sc, stock, floor, target, used, sc.item_map, budgets, ways=ways,
                  hub_capacity={h.code: h.capacity_tonnes for h in sc.hubs})


def _dispatch(st: _State, donor: str, recipient: str, item: str, t: int, q: float,
              pledge: str | None = None, *, in_horizon: bool = True) -> list[tuple[int, float]]:
    """Send up to q units at month t; returns (arrival month, quantity) of what went. Without
    routes all of it goes, arriving `delivery_lead_months` later; with routes, over the
    fastest routes from the donor with room for it in their arrival month (and, unless
    `in_horizon` is False, arriving within the horizon)."""
    if st.sc.routes:
        sent = _route(st, donor, recipient, item, t, q, in_horizon)
    else:
        sent = [(None, t + st.sc.settings.delivery_lead_months, q)]
    out = []
    for route, arrival, part in sent:
        st.stock[(donor, item)][t:] -= part
        st.donations.append(Donation(donor, recipient, item, t, arrival, part, pledge, route))
        if arrival < st.sc.horizon:
            key = (recipient, item, arrival)
            st.pool[key] = st.pool.get(key, 0.0) + part
        out.append((arrival, part))
    return out


def _route(st: _State, origin: str, recipient: str, item: str, t: int, q: float,
           in_horizon: bool) -> list[tuple[str | None, int, float]]:
    """Split q units leaving `origin` in month t over its routes to `recipient`, fastest
    first (then in routes.csv order), each taking what its and its hub's tonnes leave room for
    in its arrival month; the tonnes taken are booked."""
    weight = st.items[item].tonnes_per_unit
    out: list[tuple[str | None, int, float]] = []
    for r in st.ways.get((origin, recipient), []):
        arrival = t + r.lead_months
        if q <= EPS or (in_horizon and arrival >= st.sc.horizon):
            continue
        part = q
        if weight > 0:
            for key, cap in ((("route", r.code, arrival), r.capacity_tonnes),
                             (("hub", r.hub or "", arrival),
                              st.hub_capacity.get(r.hub or ""))):
                if cap is not None:
                    part = min(part, (cap - st.carried[key]) / weight)
        part = st.whole(item, max(0.0, part))
        if part <= EPS:
            continue
        st.carried[("route", r.code, arrival)] += part * weight
        st.carried[("hub", r.hub or "", arrival)] += part * weight
        out.append((r.code, arrival, part))
        q -= part
    return out


def _dispatch_pledge(st: _State, p: Pledge) -> str | None:
    """Dispatch a committed pledge at its month; return why it cannot be, if it cannot."""
    if p.quantity <= 0:
        return None
    pos = (p.donor, p.item)
    stock = st.stock.get(pos)
    held = float(stock[p.month:].min()) if stock is not None else 0.0
    month = st.sc.settings.month(p.month)
    if stock is None or held + EPS < p.quantity:
        return (f"pledge {p.id}: {p.donor} cannot dispatch {p.quantity:g} {p.item} to "
                f"{p.recipient} in {month} — it holds {held:g} (the greedy plan orders nothing "
                "ahead for pledges)")
    sent = 0.0
    # in its month; what the routes have no room for then, in the months before, latest first
    for t in range(p.month, -1, -1):
        if sent >= p.quantity - EPS or float(stock[t:].min()) < p.quantity - sent - EPS:
            break
        sent += sum(q for _, q in _dispatch(st, p.donor, p.recipient, p.item, t,
                                            p.quantity - sent, p.id, in_horizon=False))
    if sent < p.quantity - EPS:
        return (f"pledge {p.id}: the routes from {p.donor} to {p.recipient} carry only "
                f"{sent:g} of {p.quantity:g} {p.item} leaving by {month} (the greedy plan "
                "sends pledges in their month, or the months before where the fastest routes "
                "are full)")
    left, floor = float(stock[p.month]), st.floor.get(pos, 0.0)
    if left < floor - EPS:
        st.breaches.append(f"pledge {p.id}: {p.donor} {p.item} {month} falls to {left:g}, "
                           f"{floor - left:g} below its floor of {floor:g}")
    return None


def _dispatch_pledges(st: _State) -> None:
    """Honour committed pledges first, in month order; name every one that stock cannot cover."""
    committed = [p for p in st.sc.pledges if p.status == "committed"]
    reasons = [r for p in sorted(committed, key=lambda p: (p.month, p.id))
               if (r := _dispatch_pledge(st, p)) is not None]
    if reasons:
        raise InfeasiblePlan(reasons)


def _allocate(st: _State, req: Requirement, item: str, month: int, want: float) -> float:
    """Give up to `want` units that arrived at the recipient to a requirement."""
    key = (req.recipient, item, month)
    q = min(want, st.pool.get(key, 0.0))
    if q > EPS:
        st.pool[key] -= q
        st.fulfil[(req.id, item, month)] += q
        return q
    return 0.0


def _donatable(st: _State, donor: str, item: str, t: int, want: float) -> float:
    """Units a donor can give at month t without dropping below floor (above_aid) or zero."""
    stock = st.stock.get((donor, item))
    if stock is None:
        return 0.0
    keep = st.floor[(donor, item)] if st.sc.settings.readiness == "above_aid" else 0.0
    return max(0.0, st.whole(item, min(want, float(stock[t:].min()) - keep)))


def _serve(st: _State, req: Requirement) -> None:
    """Meet one requirement: arrivals already due first, then donations at the earliest month."""
    items = [req.item] if req.item else st.sc.family_items(req.family or "")
    remaining = req.quantity
    due = sorted((k for k in st.pool if k[0] == req.recipient and k[1] in items),
                 key=lambda k: (k[2], items.index(k[1])))
    for _, item, month in due:
        remaining -= _allocate(st, req, item, month, remaining)
    donors = [n.code for n in st.sc.members]
    t, gave = 0, True
    routes = bool(st.sc.routes)
    last = st.sc.horizon - (0 if routes else st.sc.settings.delivery_lead_months)
    # before any order, stock only falls: a month that yields nothing, later ones won't either
    # (unless routes were full that month)
    while (gave or routes) and remaining > EPS and t < last:
        gave = False
        for item in items:
            for donor in donors:
                q = _donatable(st, donor, item, t, remaining)
                if q > EPS:
                    for arrival, part in _dispatch(st, donor, req.recipient, item, t, q):
                        remaining -= _allocate(st, req, item, arrival, part)
                        gave = True
        t += 1


def _cheapest_lines(sc: Scenario) -> dict[str, ProductionLine]:
    """The line a hand planner calls first for each item: cheapest, then by producer code."""
    best: dict[str, ProductionLine] = {}
    for line in sorted(sc.lines, key=lambda ln: (ln.unit_price, ln.producer)):
        best.setdefault(line.item, line)
    return best


def _order(st: _State, member: str, line: ProductionLine, t: int) -> None:
    """Order toward the member's target from one line in month t, within capacity and budget."""
    pos = (member, line.item)
    stock = st.stock[pos]
    want = st.target[pos] - float(stock[-1])
    room = line.capacity - float(st.used[line.key][t])
    budget = st.budgets[member]
    if budget is not None and line.unit_price > 0:
        room = min(room, (budget - st.spent[(member, t // 12)]) / line.unit_price)
    q = st.whole(line.item, min(want, room))
    if q <= EPS:
        return
    arrival = t + line.lead_time
    st.used[line.key][t] += q
    st.spent[(member, t // 12)] += q * line.unit_price
    stock[arrival:] += q
    st.orders.append(Order(member, member, line.producer, line.item, t, arrival, q,
                           line.unit_price))


def _order_to_targets(st: _State) -> None:
    """Month by month, members below target order for themselves; only what arrives in time."""
    lines = _cheapest_lines(st.sc)
    for t in range(st.sc.horizon):
        for member in st.sc.members:
            for item in st.sc.items:
                line = lines.get(item.code)
                if (line is not None and (member.code, item.code) in st.stock
                        and t + line.lead_time < st.sc.horizon):
                    _order(st, member.code, line, t)


def _rows(st: _State, plan: Plan) -> None:
    """Fill the plan's production, stock, sustainment and fulfilment rows from the final
    state; the recipients' stocks and systems follow from the plan's deliveries by the one
    sustainment rule (plan/sustain.py)."""
    H = st.sc.horizon
    plan.production = [Production(line.producer, line.item, t, float(st.used[line.key][t]),
                                  line.capacity) for line in st.sc.lines for t in range(H)]
    plan.stocks = [StockLevel(n, i, t, float(st.stock[(n, i)][t]), st.floor[(n, i)],
                              st.target[(n, i)]) for n, i in st.stock for t in range(H)]
    arrivals = plan_arrivals(st.sc, plan)
    crews = train_crews(st.sc, arrivals, ahead=False)    # by hand: once arrived
    held, plan.sustainment = simulate_sustainment(st.sc, arrivals, crews)
    plan.stocks += held
    late = {r.id: r.needed_by for r in st.sc.requirements}
    plan.fulfilment = [Fulfilment(rid, item, month, q, month > late[rid])
                       for (rid, item, month), q in sorted(st.fulfil.items()) if q > EPS]


def _merged(donations: list[Donation]) -> list[Donation]:
    """One row per donor, recipient, item, month, pledge and route, in dispatch order."""
    total: dict[tuple[int, str, str, str, str, str], Donation] = {}
    for d in donations:
        key = (d.dispatch_month, d.donor, d.recipient, d.item, d.pledge or "", d.route or "")
        seen = total.get(key)
        total[key] = d if seen is None else replace(seen, quantity=seen.quantity + d.quantity)
    return [total[k] for k in sorted(total)]


def plan_greedy(scenario: Scenario) -> Plan:
    """Plan by hand-allocation rules; raise InfeasiblePlan naming pledges stock cannot cover."""
    started = time.perf_counter()
    st = _start(scenario)
    _dispatch_pledges(st)
    for req in sorted(scenario.requirements, key=lambda r: (r.priority, r.needed_by, r.id)):
        _serve(st, req)
    _order_to_targets(st)
    plan = Plan(method="greedy", status="heuristic", objective=0.0,
                procurement=scenario.settings.procurement,
                donations=_merged(st.donations),
                orders=st.orders, floor_breaches=st.breaches)
    _rows(st, plan)
    plan.objective = score_plan(scenario, plan)
    plan.timings = {"plan": time.perf_counter() - started}
    return plan
