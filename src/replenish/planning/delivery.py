"""Transport limits (DESIGN.md, "Delivery"): a shipment's tonnes count against its route's
and its hub's `capacity_tonnes` in its arrival month.

Every shipment to a recipient already travels one route in the model: the donation, pledge
and order channels carry a route each (planning/index.py) and arrive that route's months
after they leave. Here each route and hub with a capacity gets one row per arrival month:
the tonnes of what arrives over it that month, at most its capacity. Items without
`tonnes_per_unit` weigh nothing; routes and hubs without a capacity have no rows. A pledge
dispatched late enough arrives after the horizon, and still counts in its arrival month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from replenish.errors import InfeasiblePlan
from replenish.model.records import Hub, Route, Scenario
from replenish.planning.builder import Model
from replenish.planning.index import PlanIndex
from replenish.planning.options import Info, Vars


@dataclass(frozen=True)
class Shipments:
    """Every column that carries tonnes over a route: its route, arrival month and tonnes per
    unit, flat."""

    col: np.ndarray
    route: np.ndarray
    arrival: np.ndarray
    tonnes: np.ndarray


def shipments(ix: PlanIndex, v: Vars) -> Shipments:
    """The columns of every donation, pledge and order channel with a route, per dispatch
    (or production) month."""
    weight = np.array([it.tonnes_per_unit for it in ix.scenario.items], float)
    t = np.arange(ix.H)
    parts: list[tuple[np.ndarray, ...]] = []

    def add(var: np.ndarray, route: np.ndarray, lead: np.ndarray, item: np.ndarray) -> None:
        keep = route >= 0
        if not keep.any():
            return
        var, route, lead, item = var[keep], route[keep], lead[keep], item[keep]
        shape = var.shape
        parts.append((var.ravel(), np.broadcast_to(route[:, None], shape).ravel(),
                      (t[None, :] + lead[:, None]).ravel(),
                      np.broadcast_to(weight[item][:, None], shape).ravel()))

    if v["d"].size:
        add(v["d"], ix.don_route, ix.don_lead, ix.pos_item[ix.don_pos])
    for key, pledges, which, route, lead in (
            ("pc", ix.committed, ix.pc_pledge, ix.pc_route, ix.pc_lead),
            ("pa", ix.announced, ix.pa_pledge, ix.pa_route, ix.pa_lead)):
        if v[key].size:
            add(v[key], route, lead,
                np.array([ix.item_pos[pledges[k].item] for k in which], np.int64))
    if v["x"].size:
        item = np.array([ix.item_pos[ix.lines[li].item] for li in ix.ord_line], np.int64)
        add(v["x"], ix.ord_route, v["x_lead"], item)
    if not parts:
        empty = np.empty(0, np.int64)
        return Shipments(empty, empty, empty, np.empty(0))
    return Shipments(*(np.concatenate([p[j] for p in parts]) for j in range(4)))


def define_delivery(m: Model, ix: PlanIndex, v: Vars, info: Info, enforce: bool = True) -> None:
    """Rows `route_capacity` and `hub_capacity`: tonnes arriving per route and per hub in each
    month, within their capacities; `info["route_rows"]`/`info["hub_rows"]` name them as
    (route or hub index, month). Each (kind, code, month) a shipment of the model may use is
    also kept as `info["transport_keys"]` with its tonnes per column (`info["transport_use"]`),
    so that item groups planned apart can share the limits (planning/decompose.py); with
    `enforce` False the rows are left out and only those are kept."""
    info["transport_keys"], info["transport_use"] = [], sp.csr_matrix((0, m.n_cols))
    if not ix.delivery:
        return
    ship = shipments(ix, v)
    keep = ship.tonnes > 0
    ship = Shipments(ship.col[keep], ship.route[keep], ship.arrival[keep], ship.tonnes[keep])
    months = int(ship.arrival.max()) + 1 if ship.arrival.size else ix.H
    months = max(months, ix.H)
    routes, hubs = ix.scenario.routes, ix.scenario.hubs
    hub_pos = {h.code: k for k, h in enumerate(hubs)}
    via = np.array([hub_pos[r.hub] if r.hub is not None else -1 for r in routes], np.int64)
    limited: tuple[tuple[str, str, str, Sequence[Hub | Route], np.ndarray], ...] = (
        ("hub", "hub_capacity", "hub_rows", hubs,
         via[ship.route] if ship.route.size else ship.route),
        ("route", "route_capacity", "route_rows", routes, ship.route))
    keys: list[tuple[str, str, int]] = []
    parts: list[sp.csr_matrix] = []
    for kind, name, key, owners, owner in limited:
        limits = [(k, float(cap)) for k, o in enumerate(owners)
                  if (cap := o.capacity_tonnes) is not None]
        info[key] = [(k, t) for k, _ in limits for t in range(months)]
        if not limits:
            continue
        row, on = _limit_slots(limits, len(owners), owner, ship, months)
        a = sp.csr_matrix((ship.tonnes[on], (row, ship.col[on])),
                          shape=(len(limits) * months, m.n_cols))
        used = np.flatnonzero(np.diff(a.indptr))
        keys += [(kind, owners[limits[r // months][0]].code, int(r % months)) for r in used]
        parts.append(a[used])
        if enforce:
            m.add_rows(name, len(limits) * months, row, ship.col[on], ship.tonnes[on],
                       upper=np.repeat(np.array([c for _, c in limits], float), months))
    if parts:
        info["transport_keys"], info["transport_use"] = keys, sp.vstack(parts).tocsr()


def _limit_slots(limits: list[tuple[int, float]], owners: int, owner: np.ndarray,
                 ship: Shipments, months: int) -> tuple[np.ndarray, np.ndarray]:
    """The row (limited owner, arrival month) of each shipment over a limited owner, and
    which shipments those are; `owner` is each shipment's owner among `owners` (-1: none,
    a route without a hub)."""
    slot = np.full(owners + 1, -1, np.int64)    # the last, -1, for owner -1
    for n, (k, _) in enumerate(limits):
        slot[k] = n
    s = slot[owner]
    on = s >= 0
    return s[on] * months + ship.arrival[on], on


def check_pledges_carriable(sc: Scenario) -> None:
    """Name the committed pledges that their routes cannot carry in time: for each donor and
    recipient, the tonnes of its committed pledges due by each month against what its routes
    (each within its own and its hub's capacity) can carry leaving by then. A necessary
    condition only: routes and hubs shared with other donors are left to the solver."""
    if not sc.routes:
        return
    H = sc.horizon
    committed = [p for p in sc.pledges if p.status == "committed"]
    weight = {i.code: i.tonnes_per_unit for i in sc.items}
    hub_cap = {h.code: h.capacity_tonnes for h in sc.hubs}
    due: dict[tuple[str, str], np.ndarray] = {}
    for pl in committed:
        weighs = pl.quantity * weight.get(pl.item, 0.0)
        if weighs > 0:
            due.setdefault((pl.donor, pl.recipient), np.zeros(H))[pl.month] += weighs
    reasons = []
    for (donor, recipient), tonnes in due.items():
        per_month = 0.0
        for r in sc.routes:
            if (r.origin, r.recipient) == (donor, recipient):
                caps = [c for c in (r.capacity_tonnes, hub_cap.get(r.hub or "")) if c is not None]
                per_month += min(caps) if caps else np.inf
        can = per_month * (np.arange(H) + 1)      # leaving in months 0..t
        short = np.flatnonzero(np.cumsum(tonnes) > can + 1e-9)
        if short.size:
            t = int(short[0])
            names = ", ".join(pl.id for pl in committed
                              if (pl.donor, pl.recipient) == (donor, recipient)
                              and pl.month <= t)
            reasons.append(
                f"committed pledges {names}: {donor} must send {np.cumsum(tonnes)[t]:g} t to "
                f"{recipient} by {sc.settings.month(t)}, but its routes there carry at most "
                f"{per_month:g} t a month, {can[t]:g} t by then (routes.csv, hubs.csv)")
    if reasons:
        raise InfeasiblePlan(reasons)
