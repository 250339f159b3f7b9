"""Readiness floors and targets: a hard floor on what aid may take (by default), and the
soft unit-months below floor and below target that the objective weighs.

Each position's stock is written in pieces rather than as one column with a shortfall row
per level: with `top` the higher of its floor and target and `low` the lower,

    stock = top + above - upper - lower

where `above` >= 0 is stock over `top`, `upper` in [0, top - low] the shortfall between the
two levels and `lower` in [0, low - bound] the shortfall below both. The objective weighs
`lower` by both weights and `upper` by the one of the level above it, so no plan gains by a
shortfall in `lower` while `upper` has room, and the pieces cost what the unit-months below
floor and below target cost. This leaves out the two rows per position and month that tie
shortfall columns to a stock column (M's largest item group: 104,351 rows against 42,000),
which is what HiGHS's simplex spends its time on.
"""

from __future__ import annotations

import numpy as np

from replenish.planning.builder import Model
from replenish.planning.donations import committed_due
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars


def stock_lower_bounds(ix: PlanIndex) -> np.ndarray:
    """Lowest stock each position may reach each month, (P, H).

    With readiness "above_aid", aid may not take a donor below its floor; where the donor
    already is (or committed pledges push it) below the floor, it may go no lower than that.
    """
    P, H = len(ix.s0), ix.H
    if ix.scenario.settings.readiness != "above_aid":
        return np.zeros((P, H))
    owed = ix.s0[:, None] - committed_due(ix)
    return np.clip(np.minimum(ix.floor[:, None], owed), 0.0, None)


def stock_top(ix: PlanIndex) -> np.ndarray:
    """Each position's higher level, floor or target, (P,)."""
    return np.maximum(np.maximum(ix.floor, ix.target), 0.0)


def define_stock(m: Model, ix: PlanIndex, v: Vars, info: Info, lower: np.ndarray,
                 scale: float) -> None:
    """The pieces of every position's stock (see the module's docstring): `s` (P, H) the
    stock above `top`, `s_upper` and `s_lower` the shortfalls of the positions in
    `s_upper_pos` and `s_lower_pos`; the stock's lowest level `lower` (P, H) bounds them."""
    P, H = len(ix.s0), ix.H
    settings = ix.scenario.settings
    floor_w, target_w = settings.floor_weight(), settings.weight("target")
    value = ix.unit_cost[ix.pos_item] / scale
    # the upper piece is below the floor where the floor is the higher level, else below the
    # target; the lower piece is below both
    upper_w = np.where(ix.floor > ix.target, floor_w, target_w) * value
    lower_w = (floor_w + target_w) * value
    # the lowest level is at most the floor, so never above `top`
    v["s"] = m.add_vars("s", (P, H), 0.0, np.inf)
    for (name, size), weight in zip(_room(ix, lower).items(), (upper_w, lower_w), strict=True):
        pos = np.flatnonzero((size > 0).any(axis=1))
        v[name + "_pos"] = pos
        v[name] = m.add_vars(name, (len(pos), H), 0.0, size[pos],
                             np.broadcast_to(weight[pos][:, None], (len(pos), H)))


def _room(ix: PlanIndex, lower: np.ndarray) -> dict[str, np.ndarray]:
    """Upper bounds (P, H) of the upper and lower shortfall pieces."""
    top = stock_top(ix)[:, None]
    low = np.maximum(np.minimum(ix.floor, ix.target), 0.0)[:, None]
    return {"s_upper": np.clip(top - np.maximum(low, lower), 0.0, None),
            "s_lower": np.clip(low - lower, 0.0, None)}


def stock_pieces(ix: PlanIndex, v: Vars) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(columns (n, H), their positions (n,), sign in the stock) of every piece."""
    P = len(ix.s0)
    return [(v["s"], np.arange(P), 1.0), (v["s_upper"], v["s_upper_pos"], -1.0),
            (v["s_lower"], v["s_lower_pos"], -1.0)]


def stock_levels(ix: PlanIndex, v: Vars, val: np.ndarray) -> np.ndarray:
    """Each position's stock each month, (P, H), from column values `val`."""
    out = np.broadcast_to(stock_top(ix)[:, None], (len(ix.s0), ix.H)).copy()
    for cols, pos, sign in stock_pieces(ix, v):
        if cols.size:
            np.add.at(out, pos, sign * val[cols])
    return out


def floor_reduced_costs(ix: PlanIndex, v: Vars, col_dual: np.ndarray) -> np.ndarray:
    """What one unit less of each position's lowest stock is worth each month, (P, H): the
    reduced cost of the lowest piece with room (the stock's own column where no piece has)."""
    out = col_dual[v["s"]].copy() if v["s"].size else np.zeros((len(ix.s0), ix.H))
    room = _room(ix, stock_lower_bounds(ix))
    for name in ("s_upper", "s_lower"):      # lower last: it is the lowest piece
        cols, pos = v[name], v[name + "_pos"]
        if cols.size:
            out[pos] = np.where(room[name][pos] > 0, -col_dual[cols], out[pos])
    return out
