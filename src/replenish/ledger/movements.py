"""Recording stock movements: append-only, never negative, idempotent, safe under concurrency.

Every movement first locks its stock position row (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite the engine opens each transaction with BEGIN IMMEDIATE, which holds the write lock), so
two dispatches cannot both see the same balance. Corrections are new movements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal, cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from replenish.errors import ConflictError, StoreError
from replenish.ledger.projections import (
    EPSILON,
    UnknownStock,
    format_quantity,
    on_hand,
    signed_quantity,
)
from replenish.store.tables import MOVEMENT_KINDS, ItemRow, Movement, NationRow, StockPosition

MovementKind = Literal["receipt", "dispatch", "adjustment"]


class InvalidMovement(StoreError):
    """A movement request is malformed (unknown kind, non-positive or fractional quantity)."""


@dataclass(frozen=True, slots=True)
class MovementRecord:
    """One recorded movement, detached from the database session."""

    id: int
    nation: str
    item: str
    kind: MovementKind
    quantity: float
    occurred_on: date
    recorded_at: datetime
    author: str
    reason: str
    idempotency_key: str

    @property
    def delta(self) -> float:
        """The movement's effect on stock on hand."""
        return -self.quantity if self.kind == "dispatch" else self.quantity


def record_movement(
    session: Session, nation: str, item: str, kind: str, quantity: float, reason: str,
    author: str, idempotency_key: str, occurred_on: date | None = None,
) -> MovementRecord:
    """Append a movement unless it would drive stock negative; replay a known idempotency key.

    The caller owns the transaction (commit to keep the movement). A repeated key with the same
    content returns the first movement; with different content it is a ConflictError.
    """
    quantity = float(quantity)
    _check_request(kind, quantity, idempotency_key)
    integer = _lock_position(session, nation, item)
    if integer and quantity != math.floor(quantity):
        raise InvalidMovement(
            f"{item} is counted in whole units; got quantity {format_quantity(quantity)}"
        )
    known = session.scalar(select(Movement).where(Movement.idempotency_key == idempotency_key))
    if known is not None:
        return _replay(known, nation, item, kind, quantity, occurred_on)
    day = occurred_on or date.today()
    delta = -quantity if kind == "dispatch" else quantity
    if delta < 0:
        _check_cover(session, nation, item, kind, quantity, day)
    row = Movement(
        nation=nation, item=item, kind=kind, quantity=quantity, occurred_on=day,
        recorded_at=datetime.now(UTC), author=author, reason=reason,
        idempotency_key=idempotency_key,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:  # the key was taken concurrently for another position
        raise ConflictError(f"idempotency key {idempotency_key!r} is already in use") from exc
    return to_record(row)


def reverse_movement(
    session: Session, movement_id: int, reason: str, author: str, idempotency_key: str,
    occurred_on: date | None = None,
) -> MovementRecord:
    """Correct a movement by recording an adjustment that cancels it (the original stays)."""
    original = session.get(Movement, movement_id)
    if original is None:
        raise UnknownStock(f"no movement #{movement_id}")
    record = to_record(original)
    return record_movement(
        session, record.nation, record.item, "adjustment", -record.delta,
        f"reverses movement #{movement_id}: {reason}", author, idempotency_key,
        occurred_on=occurred_on,
    )


def list_movements(
    session: Session, nation: str | None = None, item: str | None = None,
    as_of: date | None = None,
) -> list[MovementRecord]:
    """Movements in the order they occurred (then recorded), optionally filtered."""
    query = select(Movement).order_by(Movement.occurred_on, Movement.id)
    if nation is not None:
        query = query.where(Movement.nation == nation)
    if item is not None:
        query = query.where(Movement.item == item)
    if as_of is not None:
        query = query.where(Movement.occurred_on <= as_of)
    return [to_record(row) for row in session.scalars(query)]


def to_record(row: Movement) -> MovementRecord:
    """A detached copy of a movement row."""
    return MovementRecord(
        id=row.id, nation=row.nation, item=row.item, kind=cast(MovementKind, row.kind),
        quantity=float(row.quantity), occurred_on=row.occurred_on,
        # SQLite hands timestamps back naive; they were written in UTC.
        recorded_at=row.recorded_at if row.recorded_at.tzinfo else row.recorded_at.replace(
            tzinfo=UTC),
        author=row.author, reason=row.reason, idempotency_key=row.idempotency_key,
    )


def _check_request(kind: str, quantity: float, idempotency_key: str) -> None:
    """Refuse what no balance could make valid: bad kind, key or quantity."""
    if kind not in MOVEMENT_KINDS:
        raise InvalidMovement(f"kind must be one of {', '.join(MOVEMENT_KINDS)}; got {kind!r}")
    if not idempotency_key:
        raise InvalidMovement("an idempotency key is required")
    if not math.isfinite(quantity):
        raise InvalidMovement(f"quantity must be a finite number; got {quantity}")
    if kind == "adjustment" and quantity == 0:
        raise InvalidMovement("an adjustment must change the stock; got quantity 0")
    if kind != "adjustment" and quantity <= 0:
        raise InvalidMovement(
            f"a {kind} needs a positive quantity; got {format_quantity(quantity)}"
        )


def _lock_position(session: Session, nation: str, item: str) -> bool:
    """Lock the (nation, item) position row; return whether the item is counted in whole units."""
    query = (
        select(ItemRow.integer)
        .join(StockPosition, StockPosition.item == ItemRow.code)
        .where(StockPosition.nation == nation, StockPosition.item == item)
        .with_for_update(of=StockPosition)
    )
    integer = session.scalar(query)
    if integer is not None:
        return bool(integer)
    if session.get(NationRow, nation) is None:
        raise UnknownStock(f"unknown nation {nation!r}")
    if session.get(ItemRow, item) is None:
        raise UnknownStock(f"unknown item {item!r}")
    raise UnknownStock(f"{nation} holds no stock position for {item}")


def _replay(
    known: Movement, nation: str, item: str, kind: str, quantity: float,
    occurred_on: date | None,
) -> MovementRecord:
    """Return the movement a key already recorded, if the request is the same one."""
    same = (known.nation, known.item, known.kind, float(known.quantity)) == (
        nation, item, kind, quantity,
    ) and occurred_on in (None, known.occurred_on)
    if not same:
        raise ConflictError(
            f"idempotency key {known.idempotency_key!r} was already used for movement "
            f"#{known.id} ({_phrase(known.kind, known.quantity)} {known.item} for "
            f"{known.nation} on {known.occurred_on}), not for {_phrase(kind, quantity)} "
            f"{item} for {nation}"
        )
    return to_record(known)


def _check_cover(
    session: Session, nation: str, item: str, kind: str, quantity: float, day: date,
) -> None:
    """Refuse a decrease that leaves stock negative on `day` or any later movement date."""
    held = on_hand(session, nation, item, as_of=day)
    running = held - quantity if kind == "dispatch" else held + quantity
    refusal = f"{nation} holds {format_quantity(held)} {item} on {day}: {_phrase(kind, quantity)}"
    if running < -EPSILON:
        raise ConflictError(f"{refusal} would leave {format_quantity(running)}")
    later = (
        select(Movement.occurred_on, func.sum(signed_quantity()))
        .where(Movement.nation == nation, Movement.item == item, Movement.occurred_on > day)
        .group_by(Movement.occurred_on)
        .order_by(Movement.occurred_on)
    )
    for when, change in session.execute(later):
        running += float(change)
        if running < -EPSILON:
            raise ConflictError(
                f"{refusal} would leave {format_quantity(running)} on {when}, "
                "given the movements recorded up to then"
            )


def _phrase(kind: str, quantity: float) -> str:
    """'a dispatch of 5' / 'an adjustment of -5'."""
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind} of {format_quantity(quantity)}"
