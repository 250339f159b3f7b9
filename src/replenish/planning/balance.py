"""Stock balance of every member position: on_hand[t] = on_hand[t-1] + arrivals[t] - dispatched[t],
as one block of rows built by shifting whole arrays along the month axis."""

from __future__ import annotations

import numpy as np

from replenish.planning.builder import Model
from replenish.planning.floors import stock_pieces, stock_top
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars


def define_stock_balance(m: Model, ix: PlanIndex, v: Vars, info: Info) -> None:
    """Balance rows of every position's stock, written in its pieces (planning/floors.py)."""
    P, H = len(ix.s0), ix.H
    if P == 0:
        return
    idx = np.arange(P * H).reshape(P, H)
    rows, cols, vals = [], [], []
    for piece, pos, sign in stock_pieces(ix, v):
        if piece.size:
            rows += [idx[pos].ravel(), idx[pos][:, 1:].ravel()]
            cols += [piece.ravel(), piece[:, :-1].ravel()]
            vals += [np.full(piece.size, sign), np.full(piece[:, :-1].size, -sign)]
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
    for key, pledges, which in (("pc", ix.committed, ix.pc_pledge),
                                ("pa", ix.announced, ix.pa_pledge)):
        if v[key].size:
            pos = np.array([ix.pos_of[(pledges[k].donor, pledges[k].item)] for k in which],
                           np.int64)
            rows.append((pos[:, None] * H + np.arange(H)[None, :]).ravel())
            cols.append(v[key].ravel())
            vals.append(np.ones(v[key].size))
    rhs = np.zeros((P, H))
    rhs[:, 0] = ix.s0 - stock_top(ix)
    m.add_rows("balance", P * H, np.concatenate(rows), np.concatenate(cols),
               np.concatenate(vals), lower=rhs.ravel(), upper=rhs.ravel())
