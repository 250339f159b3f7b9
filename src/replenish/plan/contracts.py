"""Joint contracts of a plan: one row per contract and buyer, with cost shares that add up.

A joint contract (`JC-<producer>-<item>`) holds every member's orders on one production line.
Its cost is the orders at their unit price plus the line's expansion cost. Each buyer pays
the expansion share the plan gave it (`Plan.expansion_shares`, written rounded down, so that
no budget the plan filled is exceeded; the shares may then cost a millionth of a unit per
buyer less than the line's expansion as expansions.csv states it). Without shares, the cost
is split among the line's buyers in proportion to their orders on the line over the
expansion months (from `expansion_lead_time` to the end of the horizon), the rule the plan
checker's budget check applies then. Money is rounded to cents; each rounding remainder goes
to the buyer with the largest share, so the rows add up exactly to the contract's cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from replenish.model.months import runs
from replenish.model.records import ProductionLine, Scenario
from replenish.plan.records import Order, Plan
from replenish.plan.rules import expansion_months

LineKey = tuple[str, str]
Row = dict[str, Any]

COLUMNS = ["contract", "producer", "item", "buyer", "quantity", "unit_price",
           "expansion_share_cost", "cost", "share_of_cost", "contract_cost", "delivery_months"]

CENT = Decimal("0.01")
FRACTION = Decimal("0.000001")


def expansion_split(plan: Plan, scenario: Scenario,
                    shares: Mapping[tuple[str, str, str], float] | None = None,
                    ) -> dict[LineKey, dict[str, float]]:
    """Each expanded line's expansion cost per buyer (unrounded money).

    National plans: each buyer pays for its own expansion row. Joint plans: the cost is split
    in proportion to the buyers' orders over the expansion months; where `shares` (units/month
    per producer, item and buyer, as the model underwrites them) are given, each buyer pays
    its share at the line's expansion cost instead.
    """
    lines = {ln.key: ln for ln in scenario.lines}
    added: dict[LineKey, float] = defaultdict(float)
    out: dict[LineKey, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for e in plan.expansions:
        line = lines.get((e.producer, e.item))
        if line is None or e.added_capacity <= 0:
            continue
        if e.buyer is not None:
            out[line.key][e.buyer] += e.added_capacity * line.expansion_cost
        else:
            added[line.key] += e.added_capacity
    for key, total in added.items():
        line = lines[key]
        given = {b: q for (p, i, b), q in (shares or {}).items() if (p, i) == key}
        if given:
            # each buyer pays for the share it underwrites, at the line's expansion cost. With
            # the line's cost split in proportion to the shares instead, a buyer whose share
            # was rounded less than the others' paid more than the plan let it spend (9.14
            # over a budget of 272,000,000, a generated scenario)
            for buyer, q in given.items():
                out[key][buyer] += q * line.expansion_cost
            continue
        weights = _order_weights(plan.orders, line, scenario.horizon)
        whole = sum(weights.values())
        for buyer, weight in weights.items():
            if whole > 0:
                out[key][buyer] += total * line.expansion_cost * weight / whole
    return {k: dict(v) for k, v in out.items()}


def _order_weights(orders: Iterable[Order], line: ProductionLine, horizon: int
                   ) -> dict[str, float]:
    """Each buyer's orders on the line over its expansion months (all months if none there)."""
    months = expansion_months(line, horizon)
    mine = [o for o in orders if (o.producer, o.item) == line.key]
    weights: dict[str, float] = defaultdict(float)
    for o in mine:
        if o.production_month in months:
            weights[o.buyer] += o.quantity
    if not any(w > 0 for w in weights.values()):
        for o in mine:
            weights[o.buyer] += o.quantity
    return dict(weights)


def allocate(total: Decimal, parts: Mapping[str, float], step: Decimal) -> dict[str, Decimal]:
    """Round each part to `step`; the remainder against `total` goes to the largest part."""
    rounded = {k: Decimal(repr(v)).quantize(step, ROUND_HALF_EVEN) for k, v in parts.items()}
    if rounded:
        largest = max(sorted(parts), key=lambda k: parts[k])
        rounded[largest] += total - sum(rounded.values(), Decimal(0))
    return rounded


def month_runs(months: Iterable[int], scenario: Scenario) -> str:
    """Months as YYYY-MM runs, e.g. '2027-03..2027-05;2027-08'."""
    fmt = scenario.settings.month
    return ";".join(fmt(a) if a == b else f"{fmt(a)}..{fmt(b)}" for a, b in runs(months))


def contract_rows(plan: Plan, scenario: Scenario,
                  shares: Mapping[tuple[str, str, str], float] | None = None) -> list[Row]:
    """One row per joint contract and buyer (see COLUMNS); empty for a national plan."""
    by_contract: dict[str, list[Order]] = defaultdict(list)
    for o in plan.orders:
        if o.contract:
            by_contract[o.contract].append(o)
    split = expansion_split(plan, scenario, shares)
    rows: list[Row] = []
    for contract in sorted(by_contract):
        rows += _contract(contract, by_contract[contract], split, scenario)
    return rows


def _contract(contract: str, orders: list[Order], split: Mapping[LineKey, Mapping[str, float]],
              scenario: Scenario) -> list[Row]:
    """The rows of one contract, costs rounded to cents and adding up exactly."""
    producer, item = orders[0].producer, orders[0].item
    expansion = split.get((producer, item), {})
    buyers = sorted({o.buyer for o in orders} | set(expansion))
    ordered = {b: sum(o.quantity * o.unit_price for o in orders if o.buyer == b) for b in buyers}
    cost = {b: ordered[b] + expansion.get(b, 0.0) for b in buyers}
    total = Decimal(repr(sum(cost.values()))).quantize(CENT, ROUND_HALF_EVEN)
    exp_total = Decimal(repr(sum(expansion.values()))).quantize(CENT, ROUND_HALF_EVEN)
    money = allocate(total, cost, CENT)
    exp_money = allocate(exp_total, {b: expansion.get(b, 0.0) for b in buyers}, CENT)
    whole = float(total) or 1.0
    fraction = allocate(Decimal(1) if total else Decimal(0),
                        {b: float(money[b]) / whole for b in buyers}, FRACTION)
    rows = []
    for b in buyers:
        mine = [o for o in orders if o.buyer == b]
        quantity = round(sum(o.quantity for o in mine), 6)
        prices = {o.unit_price for o in mine}
        price = prices.pop() if len(prices) == 1 else round(ordered[b] / (quantity or 1.0), 2)
        rows.append(dict(contract=contract, producer=producer, item=item, buyer=b,
                         quantity=quantity, unit_price=price,
                         expansion_share_cost=float(exp_money[b]), cost=float(money[b]),
                         share_of_cost=float(fraction[b]), contract_cost=float(total),
                         delivery_months=month_runs((o.arrival_month for o in mine), scenario)))
    return rows
