"""Donations from members to recipients: free donations, committed pledges (must be
dispatched by their month, even below the floor) and announced pledges (a preference)."""

from __future__ import annotations

import numpy as np

from replenish.errors import InfeasiblePlan
from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex, held_by_floor, pledged_due
from replenish.planning.options import Info, Vars


def committed_due(ix: PlanIndex) -> np.ndarray:
    """Cumulative committed pledge quantity due from each position by each month, (P, H)."""
    return pledged_due(ix.committed, ix.pos_of, len(ix.s0), ix.H)


def held(ix: PlanIndex) -> np.ndarray:
    """Positions and months (P, H) a donor may give nothing freely (see `held_by_floor`)."""
    return held_by_floor(ix.scenario.settings.readiness, ix.s0, ix.floor, committed_due(ix))


def define_donations(m: Model, ix: PlanIndex, v: Vars, info: Info, scale: float) -> None:
    """Free donation variables d[channel, dispatch month] (a channel: a donor's position, a
    recipient and, where routes.csv exists, a route); none that would arrive after the
    horizon, and none in months a donor is held below its floor by what it already owes
    (readiness "above_aid")."""
    H = ix.H
    D = len(ix.don_pos)
    months = np.arange(H)
    ub = np.full((D, H), np.inf)
    ub[months[None, :] + ix.don_lead[:, None] >= H] = 0.0
    ub[held(ix)[ix.don_pos]] = 0.0
    item = ix.pos_item[ix.don_pos]
    # a little friction per unit moved, so nothing moves without a reason
    friction = 0.01 * ix.scenario.settings.weight("cost") * ix.unit_cost[item] / scale
    integer = np.broadcast_to(ix.integer[item][:, None], (D, H)) if D else False
    v["d"] = m.add_vars("d", (D, H), 0.0, ub, np.broadcast_to(friction[:, None], (D, H)),
                        integer)


def define_pledges(m: Model, ix: PlanIndex, v: Vars, info: Info, scale: float) -> None:
    """Committed pledges dispatched in full by their month; announced ones up to quantity.
    A pledge's variables are one row per way it may travel (`PlanIndex.pc_pledge`)."""
    H = ix.H
    months = np.arange(H)
    C, K = len(ix.committed), len(ix.pc_pledge)
    c_item = np.array([ix.item_pos[ix.committed[k].item] for k in ix.pc_pledge], np.int64)
    c_month = np.array([ix.committed[k].month for k in ix.pc_pledge], np.int64)
    c_ub = np.where(months[None, :] <= c_month[:, None], np.inf, 0.0) if K else np.zeros((0, H))
    v["pc"] = pc = m.add_vars("pc", (K, H), 0.0, c_ub, 0.0,
                              np.broadcast_to(ix.integer[c_item][:, None], (K, H)) if K else False)
    if C:
        m.add_rows("pledge_committed", C, np.repeat(ix.pc_pledge, H), pc.ravel(), 1.0,
                   lower=np.array([p.quantity for p in ix.committed]),
                   upper=np.array([p.quantity for p in ix.committed]))
    A, K = len(ix.announced), len(ix.pa_pledge)
    a_item = np.array([ix.item_pos[ix.announced[k].item] for k in ix.pa_pledge], np.int64)
    a_ub = np.where(months[None, :] + ix.pa_lead[:, None] < H, np.inf, 0.0) if K \
        else np.zeros((0, H))
    if K:
        a_pos = np.array([ix.pos_of[(ix.announced[k].donor, ix.announced[k].item)]
                          for k in ix.pa_pledge], np.int64)
        a_ub[held(ix)[a_pos]] = 0.0
    bonus = -ix.scenario.settings.weight("announced") * ix.unit_cost[a_item] / scale
    v["pa"] = pa = m.add_vars(
        "pa", (K, H), 0.0, a_ub, np.broadcast_to(bonus[:, None], (K, H)),
        np.broadcast_to(ix.integer[a_item][:, None], (K, H)) if K else False)
    if A:
        m.add_rows("pledge_announced", A, np.repeat(ix.pa_pledge, H), pa.ravel(), 1.0,
                   upper=np.array([p.quantity for p in ix.announced]))


def check_pledges_coverable(ix: PlanIndex) -> None:
    """Name every committed pledge that no stock and no production can cover in time."""
    H = ix.H
    supply = np.zeros((len(ix.s0), H))
    for li, line in enumerate(ix.lines):
        chans = np.flatnonzero((ix.ord_line == li) & (ix.ord_pos >= 0))
        per_month = line.capacity + line.max_expansion
        for p in np.unique(ix.ord_pos[chans]):
            arrive = np.arange(H) + line.lead_time
            ok = arrive < H
            add = np.zeros(H)
            np.add.at(add, arrive[ok], per_month)
            supply[p] += np.cumsum(add)
    available = ix.s0[:, None] + supply
    due = committed_due(ix)
    reasons = []
    for pl in sorted(ix.committed, key=lambda p: (p.month, p.id)):
        p = ix.pos_of[(pl.donor, pl.item)]
        if due[p, pl.month] > available[p, pl.month] + 1e-9:
            reasons.append(
                f"pledge {pl.id}: {pl.donor} cannot dispatch {pl.quantity:g} {pl.item} to "
                f"{pl.recipient} by {ix.scenario.settings.month(pl.month)} — it holds "
                f"{ix.s0[p]:g} and at most {supply[p, pl.month]:g} more can arrive by then "
                f"(committed pledges due by then: {due[p, pl.month]:g})")
    if reasons:
        raise InfeasiblePlan(reasons)


def pledges_needing_production(ix: PlanIndex) -> list[str]:
    """Committed pledges their donor can only honour with orders: the likely culprits when
    budgets or capacity shared with other buyers make the plan infeasible."""
    due = committed_due(ix)
    out = []
    for pl in sorted(ix.committed, key=lambda p: (p.month, p.id)):
        p = ix.pos_of[(pl.donor, pl.item)]
        short = due[p, pl.month] - ix.s0[p]
        if short > 1e-9:
            out.append(f"pledge {pl.id}: {pl.donor} must dispatch {pl.quantity:g} {pl.item} to "
                       f"{pl.recipient} by {ix.scenario.settings.month(pl.month)} but holds "
                       f"{ix.s0[p]:g}; the {short:g} missing cannot be produced and delivered "
                       f"in time within its budget and the lines' capacity")
    return out
