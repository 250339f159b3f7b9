"""Projections of the ledger: stock on hand is the sum of movements, never a stored number."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import (
    Date,
    Float,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from replenish.errors import StoreError
from replenish.store.tables import ItemRow, Movement, NationRow, StockPosition

#: Quantities closer than this are equal (sums of floats drift in the last bits).
EPSILON = 1e-9


def format_quantity(value: float) -> str:
    """A quantity for messages and tables: whole numbers without decimals, others to 4 places."""
    if value == math.floor(value):
        return f"{value:,.0f}"
    return f"{value:,.4f}".rstrip("0")


class UnknownStock(StoreError):
    """A nation, item or stock position named in a request does not exist in the store."""


@dataclass(frozen=True, slots=True)
class Position:
    """A member's stock of one item as the ledger has it, against its floor and target."""

    nation: str
    item: str
    family: str
    on_hand: float
    floor: float
    target: float

    @property
    def status(self) -> str:
        """'below floor', 'below target' or 'at target' (at or above)."""
        if self.on_hand < self.floor - EPSILON:
            return "below floor"
        if self.on_hand < self.target - EPSILON:
            return "below target"
        return "at target"

    @property
    def gap_to_target(self) -> float:
        """Units still needed to reach the target (0 when at or above it)."""
        return max(self.target - self.on_hand, 0.0)


def signed_quantity() -> ColumnElement[float]:
    """A movement's effect on stock: dispatches subtract, receipts and adjustments add."""
    return case((Movement.kind == "dispatch", -Movement.quantity), else_=Movement.quantity)


def balances(
    as_of: date | ColumnElement[date] | None = None,
    nation: str | ColumnElement[str] | None = None,
) -> Select[str, str, float]:
    """On hand per (nation, item) from movements that occurred on or before `as_of`
    (of one nation only, when given, so the database sums no other nation's movements)."""
    query = select(
        Movement.nation, Movement.item, func.sum(signed_quantity()).label("on_hand"),
    ).group_by(Movement.nation, Movement.item)
    if nation is not None:
        query = query.where(Movement.nation == nation)
    if as_of is not None:
        query = query.where(Movement.occurred_on <= as_of)
    return query


def on_hand(session: Session, nation: str, item: str, as_of: date | None = None) -> float:
    """Stock of `item` held by `nation` on `as_of` (default: after every movement)."""
    query = select(func.sum(signed_quantity())).where(
        Movement.nation == nation, Movement.item == item,
    )
    if as_of is not None:
        query = query.where(Movement.occurred_on <= as_of)
    return float(session.scalar(query) or 0.0)


def stock_positions(
    session: Session, nation: str | None = None, as_of: date | None = None,
) -> list[Position]:
    """Every stock position (of one nation if given), on hand as of `as_of`, by nation."""
    query = _positions_query(nation is not None, as_of is not None)
    rows = session.execute(query, {"nation": nation, "as_of": as_of}).all()
    # Only an empty answer needs telling an unknown nation from one that holds nothing.
    if not rows and nation is not None and session.get(NationRow, nation) is None:
        raise UnknownStock(f"unknown nation {nation!r}")
    return [
        Position(n, i, family, float(held_qty), float(floor), float(target))
        for n, i, family, held_qty, floor, target in rows
    ]


@cache
def _positions_query(by_nation: bool, dated: bool) -> Select[str, str, str, float, float, float]:
    """The positions query with its nation and day as bound parameters, built once per shape:
    a server reads positions on most requests, and building the statement costs more than
    running it."""
    nation = bindparam("nation", type_=String) if by_nation else None
    as_of = bindparam("as_of", type_=Date) if dated else None
    held = balances(as_of, nation).subquery()
    query = (
        select(
            StockPosition.nation, StockPosition.item, ItemRow.family,
            func.coalesce(held.c.on_hand, literal(0.0, Float)),
            StockPosition.floor, StockPosition.target,
        )
        .join(ItemRow, ItemRow.code == StockPosition.item)
        .outerjoin(held, and_(held.c.nation == StockPosition.nation,
                              held.c.item == StockPosition.item))
        .order_by(StockPosition.nation, StockPosition.seq)
    )
    if nation is not None:
        query = query.where(StockPosition.nation == nation)
    return query
