"""Sustainment: a system at the recipient is operational once a crew has trained for it, and
active in a month only when its munitions (any compatible one) are supplied; the rest of the
fleet is idle system-months, which the objective weighs by the platform's value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars
from replenish.planning.requirements import priority_weight


@dataclass
class SustainmentIndex:
    pairs: list[tuple[str, str]]             # (recipient, platform)
    fielded: np.ndarray
    rows: list[tuple[int, str, str, float]]  # (pair, listed munition, recipient, rate)
    subs: list[list[str]]                    # munitions able to meet each consumption row
    munition_pairs: list[tuple[str, str]]    # (recipient, munition) held in inventory


def sustainment_index(ix: PlanIndex) -> SustainmentIndex:
    """Recipient platforms to sustain, consumption rows and their substitutable munitions."""
    sc = ix.scenario
    fielded = {(f.recipient, f.platform): f.quantity for f in sc.fielded}
    pairs = sorted(set(fielded) | {(c.recipient, c.platform) for c in sc.consumption})
    pair_of = {p: k for k, p in enumerate(pairs)}
    fits: dict[str, list[str]] = {}
    for c in sc.compatibility:
        fits.setdefault(c.platform, []).append(c.munition)
    rows = [(pair_of[(u.recipient, u.platform)], u.munition, u.recipient, u.per_platform_month)
            for u in sc.consumption]
    subs = [sorted({u.munition, *fits.get(u.platform, [])}) for u in sc.consumption]
    mun = sorted({(r, m) for (_, _, r, _), ms in zip(rows, subs, strict=True) for m in ms})
    return SustainmentIndex(pairs, np.array([fielded.get(p, 0.0) for p in pairs]), rows, subs,
                            mun)


def define_sustainment(m: Model, ix: PlanIndex, v: Vars, info: Info, scale: float) -> None:
    """Fleet, crews, operational and active systems, munition use and recipient inventory."""
    si = sustainment_index(ix)
    info["sustainment"] = si
    H, n = ix.H, len(si.pairs)
    if n == 0:
        return
    sc = ix.scenario
    t = np.arange(H)
    arrivals = _pair_arrivals(ix, info)
    rec_pos = {c: k for k, c in enumerate(ix.recipients)}
    # fleet[t] = fielded + arrivals up to t
    v["fleet"] = flt = m.add_vars("fleet", (n, H))
    rows, cols, vals = [np.arange(n * H)], [flt.ravel()], [np.ones(n * H)]
    rows.append(np.arange(n * H).reshape(n, H)[:, 1:].ravel())
    cols.append(flt[:, :-1].ravel())
    vals.append(-np.ones(n * (H - 1)))
    for k, (r, p) in enumerate(si.pairs):
        ri = ix.ri_of.get((rec_pos[r], ix.item_pos[p]))
        if ri is not None and ri in arrivals:
            arr_t, arr_c = arrivals[ri]
            rows.append(k * H + arr_t)
            cols.append(arr_c)
            vals.append(-np.ones(len(arr_c)))
    rhs = np.zeros((n, H))
    rhs[:, 0] = si.fielded
    m.add_rows("fleet", n * H, np.concatenate(rows), np.concatenate(cols), np.concatenate(vals),
               lower=rhs.ravel(), upper=rhs.ravel())
    prio = np.full(n, 5)
    for c, (k, *_rest) in zip(sc.consumption, si.rows, strict=True):
        prio[k] = min(prio[k], c.priority)
    value = np.array([ix.unit_cost[ix.item_pos[p]] for _, p in si.pairs]) / scale
    w = sc.settings.weight("idle") * priority_weight(ix, prio) * value
    # idle = fleet - active: charge the fleet, credit the active; a crewed system counts as
    # operational even without ammunition, so idle time is blamed on what is really missing
    v["operational"] = op = m.add_vars("operational", (n, H), 0.0, np.inf,
                                       np.broadcast_to(-0.01 * w[:, None], (n, H)))
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
    _define_munitions(m, ix, v, info, si, act, t)
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
                      act: np.ndarray, t: np.ndarray) -> None:
    """Each consumption row is supplied from recipient inventory of any compatible munition."""
    H = ix.H
    if not si.rows:
        v["use"] = v["inventory"] = np.empty((0, H), np.int64)
        return
    mun_of = {p: k for k, p in enumerate(si.munition_pairs)}
    n_use = sum(len(s) for s in si.subs)
    use_row, use_mun, whole = [], [], []
    for j, ((_k, _m, r, _rate), subs) in enumerate(zip(si.rows, si.subs, strict=True)):
        use_row += [j] * len(subs)
        use_mun += [mun_of[(r, mm)] for mm in subs]
        whole += [bool(ix.integer[ix.item_pos[mm]]) for mm in subs]
    v["use"] = use = m.add_vars("use", (n_use, H))
    # rounds of an integer munition are used up whole, so that the recipient's stock of it
    # stays whole; declared integer they made branch and bound far slower (the demo in
    # national mode: no plan in 10 minutes), so solve.py rounds them after it instead
    info["whole_use"] = use[np.array(whole, bool)]
    use_row_a, use_mun_a = np.array(use_row, np.int64), np.array(use_mun, np.int64)
    info["use_row"], info["use_mun"] = use_row_a, use_mun_a
    J = len(si.rows)
    rate = np.array([row[3] for row in si.rows])
    pair = np.array([row[0] for row in si.rows], np.int64)
    m.add_rows("ammunition", J * H,
               np.concatenate([(use_row_a[:, None] * H + t).ravel(), (np.arange(J)[:, None] * H
                                                                     + t).ravel()]),
               np.concatenate([use.ravel(), act[pair].ravel()]),
               np.concatenate([np.ones(use.size), -np.repeat(rate, H)]), lower=0.0)
    # inventory[t] = inventory[t-1] + arrivals[t] - allocated to requirements[t] - used[t]
    nm = len(si.munition_pairs)
    v["inventory"] = inv = m.add_vars("inventory", (nm, H))
    rows = [np.arange(nm * H), np.arange(nm * H).reshape(nm, H)[:, 1:].ravel(),
            (use_mun_a[:, None] * H + t).ravel()]
    cols = [inv.ravel(), inv[:, :-1].ravel(), use.ravel()]
    vals = [np.ones(nm * H), -np.ones(nm * (H - 1)), np.ones(use.size)]
    rec_pos = {c: k for k, c in enumerate(ix.recipients)}
    arrivals = _pair_arrivals(ix, info)
    pair_ri = np.array([ix.ri_of.get((rec_pos[r], ix.item_pos[mm]), -1)
                        for r, mm in si.munition_pairs])
    for k, ri in enumerate(pair_ri.tolist()):
        if ri in arrivals:
            arr_t, arr_c = arrivals[ri]
            rows.append(k * H + arr_t)
            cols.append(arr_c)
            vals.append(-np.ones(len(arr_c)))
    if v.get("f") is not None and v["f"].size:
        f_pair = info["received_pair"]
        local = {ri: k for k, ri in enumerate(pair_ri.tolist()) if ri >= 0}
        sel = np.array([p in local for p in f_pair.tolist()], bool)
        if sel.any():
            mk = np.array([local[p] for p in f_pair[sel].tolist()])
            rows.append((mk[:, None] * H + t).ravel())
            cols.append(v["f"][sel].ravel())
            vals.append(np.ones(int(sel.sum()) * H))
    m.add_rows("inventory", nm * H, np.concatenate(rows), np.concatenate(cols),
               np.concatenate(vals), lower=0.0, upper=0.0)
