"""What a plan's deliveries ask of its hubs and routes (DESIGN.md "Delivery"): tonnes by arrival
month against capacity, read from the plan's throughput.csv; the months each is full; and the
shipments to a recipient that arrive over a full hub or route in those months. The delivery
page and the brief show these records.

A hub, or a route with a capacity, is full in a month when its tonnes reach FULL of its
capacity; a route without one is never full, so it is left out (its hub counts its tonnes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from replenish.i18n import N_, gettext, month_label, percent
from replenish.model.months import format_month, month_index, runs
from replenish.model.records import Scenario
from replenish.plan.records import Plan, Throughput

#: the share of its capacity at which a hub or route is full in a month
FULL = 0.999
#: the two kinds of shipment (data; translated where shown)
SHIPMENTS = (N_("donation"), N_("order"))
#: a route's modes (routes.csv), translated where shown
MODES = (N_("rail"), N_("road"), N_("air"), N_("sea"))


@dataclass(frozen=True)
class LimitMonth:
    """Tonnes arriving over a hub or route in one month (YYYY-MM), against its capacity."""

    month: str
    tonnes: float
    capacity: float | None

    @property
    def use(self) -> float | None:
        """Tonnes as a share of capacity (None: no capacity)."""
        return None if not self.capacity else self.tonnes / self.capacity

    @property
    def full(self) -> bool:
        use = self.use
        return use is not None and use >= FULL


@dataclass(frozen=True)
class Limit:
    """A hub, or a route with a capacity, month by month over the plan."""

    kind: str
    code: str
    name: str
    capacity: float | None
    months: list[LimitMonth]

    @property
    def busiest(self) -> LimitMonth:
        """The first month with the most tonnes."""
        return max(self.months, key=lambda m: m.tonnes)

    @property
    def full_months(self) -> list[str]:
        return [m.month for m in self.months if m.full]


@dataclass(frozen=True)
class Waiting:
    """A shipment to a recipient arriving over a hub or route in a month it is full."""

    month: str
    kind: str
    sender: str
    item: str
    item_name: str
    quantity: float
    tonnes: float
    route: str
    #: the codes of the full hub and/or route it travels, hub first
    full: tuple[str, ...]


def delivery_limits(plan: Plan, scenario: Scenario) -> list[Limit]:
    """Each hub and each route with a capacity of the plan's throughput.csv, hubs first, in the
    file's order; empty for a plan without one (a scenario without routes)."""
    rows: dict[tuple[str, str], list[Throughput]] = {}
    for t in plan.throughput:
        if t.kind == "hub" or t.capacity_tonnes is not None:
            rows.setdefault((t.kind, t.code), []).append(t)
    names = {("hub", h.code): h.name for h in scenario.hubs}
    names |= {("route", r.code): _route_name(r.origin, r.recipient, r.mode)
              for r in scenario.routes}
    month = scenario.settings.month
    out = [Limit(kind, code, names.get((kind, code), ""), ts[0].capacity_tonnes,
                 [LimitMonth(month(t.month), t.tonnes, t.capacity_tonnes)
                  for t in sorted(ts, key=lambda t: t.month)])
           for (kind, code), ts in rows.items()]
    return sorted(out, key=lambda limit: limit.kind != "hub")


def _route_name(origin: str, recipient: str, mode: str) -> str:
    return gettext("%(origin)s → %(recipient)s by %(mode)s") % {
        "origin": origin, "recipient": recipient, "mode": gettext(mode)}


def waiting_shipments(plan: Plan, scenario: Scenario, limits: Sequence[Limit]
                      ) -> list[Waiting]:
    """The donations and orders for a recipient that arrive over a full hub or route in a
    month it is full, by month, full limit and route."""
    full = {(limit.code, m) for limit in limits if limit.kind == "hub"
            for m in limit.full_months}
    full_routes = {(limit.code, m) for limit in limits if limit.kind == "route"
                   for m in limit.full_months}
    hub_of = {r.code: r.hub for r in scenario.routes}
    items = scenario.item_map
    month = scenario.settings.month
    shipments = [(SHIPMENTS[0], d.donor, d.item, d.arrival_month, d.quantity, d.route)
                 for d in plan.donations]
    shipments += [(SHIPMENTS[1], o.buyer, o.item, o.arrival_month, o.quantity, o.route)
                  for o in plan.orders]
    out = []
    for kind, sender, item, arrival, quantity, route in shipments:
        if route is None:
            continue
        when, hub = month(arrival), hub_of.get(route)
        over = tuple(code for code, is_full in ((hub, (hub, when) in full),
                                                (route, (route, when) in full_routes))
                     if code is not None and is_full)
        if over:
            weight = items[item].tonnes_per_unit if item in items else 0.0
            out.append(Waiting(when, kind, sender, item,
                               items[item].name if item in items else item, quantity,
                               quantity * weight, route, over))
    return sorted(out, key=lambda w: (w.month, w.full, w.route, w.kind, w.sender, w.item))


def use_words(use: float | None) -> str:
    """A month's use of capacity as a percentage, never 100 % short of full ('–' without a
    capacity)."""
    if use is None:
        return "–"
    return percent(use if use >= FULL else min(use, 0.99))


def month_spans(months: Sequence[str]) -> list[str]:
    """YYYY-MM months as runs of consecutive months in words: 'Jan 2027 – Mar 2027', 'May
    2027'."""
    if not months:
        return []
    first = min(months)
    spans = [(format_month(a, first), format_month(b, first))
             for a, b in runs(month_index(m, first) for m in months)]
    return [month_label(a) if a == b else f"{month_label(a)} – {month_label(b)}"
            for a, b in spans]
