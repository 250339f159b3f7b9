"""Plain typed records of a scenario: what the reader produces and the planner consumes.

Months are integer offsets from `Settings.start` (0 .. horizon_months-1). Quantities are floats;
an item's `integer` flag says whether its quantities must be whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from replenish.model.months import format_month

Role = Literal["member", "recipient"]
Kind = Literal["platform", "munition", "spare", "other"]

#: Default objective weights, per unit of item value (`unit_cost`) and month, most important
#: first. Each tier outweighs everything below it for any realistic scenario: a unit-month
#: below floor costs 1000, a priority-1 unmet unit 400 (priority p: 400 / 2**(p-1) for unmet,
#: a tenth of that per late month), an idle system-month 20, a unit-month below target 1;
#: money spent counts 1e-4 per unit of currency, so cost only breaks ties. Under
#: `readiness = "below_aid"` a unit-month below floor costs `floor_below_aid` (2) instead,
#: so aid outranks floors while floors still outrank targets.
DEFAULT_WEIGHTS: dict[str, float] = {
    "floor": 1000.0,
    "floor_below_aid": 2.0,
    "unmet": 400.0,
    "late": 40.0,
    "priority_decay": 0.5,
    "idle": 20.0,
    "target": 1.0,
    "cost": 1e-4,
    "announced": 5.0,
    "new_type": 0.0,
}


@dataclass(frozen=True, slots=True)
class Settings:
    name: str
    start: str
    horizon_months: int
    procurement: Literal["joint", "national"] = "joint"
    delivery_lead_months: int = 1
    readiness: Literal["above_aid", "below_aid"] = "above_aid"
    weights: dict[str, float] = field(default_factory=dict)

    def weight(self, key: str) -> float:
        return self.weights.get(key, DEFAULT_WEIGHTS[key])

    def floor_weight(self) -> float:
        """Weight of a unit-month below floor: above every aid term by default
        (`readiness = "above_aid"`), below them when aid outranks floors ("below_aid")."""
        if self.readiness == "below_aid" and ("floor_below_aid" in self.weights
                                              or "floor" not in self.weights):
            return self.weight("floor_below_aid")
        return self.weight("floor")

    def month(self, index: int) -> str:
        return format_month(index, self.start)


@dataclass(frozen=True, slots=True)
class Nation:
    code: str
    name: str
    role: Role
    annual_budget: float | None = None


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    name: str
    family: str
    kind: Kind
    unit_cost: float
    integer: bool
    #: weight of one unit for transport limits; read only where routes.csv exists
    tonnes_per_unit: float = 0.0


@dataclass(frozen=True, slots=True)
class Compatibility:
    munition: str
    platform: str


@dataclass(frozen=True, slots=True)
class Stock:
    nation: str
    item: str
    on_hand: float
    floor: float
    target: float


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    recipient: str
    item: str | None
    family: str | None
    quantity: float
    needed_by: int
    priority: int


@dataclass(frozen=True, slots=True)
class Pledge:
    id: str
    donor: str
    recipient: str
    item: str
    quantity: float
    month: int
    status: Literal["committed", "announced"]


@dataclass(frozen=True, slots=True)
class ProductionLine:
    producer: str
    nation: str
    item: str
    capacity: float
    unit_price: float
    lead_time: int
    max_expansion: float = 0.0
    min_expansion: float = 0.0
    expansion_lead_time: int = 0
    expansion_cost: float = 0.0
    commitment_months: int = 12

    @property
    def key(self) -> tuple[str, str]:
        return (self.producer, self.item)


@dataclass(frozen=True, slots=True)
class PriceBreak:
    producer: str
    item: str
    min_quantity: float
    unit_price: float


@dataclass(frozen=True, slots=True)
class Fielded:
    recipient: str
    platform: str
    quantity: float


@dataclass(frozen=True, slots=True)
class Consumption:
    recipient: str
    munition: str
    platform: str
    per_platform_month: float
    priority: int


@dataclass(frozen=True, slots=True)
class Training:
    platform: str
    course_months: int
    seats_per_month: float


@dataclass(frozen=True, slots=True)
class Hub:
    """A transit hub (airport, rail head, crossing); `capacity_tonnes` per month, None =
    unlimited."""

    code: str
    name: str
    nation: str
    capacity_tonnes: float | None = None


Mode = Literal["rail", "road", "air", "sea"]


@dataclass(frozen=True, slots=True)
class Route:
    """A way from a member to a recipient, through a hub or direct (`hub` None); months from
    leaving the origin to arrival, and tonnes per month (None = unlimited)."""

    code: str
    origin: str
    hub: str | None
    recipient: str
    mode: Mode
    lead_months: int
    capacity_tonnes: float | None = None


@dataclass(frozen=True)
class Scenario:
    """A whole validated scenario. Tuples keep file order; lookups are built on demand."""

    settings: Settings
    nations: tuple[Nation, ...]
    items: tuple[Item, ...]
    stocks: tuple[Stock, ...]
    compatibility: tuple[Compatibility, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    pledges: tuple[Pledge, ...] = ()
    lines: tuple[ProductionLine, ...] = ()
    fielded: tuple[Fielded, ...] = ()
    consumption: tuple[Consumption, ...] = ()
    training: tuple[Training, ...] = ()
    price_breaks: tuple[PriceBreak, ...] = ()
    hubs: tuple[Hub, ...] = ()
    routes: tuple[Route, ...] = ()

    @property
    def horizon(self) -> int:
        return self.settings.horizon_months

    @property
    def members(self) -> list[Nation]:
        return [n for n in self.nations if n.role == "member"]

    @property
    def recipients(self) -> list[Nation]:
        return [n for n in self.nations if n.role == "recipient"]

    def item(self, code: str) -> Item:
        return self.item_map[code]

    @cached_property
    def item_map(self) -> dict[str, Item]:
        return {i.code: i for i in self.items}

    @cached_property
    def nation_map(self) -> dict[str, Nation]:
        return {n.code: n for n in self.nations}

    def family_items(self, family: str) -> list[str]:
        return [i.code for i in self.items if i.family == family]
