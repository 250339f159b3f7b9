"""Plain results of planning: one record type per plan file of DESIGN.md ("Plan format").

Months are integer offsets from the scenario start (they may lie past the horizon for
arrivals); the plan writer formats them as YYYY-MM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Donation:
    donor: str
    recipient: str
    item: str
    dispatch_month: int
    arrival_month: int
    quantity: float
    pledge: str | None = None
    #: the route it travels where routes.csv exists (DESIGN.md, "Delivery")
    route: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    buyer: str
    destination: str
    producer: str
    item: str
    production_month: int
    arrival_month: int
    quantity: float
    unit_price: float
    contract: str | None = None
    #: the route an order for a recipient travels from the line's nation, where routes.csv
    #: exists
    route: str | None = None


@dataclass(frozen=True, slots=True)
class Production:
    producer: str
    item: str
    month: int
    quantity: float
    capacity: float


@dataclass(frozen=True, slots=True)
class Expansion:
    producer: str
    item: str
    buyer: str | None
    added_capacity: float
    available_from: int


@dataclass(frozen=True, slots=True)
class StockLevel:
    nation: str
    item: str
    month: int
    on_hand: float
    floor: float | None
    target: float | None


@dataclass(frozen=True, slots=True)
class Fulfilment:
    requirement: str
    item: str
    arrival_month: int
    quantity: float
    late: bool


@dataclass(frozen=True, slots=True)
class SustainmentRow:
    recipient: str
    platform: str
    month: int
    operational: float
    idle_no_ammo: float
    idle_no_crew: float
    ammo_cover_months: float


@dataclass(frozen=True, slots=True)
class Throughput:
    """One row of throughput.csv: tonnes arriving over a hub or route in a month."""

    kind: str
    code: str
    month: int
    tonnes: float
    capacity_tonnes: float | None


@dataclass(frozen=True, slots=True)
class Contract:
    """One row of contracts.csv: a buyer's part of a joint contract (read plans only: the
    planner's own plans derive them from their orders and `expansion_shares`)."""

    contract: str
    producer: str
    item: str
    buyer: str
    quantity: float
    unit_price: float
    expansion_share_cost: float
    cost: float
    share_of_cost: float
    contract_cost: float
    delivery_months: str = field(default="", metadata={"kind": "text"})


@dataclass
class Plan:
    """A complete plan; `extra` holds the summary.json fields not derivable from the rows
    (the planner's `model` figures, the greedy comparison)."""

    method: str
    status: str
    objective: float
    procurement: str
    donations: list[Donation] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    production: list[Production] = field(default_factory=list)
    expansions: list[Expansion] = field(default_factory=list)
    stocks: list[StockLevel] = field(default_factory=list)
    fulfilment: list[Fulfilment] = field(default_factory=list)
    sustainment: list[SustainmentRow] = field(default_factory=list)
    floor_breaches: list[str] = field(default_factory=list)
    #: units/month of expansion each buyer underwrites, per (producer, item, buyer)
    expansion_shares: dict[tuple[str, str, str], float] = field(default_factory=dict)
    #: contracts.csv as read back (empty for a plan the planner just made)
    contracts: list[Contract] = field(default_factory=list)
    #: throughput.csv as read back (the writer derives it from the donations and orders)
    throughput: list[Throughput] = field(default_factory=list)
    binding: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
