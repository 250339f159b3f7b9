"""Read a solution back into plain plan records (one list per plan file)."""

from __future__ import annotations

import numpy as np

from replenish.plan.records import (
    Donation,
    Expansion,
    Fulfilment,
    Order,
    Plan,
    Production,
    StockLevel,
)
from replenish.planning.build import BuiltModel
from replenish.planning.floors import stock_levels
from replenish.planning.index import PlanIndex
from replenish.planning.recipient import sustained
from replenish.planning.solve import Solution

EPS = 1e-6


def money_safe(values: np.ndarray, least: np.ndarray) -> np.ndarray:
    """Buyers' expansion shares (units/month, each paid at `expansion_cost`) to 6 decimals,
    rounded down: a share rounded up costs more than the plan paid, and at 97,300,000 a unit
    3e-8 of a unit more is 2.97 over a budget the plan filled (a generated scenario). A share
    just below `least` (a national buyer's min_expansion, else 0) by the LP's noise, up to a
    millionth, is `least`. A line's expansion, which no one pays as such, is its shares' sum
    rounded to nearest (see `_expansion_by_line`)."""
    x = np.asarray(values)
    # a millionth of a step up first: 0.213769 is 213768.99999999997 millionths as a float
    out = np.floor(x * 1e6 + 1e-6) / 1e6
    return np.where((out < least) & (x >= least - 1e-6), least, out)


def _clean(values: np.ndarray, integer: np.ndarray) -> np.ndarray:
    """Whole numbers for integer items, solver noise removed elsewhere."""
    out = np.where(integer, np.round(values), np.round(values, 6))
    out[np.abs(out) < EPS] = 0.0
    return out + 0.0


def donation_order(d: Donation) -> tuple[int, str, str, str, str, str]:
    """The order of donations.csv rows."""
    return (d.dispatch_month, d.donor, d.recipient, d.item, d.pledge or "", d.route or "")


def order_order(o: Order) -> tuple[int, str, str, str, str, str]:
    """The order of orders.csv rows."""
    return (o.production_month, o.producer, o.item, o.buyer, o.destination, o.route or "")


def fulfilment_order(f: Fulfilment) -> tuple[str, int, str]:
    """The order of fulfilment.csv rows."""
    return (f.requirement, f.arrival_month, f.item)


def assign_solution(built: BuiltModel, sol: Solution, method: str = "optimal") -> Plan:
    """Turn column values into donations, orders, production, expansions, stocks, fulfilment."""
    ix, v = built.index, built.vars
    val = sol.x
    plan = Plan(method=method, status=sol.status, objective=sol.objective * built.scale,
                procurement=ix.scenario.settings.procurement)
    plan.donations = _donations(ix, v, val)
    plan.orders = _orders(ix, v, val)
    expansion = _expansion_by_line(ix, built, val)
    plan.expansions = _expansions(ix, built, val)
    plan.expansion_shares = {(ix.lines[li].producer, ix.lines[li].item, b): x
                             for li, b, x in _expansion_shares(ix, built, val)}
    plan.production = _production(ix, plan.orders, expansion)
    plan.stocks = _member_stocks(ix, v, val)
    plan.fulfilment = _fulfilment(ix, v, val)
    if not built.info.get("fired_keys"):
        # (a group whose recipients' munitions are priced apart sees only part of their
        # stocks: the plan by groups applies the rule to all deliveries, decompose.resustain)
        recipient_stocks, plan.sustainment = sustained(built, val)
        plan.stocks += recipient_stocks
    return plan


def _values(v: np.ndarray, val: np.ndarray, integer: np.ndarray) -> np.ndarray:
    if v.size == 0:
        return np.zeros(v.shape)
    return _clean(val[v], np.broadcast_to(integer.reshape(-1, *([1] * (v.ndim - 1))), v.shape))


def _donations(ix: PlanIndex, v: dict[str, np.ndarray], val: np.ndarray) -> list[Donation]:
    routes = [r.code for r in ix.scenario.routes]

    def route(k: int) -> str | None:
        return routes[k] if k >= 0 else None

    out: list[Donation] = []
    q = _values(v["d"], val, ix.integer[ix.pos_item[ix.don_pos]])
    for c, t in zip(*np.nonzero(q > 0), strict=True):
        p = ix.don_pos[c]
        out.append(Donation(ix.pos_nation[p], ix.recipients[ix.don_rec[c]],
                            ix.items[ix.pos_item[p]], int(t), int(t) + int(ix.don_lead[c]),
                            float(q[c, t]), None, route(int(ix.don_route[c]))))
    for key, pledges, which, way, lead in (
            ("pc", ix.committed, ix.pc_pledge, ix.pc_route, ix.pc_lead),
            ("pa", ix.announced, ix.pa_pledge, ix.pa_route, ix.pa_lead)):
        integer = np.array([ix.integer[ix.item_pos[pledges[k].item]] for k in which], bool)
        q = _values(v[key], val, integer)
        for k, t in zip(*np.nonzero(q > 0), strict=True):
            pl = pledges[which[k]]
            out.append(Donation(pl.donor, pl.recipient, pl.item, int(t), int(t) + int(lead[k]),
                                float(q[k, t]), pl.id, route(int(way[k]))))
    out.sort(key=donation_order)
    return out


def contract_id(ix: PlanIndex, line_index: int) -> str:
    line = ix.lines[line_index]
    return f"JC-{line.producer}-{line.item}"


def _orders(ix: PlanIndex, v: dict[str, np.ndarray], val: np.ndarray) -> list[Order]:
    items = np.array([ix.item_pos[ix.lines[li].item] for li in ix.ord_line], np.int64)
    q = _values(v["x"], val, ix.integer[items] if len(items) else np.zeros(0, bool))
    joint = ix.scenario.settings.procurement == "joint"
    out: list[Order] = []
    for k, t in zip(*np.nonzero(q > 0), strict=True):
        li = int(ix.ord_line[k])
        line = ix.lines[li]
        r = int(ix.ord_route[k])
        out.append(Order(ix.ord_buyer[k], ix.ord_dest[k], line.producer, line.item, int(t),
                         int(t) + int(v["x_lead"][k]), float(q[k, t]), line.unit_price,
                         contract_id(ix, li) if joint else None,
                         ix.scenario.routes[r].code if r >= 0 else None))
    out.sort(key=order_order)
    return out


def _expansion_shares(ix: PlanIndex, built: BuiltModel, val: np.ndarray) -> list[tuple[int, str,
                                                                                       float]]:
    pairs = built.info.get("expansion_pairs", [])
    if not pairs:
        return []
    national = ix.scenario.settings.procurement == "national"
    least = np.array([ix.lines[li].min_expansion if national else 0.0 for li, _b in pairs])
    e = money_safe(val[built.vars["e"]], least)
    return [(li, b, float(x)) for (li, b), x in zip(pairs, e, strict=True) if x > EPS]


def _expansion_by_line(ix: PlanIndex, built: BuiltModel, val: np.ndarray) -> np.ndarray:
    """Each line's expansion: the sum of its buyers' shares, rounded once (shares rounded
    first lost up to a millionth a buyer: 0.999999 where at least 1 is allowed)."""
    total = np.zeros(len(ix.lines))
    pairs = built.info.get("expansion_pairs", [])
    if pairs:
        np.add.at(total, np.array([li for li, _b in pairs], np.int64), val[built.vars["e"]])
    total = np.round(total, 6)
    total[total <= EPS] = 0.0
    return total


def _expansions(ix: PlanIndex, built: BuiltModel, val: np.ndarray) -> list[Expansion]:
    shares = _expansion_shares(ix, built, val)
    if ix.scenario.settings.procurement == "national":
        return [Expansion(ix.lines[li].producer, ix.lines[li].item, b, x,
                          ix.lines[li].expansion_lead_time) for li, b, x in shares]
    total = _expansion_by_line(ix, built, val)
    return [Expansion(ln.producer, ln.item, None, float(total[li]), ln.expansion_lead_time)
            for li, ln in enumerate(ix.lines) if total[li] > EPS]


def _production(ix: PlanIndex, orders: list[Order], expansion: np.ndarray) -> list[Production]:
    H = ix.H
    made = {(ln.producer, ln.item): np.zeros(H) for ln in ix.lines}
    for o in orders:
        made[(o.producer, o.item)][o.production_month] += o.quantity
    out = []
    for li, ln in enumerate(ix.lines):
        for t in range(H):
            cap = ln.capacity + (expansion[li] if t >= ln.expansion_lead_time else 0.0)
            out.append(Production(ln.producer, ln.item, t,
                                  float(np.round(made[(ln.producer, ln.item)][t], 6)),
                                  float(np.round(cap, 6))))
    return out


def _member_stocks(ix: PlanIndex, v: dict[str, np.ndarray], val: np.ndarray) -> list[StockLevel]:
    s = _clean(stock_levels(ix, v, val), np.broadcast_to(ix.integer[ix.pos_item][:, None],
                                                          (len(ix.s0), ix.H)))
    out = []
    for p in range(len(ix.s0)):
        for t in range(ix.H):
            out.append(StockLevel(ix.pos_nation[p], ix.items[ix.pos_item[p]], t, float(s[p, t]),
                                  float(ix.floor[p]), float(ix.target[p])))
    return out


def _fulfilment(ix: PlanIndex, v: dict[str, np.ndarray], val: np.ndarray) -> list[Fulfilment]:
    if v["f"].size == 0:
        return []
    q = _values(v["f"], val, ix.integer[ix.alloc_item])
    # solver tolerance may deliver a requirement a few millionths over its quantity: trim
    # the excess from the largest allocation so the files never over-fill a requirement
    total = np.bincount(ix.alloc_req, q.sum(axis=1), len(ix.requirements))
    quantity = np.array([r.quantity for r in ix.requirements], float)
    for r in np.flatnonzero(total > quantity):
        a = np.flatnonzero(ix.alloc_req == r)
        k, t = np.unravel_index(np.argmax(q[a]), q[a].shape)
        q[a[k], t] = round(max(0.0, q[a[k], t] - (total[r] - quantity[r])), 6)
    out = []
    for a, t in zip(*np.nonzero(q > 0), strict=True):
        req = ix.requirements[ix.alloc_req[a]]
        out.append(Fulfilment(req.id, ix.items[ix.alloc_item[a]], int(t), float(q[a, t]),
                              bool(t > req.needed_by)))
    out.sort(key=fulfilment_order)
    return out
