"""Readiness floors and targets: a hard floor on what aid may take (by default), and the
soft unit-months below floor and below target that the objective weighs."""

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


def define_floor_and_target(m: Model, ix: PlanIndex, v: Vars, info: Info, scale: float) -> None:
    """Shortfall variables below floor and below target, weighted by item value."""
    H, s = ix.H, v["s"]
    settings = ix.scenario.settings
    value = ix.unit_cost[ix.pos_item] / scale
    for name, level, weight in (("floor", ix.floor, settings.floor_weight()),
                                ("target", ix.target, settings.weight("target"))):
        pos = np.flatnonzero(level > 0)
        n = len(pos)
        if n == 0:
            v["u_" + name] = np.empty((0, H), np.int64)
            v["u_" + name + "_pos"] = pos
            continue
        u = m.add_vars("u_" + name, (n, H), 0.0, level[pos][:, None] * np.ones((1, H)),
                       np.broadcast_to((weight * value[pos])[:, None], (n, H)))
        v["u_" + name] = u
        v["u_" + name + "_pos"] = pos
        rows = np.tile(np.arange(n * H), 2)
        cols = np.concatenate([u.ravel(), s[pos].ravel()])
        m.add_rows("below_" + name, n * H, rows, cols, 1.0,
                   lower=np.repeat(level[pos], H))
