"""The store's tables (SQLAlchemy 2 typed declarative): one scenario plus the stock ledger.

Natural codes are the keys, as in the scenario files. `seq` keeps each file's row order so an
export writes the rows back as they came. Months are integer offsets from the scenario start,
as in the domain records. Stock on hand is not stored: it is the sum of `movements`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names are fixed so migrations (and SQLite batch mode) can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE = 64
MOVEMENT_KINDS = ("receipt", "dispatch", "adjustment")
MovementId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint."""

    metadata = MetaData(naming_convention=NAMING)


def code_key(target: str, primary: bool = False) -> Mapped[Any]:
    """A code column referring to `target` (table.column)."""
    return mapped_column(String(CODE), ForeignKey(target), primary_key=primary)


class ScenarioSettings(Base):
    """The one scenario the store holds (`scenario.toml`)."""

    __tablename__ = "scenario_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    name: Mapped[str] = mapped_column(Text)
    start: Mapped[str] = mapped_column(String(7))
    horizon_months: Mapped[int] = mapped_column(Integer)
    procurement: Mapped[str] = mapped_column(String(16))
    delivery_lead_months: Mapped[int] = mapped_column(Integer)
    readiness: Mapped[str] = mapped_column(String(16))
    weights: Mapped[dict[str, float]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    loaded_by: Mapped[str] = mapped_column(String(128))


class NationRow(Base):
    """A member or recipient (`nations.csv`)."""

    __tablename__ = "nations"

    code: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    annual_budget: Mapped[float | None] = mapped_column(Float)


class ItemRow(Base):
    """An item of materiel (`items.csv`)."""

    __tablename__ = "items"

    code: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    family: Mapped[str] = mapped_column(String(CODE), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    unit_cost: Mapped[float] = mapped_column(Float)
    integer: Mapped[bool] = mapped_column()
    tonnes_per_unit: Mapped[float] = mapped_column(Float, server_default="0")


class CompatibilityRow(Base):
    """A munition usable by a platform (`compatibility.csv`)."""

    __tablename__ = "compatibility"

    munition: Mapped[str] = code_key("items.code", primary=True)
    platform: Mapped[str] = code_key("items.code", primary=True)
    seq: Mapped[int] = mapped_column(Integer)


class StockPosition(Base):
    """A member's holding of an item: floor and target; the row movements lock against."""

    __tablename__ = "stock_positions"

    nation: Mapped[str] = code_key("nations.code", primary=True)
    item: Mapped[str] = code_key("items.code", primary=True)
    seq: Mapped[int] = mapped_column(Integer)
    floor: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)


class RequirementRow(Base):
    """What a recipient needs by a month (`requirements.csv`); item or family."""

    __tablename__ = "requirements"

    id: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = code_key("nations.code")
    item: Mapped[str | None] = code_key("items.code")
    family: Mapped[str | None] = mapped_column(String(CODE))
    quantity: Mapped[float] = mapped_column(Float)
    needed_by: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer)


class PledgeRow(Base):
    """A promise of aid (`pledges.csv`)."""

    __tablename__ = "pledges"

    id: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    donor: Mapped[str] = code_key("nations.code")
    recipient: Mapped[str] = code_key("nations.code")
    item: Mapped[str] = code_key("items.code")
    quantity: Mapped[float] = mapped_column(Float)
    month: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))


class ProductionLineRow(Base):
    """An industry line with its expansion terms (`production_lines.csv`)."""

    __tablename__ = "production_lines"

    producer: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    item: Mapped[str] = code_key("items.code", primary=True)
    seq: Mapped[int] = mapped_column(Integer)
    nation: Mapped[str] = code_key("nations.code")
    capacity: Mapped[float] = mapped_column(Float)
    unit_price: Mapped[float] = mapped_column(Float)
    lead_time: Mapped[int] = mapped_column(Integer)
    max_expansion: Mapped[float] = mapped_column(Float)
    min_expansion: Mapped[float] = mapped_column(Float)
    expansion_lead_time: Mapped[int] = mapped_column(Integer)
    expansion_cost: Mapped[float] = mapped_column(Float)
    commitment_months: Mapped[int] = mapped_column(Integer)


class PriceBreakRow(Base):
    """A volume price tier of a line (`price_breaks.csv`)."""

    __tablename__ = "price_breaks"

    producer: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    item: Mapped[str] = code_key("items.code", primary=True)
    min_quantity: Mapped[float] = mapped_column(Float, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[float] = mapped_column(Float)


class FieldedRow(Base):
    """Systems in service with a recipient (`fielded.csv`)."""

    __tablename__ = "fielded"

    recipient: Mapped[str] = code_key("nations.code", primary=True)
    platform: Mapped[str] = code_key("items.code", primary=True)
    seq: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[float] = mapped_column(Float)


class ConsumptionRow(Base):
    """Munitions a fielded system uses per month (`consumption.csv`)."""

    __tablename__ = "consumption"

    recipient: Mapped[str] = code_key("nations.code", primary=True)
    munition: Mapped[str] = code_key("items.code", primary=True)
    platform: Mapped[str] = code_key("items.code", primary=True)
    seq: Mapped[int] = mapped_column(Integer)
    per_platform_month: Mapped[float] = mapped_column(Float)
    priority: Mapped[int] = mapped_column(Integer)


class TrainingRow(Base):
    """Crew training for a platform (`training.csv`)."""

    __tablename__ = "training"

    platform: Mapped[str] = code_key("items.code", primary=True)
    seq: Mapped[int] = mapped_column(Integer)
    course_months: Mapped[int] = mapped_column(Integer)
    seats_per_month: Mapped[float] = mapped_column(Float)


class HubRow(Base):
    """A transit hub (`hubs.csv`); capacity in tonnes per month, null = unlimited."""

    __tablename__ = "hubs"

    code: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    nation: Mapped[str] = code_key("nations.code")
    capacity_tonnes: Mapped[float | None] = mapped_column(Float)


class RouteRow(Base):
    """A way from a member to a recipient, through a hub or direct (`routes.csv`)."""

    __tablename__ = "routes"

    code: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = code_key("nations.code")
    hub: Mapped[str | None] = code_key("hubs.code")
    recipient: Mapped[str] = code_key("nations.code")
    mode: Mapped[str] = mapped_column(String(16))
    lead_months: Mapped[int] = mapped_column(Integer)
    capacity_tonnes: Mapped[float | None] = mapped_column(Float)


class Movement(Base):
    """One entry of the append-only stock ledger; on hand is the sum of signed quantities.

    `quantity` is positive for receipts and dispatches and a signed delta for adjustments.
    """

    __tablename__ = "movements"
    __table_args__ = (
        ForeignKeyConstraint(
            ["nation", "item"], ["stock_positions.nation", "stock_positions.item"],
            name="fk_movements_position",
        ),
        CheckConstraint(
            "kind IN ('receipt', 'dispatch', 'adjustment')", name="kind",
        ),
        CheckConstraint(
            "kind = 'adjustment' OR quantity > 0", name="positive_quantity",
        ),
        Index("ix_movements_position_day", "nation", "item", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(MovementId, primary_key=True, autoincrement=True)
    nation: Mapped[str] = mapped_column(String(CODE))
    item: Mapped[str] = mapped_column(String(CODE))
    kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[float] = mapped_column(Float)
    occurred_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)


#: Scenario tables in the order they are filled (parents before children).
SCENARIO_TABLES: tuple[type[Base], ...] = (
    ScenarioSettings, NationRow, ItemRow, CompatibilityRow, StockPosition, RequirementRow,
    PledgeRow, ProductionLineRow, PriceBreakRow, FieldedRow, ConsumptionRow, TrainingRow,
    HubRow, RouteRow,
)

# The server's tables (users, audit log, plan jobs) share this metadata; importing them here
# keeps `Base.metadata` complete for migrations and their tests whatever is imported first.
import replenish.store.server_tables  # noqa: E402, F401
