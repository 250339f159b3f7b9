"""Volume pricing: a contract's quantity earns the best tier of `price_breaks.csv` it reaches.

The optimiser plans at list prices, so every budget it respects still holds after this
post-processing step only lowers prices. A contract's quantity is what counts toward its tier:
in joint mode all buyers' orders on the line over the horizon (pooled), in national mode each
buyer's own orders on the line. Pooling is therefore how a tier no member reaches alone is won.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable

from replenish.model.records import PriceBreak, ProductionLine, Scenario
from replenish.plan.records import Order, Plan

LineKey = tuple[str, str]


def tier_price(line: ProductionLine, breaks: Iterable[PriceBreak], quantity: float) -> float:
    """The lowest unit price among the tiers `quantity` reaches, never above the list price."""
    price = line.unit_price
    for tier in breaks:
        if quantity >= tier.min_quantity and tier.unit_price < price:
            price = tier.unit_price
    return price


def contract_quantities(plan: Plan) -> dict[tuple[str, str, str | None], float]:
    """Quantity per contract: (producer, item, None) pooled in joint mode, else per buyer."""
    pooled = plan.procurement == "joint"
    totals: dict[tuple[str, str, str | None], float] = defaultdict(float)
    for o in plan.orders:
        totals[(o.producer, o.item, None if pooled else o.buyer)] += o.quantity
    return dict(totals)


def apply_price_breaks(plan: Plan, scenario: Scenario) -> Plan:
    """A copy of `plan` whose orders carry the unit price their contract's quantity earns.

    Idempotent: prices are derived from the line's list price, not from the orders' prices.
    Records the money saved against list prices in `extra["volume_pricing"]`.
    """
    if not scenario.price_breaks:
        return plan
    lines: dict[LineKey, ProductionLine] = {ln.key: ln for ln in scenario.lines}
    breaks: dict[LineKey, list[PriceBreak]] = defaultdict(list)
    for tier in scenario.price_breaks:
        breaks[(tier.producer, tier.item)].append(tier)
    quantities = contract_quantities(plan)
    orders: list[Order] = []
    saved = 0.0
    for o in plan.orders:
        line = lines.get((o.producer, o.item))
        if line is None:
            orders.append(o)
            continue
        key = (o.producer, o.item, None if plan.procurement == "joint" else o.buyer)
        price = tier_price(line, breaks.get(line.key, ()), quantities[key])
        saved += o.quantity * (line.unit_price - price)
        orders.append(dataclasses.replace(o, unit_price=price))
    extra = {**plan.extra, "volume_pricing": {"saved": round(saved, 2)}}
    return dataclasses.replace(plan, orders=orders, extra=extra)
