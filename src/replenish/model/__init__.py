"""The domain: typed records for nations, items, stocks, lines, requirements, pledges."""

from replenish.model.months import format_month, month_index, parse_month
from replenish.model.records import (
    DEFAULT_WEIGHTS,
    Compatibility,
    Consumption,
    Fielded,
    Hub,
    Item,
    Nation,
    Pledge,
    PriceBreak,
    ProductionLine,
    Requirement,
    Route,
    Scenario,
    Settings,
    Stock,
    Training,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "Compatibility",
    "Consumption",
    "Fielded",
    "Hub",
    "Item",
    "Nation",
    "Pledge",
    "PriceBreak",
    "ProductionLine",
    "Requirement",
    "Route",
    "Scenario",
    "Settings",
    "Stock",
    "Training",
    "format_month",
    "month_index",
    "parse_month",
]
