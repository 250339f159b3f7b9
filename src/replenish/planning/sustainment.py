"""Sustainment: a system at the recipient is operational once a crew has trained for it, and
active in a month only when its munitions (any usable one) are supplied from the recipient's
stock; the rest of the fleet is idle system-months, which the objective weighs by the
platform's value.

The model is the optimiser's view of plan/sustain.py, the rule the written plan follows: the
same platforms, rates, usable munitions and weights. It may hold rounds back where the rule
fires them (a round kept for a more valuable system next month), so the plan files come from
the rule applied to the solution's deliveries and crews, not from these columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from replenish.plan.sustain import Platform, sustained_platforms
from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars


@dataclass
class SustainmentIndex:
    platforms: list[Platform]                # one per (recipient, platform)
    pairs: list[tuple[str, str]]             # (recipient, platform)
    fielded: np.ndarray
    munition_pairs: list[tuple[str, str]]    # (recipient, munition) held in inventory


def sustainment_index(ix: PlanIndex, exported: tuple[tuple[str, str], ...] = ()
                      ) -> SustainmentIndex:
    """Recipient platforms to sustain and the munitions they may fire, and those that other
    item groups' platforms fire (`exported`)."""
    platforms = sustained_platforms(ix.scenario)
    mun = sorted({(p.recipient, m) for p in platforms for m in p.usable} | set(exported))
    return SustainmentIndex(platforms, [p.pair for p in platforms],
                            np.array([p.fielded for p in platforms]), mun)


def define_sustainment(m: Model, ix: PlanIndex, v: Vars, info: Info, scale: float,
                       imported: tuple[tuple[str, str], ...] = (),
                       exported: tuple[tuple[str, str], ...] = ()) -> None:
    """Fleet, crews, operational and active systems, munition use and recipient inventory.

    Planning by item groups with sustainment split (`PlanOptions.split_sustainment`), a
    group's platforms may fire munitions another group plans (`imported`: (recipient,
    munition)), whose stock here receives rounds from import columns instead of arrivals,
    and its own munitions may be fired by other groups' platforms (`exported`), whose stock
    here gives rounds to export columns. A coupling row per (recipient, munition, month)
    keeps what the groups import within what they export (`info["fired_keys"]`,
    `info["fired_use"]`: imports +1, exports -1)."""
    si = sustainment_index(ix, exported)
    info["sustainment"] = si
    info["fired_keys"] = []
    info["fired_use"] = sp.csr_matrix((0, m.n_cols))
    H, n = ix.H, len(si.pairs)
    if n == 0:
        if si.munition_pairs:
            _define_munitions(m, ix, v, info, si, np.empty((0, H), np.int64), imported,
                              exported)
        return
    # fleet[t] = fielded + arrivals up to t
    v["fleet"] = flt = m.add_vars("fleet", (n, H))
    rows, cols, vals = _running_balance(ix, info, si.pairs, flt)
    rhs = np.zeros((n, H))
    rhs[:, 0] = si.fielded
    m.add_rows("fleet", n * H, np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
               lower=rhs.ravel(), upper=rhs.ravel())
    w = (ix.scenario.settings.weight("idle") / scale
         * np.array([p.weight for p in si.platforms]))
    # idle = fleet - active: charge the fleet, credit the active (the score's idle term,
    # nothing more: which systems wait for a crew and which for ammunition is the written
    # plan's, plan/sustain.py, with crews trained as soon as seats allow)
    v["operational"] = op = m.add_vars("operational", (n, H))
    m.add_cost(flt.ravel(), np.repeat(w, H))
    m.add_rows("operational_fleet", n * H, np.tile(np.arange(n * H), 2),
               np.concatenate([op.ravel(), flt.ravel()]),
               np.concatenate([np.ones(n * H), -np.ones(n * H)]), upper=0.0)
    _define_crews(m, ix, v, si, op)
    v["active"] = act = m.add_vars("active", (n, H), 0.0, np.inf,
                                   np.broadcast_to(-w[:, None], (n, H)))
    m.add_rows("active_operational", n * H, np.tile(np.arange(n * H), 2),
               np.concatenate([act.ravel(), op.ravel()]),
               np.concatenate([np.ones(n * H), -np.ones(n * H)]), upper=0.0)
    _define_munitions(m, ix, v, info, si, act, imported, exported)
    _prefer_fielded_types(m, ix, info, si, scale)


def _prefer_fielded_types(m: Model, ix: PlanIndex, info: Info, si: SustainmentIndex,
                          scale: float) -> None:
    """`[weights] new_type`: a charge per platform delivered of a type the recipient does not
    field yet, so the planner prefers types it already supports."""
    w = ix.scenario.settings.weight("new_type")
    if w <= 0:
        return
    fielded = {(f.recipient, f.platform) for f in ix.scenario.fielded if f.quantity > 0}
    kinds = {i.code: i.kind for i in ix.scenario.items}
    arrivals = _pair_arrivals(ix, info)
    for (r, i), ri in ix.ri_of.items():
        code = ix.items[i]
        if kinds[code] == "platform" and (ix.recipients[r], code) not in fielded \
                and ri in arrivals:
            m.add_cost(arrivals[ri][1], w * ix.unit_cost[i] / scale)


def _running_balance(ix: PlanIndex, info: Info, pairs: list[tuple[str, str]],
                     level: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray],
                                                 list[np.ndarray]]:
    """Rows, columns and values of `level[k, t] - level[k, t-1] - arrivals[k, t]` for each
    (recipient, item) pair k: a recipient's running total of what reached it."""
    H, n = ix.H, len(pairs)
    rows = [np.arange(n * H), np.arange(n * H).reshape(n, H)[:, 1:].ravel()]
    cols = [level.ravel(), level[:, :-1].ravel()]
    vals = [np.ones(n * H), -np.ones(n * (H - 1))]
    arrivals = _pair_arrivals(ix, info)
    rec_pos = {c: k for k, c in enumerate(ix.recipients)}
    for k, (r, item) in enumerate(pairs):
        # (a munition another group plans has no arrivals here: it is imported)
        ri = ix.ri_of.get((rec_pos[r], ix.item_pos.get(item, -1)))
        if ri is not None and ri in arrivals:
            arr_t, arr_c = arrivals[ri]
            rows.append(k * H + arr_t)
            cols.append(arr_c)
            vals.append(-np.ones(len(arr_c)))
    return rows, cols, vals


def _pair_arrivals(ix: PlanIndex, info: Info) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Arrival (month, column) per recipient-item pair, from the requirements module's terms."""
    H = ix.H
    rows, cols = info["arrival_rows"], info["arrival_cols"]
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    if len(rows) == 0:
        return out
    order = np.argsort(rows // H, kind="stable")
    pairs = rows[order] // H
    bounds = np.flatnonzero(np.diff(pairs)) + 1
    for chunk in np.split(order, bounds):
        out[int(rows[chunk[0]] // H)] = (rows[chunk] % H, cols[chunk])
    return out


def _define_crews(m: Model, ix: PlanIndex, v: Vars, si: SustainmentIndex,
                  op: np.ndarray) -> None:
    """Donated systems need a crew: at most seats_per_month crews start a course each month."""
    H = ix.H
    training = {tr.platform: tr for tr in ix.scenario.training}
    gated = [k for k, (_, p) in enumerate(si.pairs) if p in training]
    if not gated:
        return
    g = len(gated)
    v["crew_starts"] = c = m.add_vars("crew_starts", (g, H), 0.0, np.inf, 1e-9)
    v["crews"] = cr = m.add_vars("crews", (g, H))
    v["crew_pairs"] = np.array(gated, np.int64)
    rows, cols, vals = [np.arange(g * H)], [cr.ravel()], [np.ones(g * H)]
    rows.append(np.arange(g * H).reshape(g, H)[:, 1:].ravel())
    cols.append(cr[:, :-1].ravel())
    vals.append(-np.ones(g * (H - 1)))
    for j, k in enumerate(gated):
        course = training[si.pairs[k][1]].course_months
        done = np.arange(course, H)
        rows.append(j * H + done)
        cols.append(c[j, :max(0, H - course)])
        vals.append(-np.ones(len(done)))
    m.add_rows("crews", g * H, np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
               lower=0.0, upper=0.0)
    m.add_rows("operational_crews", g * H, np.tile(np.arange(g * H), 2),
               np.concatenate([op[gated].ravel(), cr.ravel()]),
               np.concatenate([np.ones(g * H), -np.ones(g * H)]),
               upper=np.repeat(si.fielded[gated], H))
    platforms = sorted({si.pairs[k][1] for k in gated})
    seat_row = {p: j for j, p in enumerate(platforms)}
    srows = np.concatenate([seat_row[si.pairs[k][1]] * H + np.arange(H) for k in gated])
    m.add_rows("training_seats", len(platforms) * H, srows, c.ravel(), 1.0,
               upper=np.repeat([training[p].seats_per_month for p in platforms], H))


def _define_munitions(m: Model, ix: PlanIndex, v: Vars, info: Info, si: SustainmentIndex,
                      act: np.ndarray, imported: tuple[tuple[str, str], ...] = (),
                      exported: tuple[tuple[str, str], ...] = ()) -> None:
    """Each active system fires its rate from the recipient's inventory of any usable munition;
    the inventory is what arrived (or was imported) less what was fired or exported (meeting
    a requirement takes nothing). See `define_sustainment` for imports and exports."""
    H = ix.H
    t = np.arange(H)
    firing = [(k, p) for k, p in enumerate(si.platforms) if p.rate > 0]
    mun_of = {p: k for k, p in enumerate(si.munition_pairs)}
    into_pairs, out_pairs = set(imported), set(exported)
    into = [k for k, p in enumerate(si.munition_pairs) if p in into_pairs]
    out = [k for k, p in enumerate(si.munition_pairs) if p in out_pairs]
    if not firing and not out:
        v["use"] = v["inventory"] = np.empty((0, H), np.int64)
        return
    use_row = np.array([j for j, (_k, p) in enumerate(firing) for _m in p.usable], np.int64)
    use_mun = np.array([mun_of[(p.recipient, mm)] for _k, p in firing for mm in p.usable],
                       np.int64)
    v["use"] = use = m.add_vars("use", (len(use_row), H))
    if firing:
        # sum of use over a platform's munitions >= rate x active systems
        J = len(firing)
        rate = np.array([p.rate for _k, p in firing])
        pair = np.array([k for k, _p in firing], np.int64)
        m.add_rows("ammunition", J * H,
                   np.concatenate([(use_row[:, None] * H + t).ravel(),
                                   (np.arange(J)[:, None] * H + t).ravel()]),
                   np.concatenate([use.ravel(), act[pair].ravel()]),
                   np.concatenate([np.ones(use.size), -np.repeat(rate, H)]), lower=0.0)
    # inventory[t] = inventory[t-1] + arrivals[t] + imported[t] - used[t] - exported[t]
    nm = len(si.munition_pairs)
    v["inventory"] = inv = m.add_vars("inventory", (nm, H))
    rows, cols, vals = _running_balance(ix, info, si.munition_pairs, inv)
    rows.append((use_mun[:, None] * H + t).ravel())
    cols.append(use.ravel())
    vals.append(np.ones(use.size))
    keys: list[tuple[str, str, int]] = []
    fired: list[tuple[np.ndarray, float]] = []
    for name, which, sign in (("imported", into, -1.0), ("exported", out, 1.0)):
        if not which:
            continue
        cols_k = m.add_vars(name, (len(which), H))
        v[name] = cols_k
        at = np.array(which, np.int64)
        rows.append((at[:, None] * H + t).ravel())
        cols.append(cols_k.ravel())
        vals.append(np.full(cols_k.size, sign))
        for j, k in enumerate(which):
            r, mm = si.munition_pairs[k]
            keys += [(r, mm, int(month)) for month in t.tolist()]
            fired += [(cols_k[j], -sign)]
    m.add_rows("inventory", nm * H, np.concatenate(rows), np.concatenate(cols),
               np.concatenate(vals), lower=0.0, upper=0.0)
    if keys:
        used = np.concatenate([c for c, _s in fired])
        signs = np.concatenate([np.full(c.size, s) for c, s in fired])
        info["fired_keys"] = keys
        info["fired_use"] = sp.csr_matrix((signs, (np.arange(len(keys)), used)),
                                          shape=(len(keys), m.n_cols))
