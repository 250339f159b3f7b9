"""Stock balance of every member position: on_hand[t] = on_hand[t-1] + arrivals[t] - dispatched[t],
as one block of rows built by shifting whole arrays along the month axis."""

from __future__ import annotations

import numpy as np

from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars


def define_stock_balance(m: Model, ix: PlanIndex, v: Vars, info: Info, lower: np.ndarray) -> None:
    """Stock variables s[position, month] >= `lower` and their balance rows."""
    P, H = len(ix.s0), ix.H
    if P == 0:
        v["s"] = np.empty((0, H), np.int64)
        return
    v["s"] = s = m.add_vars("s", (P, H), lower, np.inf)
    idx = np.arange(P * H).reshape(P, H)
    rows = [idx.ravel(), idx[:, 1:].ravel()]
    cols = [s.ravel(), s[:, :-1].ravel()]
    vals = [np.ones(P * H), -np.ones(P * (H - 1))]
    # arrivals of orders destined to the buyer's own position, shifted by lead time
    own = np.flatnonzero(ix.ord_pos >= 0)
    if own.size:
        lead = v["x_lead"][own]
        t = np.arange(H)
        arr = t[None, :] + lead[:, None]
        ok = arr < H
        rows.append((ix.ord_pos[own][:, None] * H + arr)[ok])
        cols.append(v["x"][own][ok])
        vals.append(-np.ones(int(ok.sum())))
    # dispatches: free donations and pledges leave in their dispatch month
    if v["d"].size:
        rows.append((ix.don_pos[:, None] * H + np.arange(H)[None, :]).ravel())
        cols.append(v["d"].ravel())
        vals.append(np.ones(v["d"].size))
    for key, pledges in (("pc", ix.committed), ("pa", ix.announced)):
        if v[key].size:
            pos = np.array([ix.pos_of[(p.donor, p.item)] for p in pledges], np.int64)
            rows.append((pos[:, None] * H + np.arange(H)[None, :]).ravel())
            cols.append(v[key].ravel())
            vals.append(np.ones(v[key].size))
    rhs = np.zeros((P, H))
    rhs[:, 0] = ix.s0
    m.add_rows("balance", P * H, np.concatenate(rows), np.concatenate(cols),
               np.concatenate(vals), lower=rhs.ravel(), upper=rhs.ravel())
