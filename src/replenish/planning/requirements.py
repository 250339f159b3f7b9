"""Recipient requirements: arrivals at the recipient (donations, pledges, orders bought for it)
are allocated to requirements of the item or its family; later is late, never is unmet."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars


def arrival_terms(ix: PlanIndex, v: Vars) -> tuple[np.ndarray, np.ndarray]:
    """Columns arriving at each (recipient-item pair, month): returns (row = pair*H+t, col)."""
    H = ix.H
    t = np.arange(H)
    rows, cols = [], []

    def add(pair: np.ndarray, var: np.ndarray, lead: np.ndarray) -> None:
        arr = t[None, :] + lead[:, None]
        ok = (arr < H) & (pair[:, None] >= 0)
        rows.append((pair[:, None] * H + arr)[ok])
        cols.append(var[ok])

    if v["d"].size:
        pair = np.array([ix.ri_of.get((r, i), -1) for r, i in
                         zip(ix.don_rec.tolist(), ix.pos_item[ix.don_pos].tolist(), strict=True)])
        add(pair, v["d"], ix.don_lead)
    rec = {c: k for k, c in enumerate(ix.recipients)}
    for key, pledges, which, lead in (("pc", ix.committed, ix.pc_pledge, ix.pc_lead),
                                      ("pa", ix.announced, ix.pa_pledge, ix.pa_lead)):
        if v[key].size:
            pair = np.array([ix.ri_of.get((rec[pledges[k].recipient],
                                           ix.item_pos[pledges[k].item]), -1) for k in which])
            add(pair, v[key], lead)
    to_rec = np.flatnonzero(ix.ord_rec >= 0)
    if to_rec.size:
        item = np.array([ix.item_pos[ix.lines[li].item] for li in ix.ord_line[to_rec]])
        pair = np.array([ix.ri_of.get((r, i), -1) for r, i in
                         zip(ix.ord_rec[to_rec].tolist(), item.tolist(), strict=True)])
        add(pair, v["x"][to_rec], v["x_lead"][to_rec])
    if not rows:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def priority_weight(ix: PlanIndex, priority: np.ndarray) -> np.ndarray:
    """Weight multiplier of a priority: 1 for priority 1, decaying by `priority_decay`."""
    decay = ix.scenario.settings.weight("priority_decay")
    return np.power(decay, priority.astype(float) - 1.0)


def define_requirements(m: Model, ix: PlanIndex, v: Vars, info: Info, scale: float,
                        shared: tuple[tuple[str, float, float], ...] = ()) -> None:
    """Allocation f[pair, month] of arrivals to requirements, and unmet units u[requirement].

    A requirement in `shared` (id, part, value) is met by several item groups, each planning
    some of its family's items (planning by groups with `PlanOptions.split_families`),
    valued at `value` a unit (its whole family's, where the index knows only this group's
    items of it): here it has no unmet units, each unit allocated saves the cost of one
    unmet, its row only holds what this group allocates to at most the quantity, and the
    group carries `part` of the cost of the requirement wholly unmet as a constant. The
    groups together then cost what one model costs, and a coupling row
    (`info["shared_keys"]`, `info["shared_use"]`: what the group allocates to each) keeps
    their allocations together within the quantity."""
    H, Q = ix.H, len(ix.requirements)
    settings = ix.scenario.settings
    arr_rows, arr_cols = arrival_terms(ix, v)
    info["arrival_rows"], info["arrival_cols"] = arr_rows, arr_cols
    info["shared_keys"] = []
    info["shared_use"] = sp.csr_matrix((0, m.n_cols))
    if Q == 0:
        v["f"] = np.empty((0, H), np.int64)
        v["unmet"] = np.empty(0, np.int64)
        return
    reqs = ix.requirements
    need = np.array([q.needed_by for q in reqs])
    qty = np.array([q.quantity for q in reqs])
    pw = priority_weight(ix, np.array([q.priority for q in reqs]))
    part = {q: (p, worth) for q, p, worth in shared}
    met = np.array([q.id in part for q in reqs])
    value = np.array([part[q.id][1] if met[k] else ix.req_value[k]
                      for k, q in enumerate(reqs)]) / scale
    w_late, w_unmet = settings.weight("late"), settings.weight("unmet")
    a_req, a_item = ix.alloc_req, ix.alloc_item
    late_months = np.clip(np.arange(H)[None, :] - need[a_req][:, None], 0, None)
    f_cost = w_late * (pw * value)[a_req][:, None] * late_months
    # what never arrives is unmet, and late for every month to the end of the horizon too,
    # so a late delivery is always better than none
    u_cost = (w_unmet + w_late * (H - need)) * pw * value
    f_cost = f_cost - np.where(met, u_cost, 0.0)[a_req][:, None]
    n_a = len(a_req)
    v["f"] = f = m.add_vars("f", (n_a, H), 0.0, qty[a_req][:, None] * np.ones((1, H)), f_cost,
                            np.broadcast_to(ix.integer[a_item][:, None], (n_a, H)))
    v["unmet"] = u = m.add_vars("unmet", (Q,), 0.0, np.where(met, 0.0, qty),
                                np.where(met, 0.0, u_cost))
    m.add_rows("requirement", Q, np.concatenate([np.repeat(a_req, H), np.arange(Q)]),
               np.concatenate([f.ravel(), u]), 1.0, lower=np.where(met, 0.0, qty), upper=qty)
    if met.any():
        m.offset += float(sum(part[q.id][0] * u_cost[k] * qty[k]
                              for k, q in enumerate(reqs) if met[k]))
        on = np.flatnonzero(met)
        row_of = np.full(Q, -1)
        row_of[on] = np.arange(on.size)
        mine = np.flatnonzero(met[a_req])
        cols = f[mine].ravel()
        info["shared_keys"] = [reqs[k].id for k in on.tolist()]
        info["shared_use"] = sp.csr_matrix(
            (np.ones(cols.size), (np.repeat(row_of[a_req[mine]], H), cols)),
            shape=(on.size, m.n_cols))
    # allocations at a recipient in a month never exceed what arrived there that month
    rec = np.array([ix.recipients.index(q.recipient) for q in reqs], np.int64)
    pair = np.array([ix.ri_of[(r, i)] for r, i in zip(rec[a_req].tolist(), a_item.tolist(),
                                                       strict=True)], np.int64)
    n_rows = len(ix.ri_rec) * H
    f_rows = (pair[:, None] * H + np.arange(H)[None, :]).ravel()
    m.add_rows("received", n_rows, np.concatenate([f_rows, arr_rows]),
               np.concatenate([f.ravel(), arr_cols]),
               np.concatenate([np.ones(f.size), -np.ones(len(arr_cols))]), upper=0.0)
    info["received_pair"] = pair
