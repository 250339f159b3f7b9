"""Orders on production lines, line capacity with expansion, and the demand-signal rule:
a producer adds capacity E only against committed orders for the extra output."""

from __future__ import annotations

import numpy as np

from replenish.model.records import ProductionLine
from replenish.plan.rules import commitment_factor, expansion_months
from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars


def define_orders(m: Model, ix: PlanIndex, v: Vars, scale: float) -> None:
    """Order variables x[channel, production month] with their cost as tie-breaker."""
    H, K = ix.H, len(ix.ord_line)
    lines = ix.lines
    # an order for a recipient arrives its route's months after leaving the line's nation
    route_lead = np.array([ix.scenario.routes[r].lead_months if r >= 0 else 0
                           for r in ix.ord_route.tolist()], np.int64)
    lead = np.array([lines[li].lead_time for li in ix.ord_line], np.int64) + route_lead
    cap = np.array([lines[li].capacity + lines[li].max_expansion for li in ix.ord_line])
    price = np.array([lines[li].unit_price for li in ix.ord_line])
    item = np.array([ix.item_pos[lines[li].item] for li in ix.ord_line], np.int64)
    months = np.arange(H)
    ub = np.broadcast_to(cap[:, None], (K, H)).copy()
    # buying for a recipient only makes sense when it arrives within the horizon
    to_rec = ix.ord_rec >= 0
    ub[to_rec[:, None] & (months[None, :] + lead[:, None] >= H)] = 0.0
    w_cost = ix.scenario.settings.weight("cost")
    cost = np.broadcast_to((w_cost * price / scale)[:, None], (K, H))
    integer = np.broadcast_to(ix.integer[item][:, None], (K, H)) if K else False
    v["x"] = m.add_vars("x", (K, H), 0.0, ub, cost, integer)
    v["x_lead"] = lead


def expansion_pairs(ix: PlanIndex) -> list[tuple[int, str]]:
    """(line, buyer) pairs that may carry an expansion: expandable lines, buyers ordering there."""
    H = ix.H
    pairs: dict[tuple[int, str], None] = {}
    for li, b in zip(ix.ord_line.tolist(), ix.ord_buyer, strict=True):
        line = ix.lines[li]
        if line.max_expansion > 0 and len(expansion_months(line, H)) > 0:
            pairs[(li, b)] = None
    return list(pairs)


def define_expansion(m: Model, ix: PlanIndex, v: Vars, info: Info, scale: float) -> None:
    """Expansion shares e[line, buyer] and a binary y[line] saying whether the line expands.

    Joint: the buyers' shares add up to the line's E, min <= E <= max when it expands.
    National: each buyer's own E_b, min <= E_b <= max when that buyer expands.
    """
    pairs = expansion_pairs(ix)
    info["expansion_pairs"] = pairs
    if not pairs:
        v["e"] = v["y"] = v["y_lines"] = np.empty(0, np.int64)
        return
    lines = ix.lines
    line_of = np.array([p[0] for p in pairs], np.int64)
    ecost = np.array([lines[li].expansion_cost for li in line_of])
    emax = np.array([lines[li].max_expansion for li in line_of])
    emin = np.array([lines[li].min_expansion for li in line_of])
    w_cost = ix.scenario.settings.weight("cost")
    v["e"] = e = m.add_vars("e", (len(pairs),), 0.0, emax, w_cost * ecost / scale)
    uniq, group = np.unique(line_of, return_inverse=True)
    v["y_lines"] = uniq
    v["y"] = y = m.add_vars("y", (len(uniq),), 0.0, 1.0, 0.0, True)
    lmax = np.array([lines[li].max_expansion for li in uniq])
    lmin = np.array([lines[li].min_expansion for li in uniq])
    n, k = len(uniq), len(pairs)
    # sum of shares <= max * y[line]
    m.add_rows("expansion_upper", n, np.concatenate([group, np.arange(n)]),
               np.concatenate([e, y]), np.concatenate([np.ones(k), -lmax]), upper=0.0)
    if ix.scenario.settings.procurement == "national":
        needs = np.flatnonzero(emin > 0)
        yb = m.add_vars("y_buyer", (len(needs),), 0.0, 1.0, 0.0, True)
        r = np.arange(len(needs))
        m.add_rows("expansion_buyer_upper", len(needs), np.tile(r, 2),
                   np.concatenate([e[needs], yb]),
                   np.concatenate([np.ones(len(needs)), -emax[needs]]), upper=0.0)
        m.add_rows("expansion_buyer_lower", len(needs), np.tile(r, 2),
                   np.concatenate([e[needs], yb]),
                   np.concatenate([np.ones(len(needs)), -emin[needs]]), lower=0.0)
    else:
        m.add_rows("expansion_lower", n, np.concatenate([group, np.arange(n)]),
                   np.concatenate([e, y]), np.concatenate([np.ones(k), -lmin]), lower=0.0)


def define_capacity(m: Model, ix: PlanIndex, v: Vars, info: Info) -> None:
    """Per line and month: orders produced <= capacity + expansion available that month."""
    H, x = ix.H, v["x"]
    n_lines = len(ix.lines)
    if n_lines == 0 or x.size == 0:
        return
    months = np.arange(H)
    rows = (ix.ord_line[:, None] * H + months[None, :]).ravel()
    cols, vals = [x.ravel()], [np.ones(x.size)]
    rws = [rows]
    pairs = info["expansion_pairs"]
    for k, (li, _b) in enumerate(pairs):
        avail = _months(ix.lines[li], H)
        rws.append(li * H + avail)
        cols.append(np.full(len(avail), v["e"][k]))
        vals.append(-np.ones(len(avail)))
    cap = np.repeat([ln.capacity for ln in ix.lines], H)
    m.add_rows("capacity", n_lines * H, np.concatenate(rws), np.concatenate(cols),
               np.concatenate(vals), upper=cap)


def _months(line: ProductionLine, horizon: int) -> np.ndarray:
    """The expansion months A of `line` (plan/rules.py) as an index array."""
    months = expansion_months(line, horizon)
    return np.arange(months.start, months.stop)


def define_commitment(m: Model, ix: PlanIndex, v: Vars, info: Info) -> None:
    """Expansion only against committed extra offtake, line-wide and per buyer's share."""
    pairs: list[tuple[int, str]] = info["expansion_pairs"]
    if not pairs:
        return
    H, x = ix.H, v["x"]
    by_line: dict[int, list[int]] = {}
    for k, (li, _b) in enumerate(pairs):
        by_line.setdefault(li, []).append(k)
    # sum over A of (orders - capacity) >= E * min(commitment_months, |A|) when the line expands
    y_of = {int(li): int(y) for li, y in zip(v["y_lines"], v["y"], strict=True)}
    r_l, c_l, v_l = [], [], []
    for r, (li, ks) in enumerate(by_line.items()):
        line = ix.lines[li]
        a = _months(line, H)
        k_a = commitment_factor(line, H)
        chans = np.flatnonzero(ix.ord_line == li)
        xs = x[chans][:, a].ravel()
        r_l += [np.full(xs.size + len(ks) + 1, r)]
        c_l += [xs, v["e"][ks], np.array([y_of[li]])]
        v_l += [np.ones(xs.size), np.full(len(ks), -float(k_a)),
                np.array([-line.capacity * len(a)])]
    m.add_rows("commitment_line", len(by_line), np.concatenate(r_l), np.concatenate(c_l),
               np.concatenate(v_l), lower=0.0)
    r_b, c_b, v_b = [], [], []
    buyers = np.array(ix.ord_buyer)
    for k, (li, b) in enumerate(pairs):
        line = ix.lines[li]
        a = _months(line, H)
        k_a = commitment_factor(line, H)
        chans = np.flatnonzero((ix.ord_line == li) & (buyers == b))
        xs = x[chans][:, a].ravel()
        r_b += [np.full(xs.size + 1, k)]
        c_b += [xs, v["e"][k:k + 1]]
        v_b += [np.ones(xs.size), np.array([-float(k_a)])]
    m.add_rows("commitment_buyer", len(pairs), np.concatenate(r_b), np.concatenate(c_b),
               np.concatenate(v_b), lower=0.0)
