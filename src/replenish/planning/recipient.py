"""Read back what the recipient holds and how its systems fare: recipient stock rows
(cumulative arrivals net of consumption) and sustainment rows (operational and idle systems)."""

from __future__ import annotations

import numpy as np

from replenish.plan.records import Plan, StockLevel, SustainmentRow
from replenish.planning.build import BuiltModel
from replenish.planning.sustainment import SustainmentIndex

#: a recipient's holding of a whole-number item this close to a whole number is that number
NOISE = 1e-4


def recipient_stocks(built: BuiltModel, plan: Plan, val: np.ndarray) -> list[StockLevel]:
    """End-of-month holdings of each recipient item: arrivals so far minus munitions used."""
    ix, H = built.index, built.index.H
    arrived: dict[tuple[str, str], np.ndarray] = {}

    def add(rec: str, item: str, month: int, q: float) -> None:
        if month < H:
            arrived.setdefault((rec, item), np.zeros(H))[month] += q

    recipients = set(ix.recipients)
    for d in plan.donations:
        add(d.recipient, d.item, d.arrival_month, d.quantity)
    for o in plan.orders:
        if o.destination in recipients:
            add(o.destination, o.item, o.arrival_month, o.quantity)
    for (rec, item), used in _munition_use(built, val).items():
        arrived.setdefault((rec, item), np.zeros(H))
        arrived[(rec, item)] -= used
    out = []
    for (rec, item) in sorted(arrived):
        level = np.round(np.cumsum(arrived[(rec, item)]), 6)
        if ix.integer[ix.item_pos[item]]:
            # munitions used are continuous: a whole item used up to solver tolerance
            # (30.999995 of 31 arrived) leaves a whole stock, not 5e-06
            whole = np.round(level)
            level = np.where(np.abs(level - whole) < NOISE, whole, level)
        # a continuous munition used up to solver tolerance leaves nothing, not -2e-06
        level = np.where((level < 0) & (level > -NOISE), 0.0, level)
        out += [StockLevel(rec, item, t, float(level[t]) + 0.0, None, None) for t in range(H)]
    return out


def _munition_use(built: BuiltModel, val: np.ndarray) -> dict[tuple[str, str], np.ndarray]:
    si: SustainmentIndex | None = built.info.get("sustainment")
    use = built.vars.get("use")
    if si is None or use is None or use.size == 0:
        return {}
    per_mun = np.zeros((len(si.munition_pairs), built.index.H))
    np.add.at(per_mun, built.info["use_mun"], val[use])
    return {pair: np.round(per_mun[k], 6) for k, pair in enumerate(si.munition_pairs)}


def sustainment_rows(built: BuiltModel, val: np.ndarray) -> list[SustainmentRow]:
    """Per recipient platform and month: operational systems, idle for want of ammunition
    or of a crew, and months of ammunition cover at the recipient."""
    si: SustainmentIndex | None = built.info.get("sustainment")
    if si is None or not si.pairs:
        return []
    v, H = built.vars, built.index.H
    fleet, op, act = (np.round(val[v[k]], 6) for k in ("fleet", "operational", "active"))
    inventory = np.round(val[v["inventory"]], 6) if v["inventory"].size else np.zeros((0, H))
    mun_of = {p: k for k, p in enumerate(si.munition_pairs)}
    rate = np.zeros(len(si.pairs))
    held = np.zeros((len(si.pairs), H))
    for (k, _m, rec, r), subs in zip(si.rows, si.subs, strict=True):
        rate[k] += r
        held[k] += sum(inventory[mun_of[(rec, mm)]] for mm in subs)
    out = []
    for k, (rec, platform) in enumerate(si.pairs):
        for t in range(H):
            need = rate[k] * op[k, t]
            cover = held[k, t] / need if need > 1e-9 else 0.0
            out.append(SustainmentRow(
                rec, platform, t, float(op[k, t]) + 0.0,
                max(0.0, float(np.round(op[k, t] - act[k, t], 6))) + 0.0,
                max(0.0, float(np.round(fleet[k, t] - op[k, t], 6))) + 0.0,
                float(np.round(cover, 2))))
    return out
