"""What a plan carries through each hub and route (DESIGN.md, "Delivery" and throughput.csv):
tonnes per arrival month, from the plan's donations and its orders for recipients, against
each hub's and route's `capacity_tonnes`."""

from __future__ import annotations

from collections import defaultdict

from replenish.model.records import Scenario
from replenish.plan.records import Plan, Throughput


def shipped_tonnes(plan: Plan, scenario: Scenario) -> dict[tuple[str, str, int], float]:
    """Tonnes per (kind "hub" or "route", code, arrival month) of the plan's shipments."""
    weight = {i.code: i.tonnes_per_unit for i in scenario.items}
    hub_of = {r.code: r.hub for r in scenario.routes}
    tonnes: dict[tuple[str, str, int], float] = defaultdict(float)
    shipments = [(d.route, d.item, d.arrival_month, d.quantity) for d in plan.donations]
    shipments += [(o.route, o.item, o.arrival_month, o.quantity) for o in plan.orders]
    for route, item, month, quantity in shipments:
        if route is None or route not in hub_of:
            continue
        t = quantity * weight.get(item, 0.0)
        tonnes[("route", route, month)] += t
        hub = hub_of[route]
        if hub is not None:
            tonnes[("hub", hub, month)] += t
    return tonnes


def throughput(plan: Plan, scenario: Scenario) -> list[Throughput]:
    """throughput.csv: a row per hub and per route and month of the horizon (and any later
    month something arrives in), hubs first, in file order; empty without routes.csv."""
    if not scenario.routes:
        return []
    tonnes = shipped_tonnes(plan, scenario)
    last = max([scenario.horizon - 1, *(m for _, _, m in tonnes)])
    owners = [("hub", h.code, h.capacity_tonnes) for h in scenario.hubs]
    owners += [("route", r.code, r.capacity_tonnes) for r in scenario.routes]
    return [Throughput(kind, code, month, round(tonnes.get((kind, code, month), 0.0), 6), cap)
            for kind, code, cap in owners for month in range(last + 1)
            if month < scenario.horizon or (kind, code, month) in tonnes]


def peak_use(plan: Plan, scenario: Scenario) -> list[dict[str, object]]:
    """The summary's `delivery`: per hub, its busiest month, the tonnes then and its capacity
    (its use as a fraction of capacity where it has one)."""
    rows: dict[str, Throughput] = {}
    for t in throughput(plan, scenario):
        if t.kind == "hub" and (t.code not in rows or t.tonnes > rows[t.code].tonnes + 1e-9):
            rows[t.code] = t
    month = scenario.settings.month
    return [dict(hub=t.code, month=month(t.month), tonnes=round(t.tonnes, 3),
                 capacity_tonnes=t.capacity_tonnes,
                 use=(round(t.tonnes / t.capacity_tonnes, 4) if t.capacity_tonnes else None))
            for t in rows.values()]
