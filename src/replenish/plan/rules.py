"""The expansion commitment rule of DESIGN.md ("Expansion and the demand signal"), written once.

A line adds capacity E only against committed orders for the extra output: over the months A
in which the expansion is available (from `expansion_lead_time` to the end of the horizon),
`sum over t in A of (orders[t] - capacity) >= E x min(commitment_months, |A|)`. In national
mode each buyer's own orders over A must reach `E_b x min(commitment_months, |A|)`. The model
(planning/production.py), the checker, the contracts and the demand signal all call this.
"""

from __future__ import annotations

from collections.abc import Sequence

from replenish.model.records import ProductionLine


def expansion_months(line: ProductionLine, horizon: int) -> range:
    """The months A in which an expansion of `line` is available: expansion_lead_time .. H-1."""
    return range(line.expansion_lead_time, horizon)


def commitment_factor(line: ProductionLine, horizon: int) -> int:
    """min(commitment_months, |A|): months of extra output bought per unit/month added."""
    return min(line.commitment_months, len(expansion_months(line, horizon)))


def needed_commitment(line: ProductionLine, horizon: int, added: float) -> float:
    """The extra output that expanding `line` by `added` units/month needs bought: E x k."""
    return added * commitment_factor(line, horizon)


def committed_output(line: ProductionLine, horizon: int, orders: Sequence[float],
                     base: float | None = None) -> float:
    """sum over t in A of (orders[t] - base): the extra output the orders buy.

    `orders` are the line's orders (or one buyer's on it) by production month 0..H-1; `base`
    is the line's capacity for the line-wide rule, 0 for a buyer's own orders (national mode).
    """
    base = line.capacity if base is None else base
    return sum(orders[t] - base for t in expansion_months(line, horizon))


def justified_expansion(line: ProductionLine, horizon: int, orders: Sequence[float]) -> float:
    """The largest expansion (units/month) the orders justify, 0 below `min_expansion`."""
    k = commitment_factor(line, horizon)
    if k == 0 or line.max_expansion <= 0:
        return 0.0
    extra = committed_output(line, horizon, orders)
    e = min(line.max_expansion, max(0.0, extra) / k)
    return round(e, 6) if e >= line.min_expansion - 1e-9 and e > 0 else 0.0
