"""Hubs, routes and items' weights for synthetic scenarios (`replenish generate --hubs N`).

They are drawn from a random stream of their own (`default_rng([seed, HUB_STREAM])`), after
everything else, so the rest of a generated scenario is the same with or without hubs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import numpy as np

from replenish.model.records import Hub, Item, Mode, Route, Scenario
from replenish.scenario.generator import FAMILIES, round_sig

#: Tonnes per unit of each family, from its cheapest to its dearest item (log-linear in unit
#: cost): a 155 mm round about 0.05 t, a howitzer 5 t towed to 55 t self-propelled, an
#: air-defence launcher about 30 t.
TONNES: dict[str, tuple[float, float]] = {
    "air_defence_launcher": (20.0, 40.0),
    "air_defence_interceptor": (0.1, 1.0),
    "rocket_launcher": (15.0, 25.0),
    "guided_rocket": (0.1, 0.4),
    "howitzer_155": (5.0, 55.0),
    "ammunition_155": (0.045, 0.06),
    "apc": (10.0, 30.0),
    "spares": (0.005, 0.5),
}

#: Second seed word of the hubs' and routes' random stream.
HUB_STREAM = 24

#: Per mode: months from origin to arrival (low, high inclusive) and tonnes per month (low,
#: high): air small and fast, rail large and slow.
ROUTE_MODES: dict[str, tuple[tuple[int, int], tuple[float, float]]] = {
    "rail": ((2, 3), (2000.0, 10000.0)),
    "road": ((1, 1), (300.0, 3000.0)),
    "air": ((0, 0), (20.0, 200.0)),
}
#: Share of road routes that go direct, without a hub.
DIRECT_ROAD = 0.3


def with_hubs(scenario: Scenario, hubs: int, seed: int) -> Scenario:
    """`scenario` with `hubs` hubs, rail, road and air routes from every member to each
    recipient, and every item's tonnes per unit; drawn from a stream of their own."""
    rng = np.random.default_rng([seed, HUB_STREAM])
    members = [n.code for n in scenario.members]
    width = max(2, len(str(hubs)))
    capacity = round_sig(rng.uniform(1500.0, 4000.0, hubs) * len(members))
    where = rng.integers(0, len(members), hubs)
    hub_records = tuple(
        Hub(f"HUB{h + 1:0{width}d}", f"Transit hub {h + 1:0{width}d}", members[n], c)
        for h, (n, c) in enumerate(zip(where.tolist(), capacity.tolist(), strict=True)))
    routes = []
    for origin in members:
        for recipient in scenario.recipients:
            for mode, ((short, long), (low, high)) in ROUTE_MODES.items():
                direct = mode == "road" and rng.random() < DIRECT_ROAD
                hub = None if direct else hub_records[int(rng.integers(0, hubs))].code
                lead = int(rng.integers(short, long + 1))
                tonnes = float(round_sig(np.asarray([rng.uniform(low, high)]))[0])
                routes.append(Route(f"{origin}-{recipient.code}-{mode.upper()}", origin, hub,
                                    recipient.code, cast(Mode, mode), lead, tonnes))
    items = tuple(replace(i, tonnes_per_unit=item_tonnes(i)) for i in scenario.items)
    return replace(scenario, items=items, hubs=hub_records, routes=tuple(routes))


def item_tonnes(item: Item) -> float:
    """Tonnes per unit of a generated item: its family's range, placed by its unit cost within
    the family's cost range, to three significant figures."""
    fam = next(f for f in FAMILIES if f.family == item.family)
    low, high = TONNES[item.family]
    place = (np.log10(max(item.unit_cost, 1.0)) - fam.cost[0]) / (fam.cost[1] - fam.cost[0])
    tonnes = low * (high / low) ** float(np.clip(place, 0.0, 1.0))
    return float(f"{tonnes:.3g}")
