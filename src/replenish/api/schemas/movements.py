"""Stock movements: a receipt, dispatch or adjustment of one nation's stock of one item."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from replenish.api.schemas.common import Code, Moment, Schema, SignedQuantity, Text
from replenish.ledger import MovementRecord

MovementKind = Literal["receipt", "dispatch", "adjustment"]


class MovementBase(Schema):
    """What moved: whose stock, which item, which way, how much and why."""

    nation: str
    item: str
    kind: MovementKind
    quantity: float
    reason: str


class MovementCreate(MovementBase):
    """A movement to record; undated, it occurs today (or on the scenario's opening day, if
    that is still ahead)."""

    nation: Code
    item: Code
    quantity: SignedQuantity
    reason: Text
    occurred_on: date | None = Field(default=None, ge=date(1900, 1, 1), le=date(2999, 12, 31))


class MovementPublic(MovementBase):
    """A recorded movement."""

    id: int
    occurred_on: date
    recorded_at: Moment
    author: str

    @classmethod
    def from_record(cls, record: MovementRecord) -> MovementPublic:
        """The public view of a ledger record (times in UTC, so a replay reads the same)."""
        return cls(nation=record.nation, item=record.item, kind=record.kind,
                   quantity=record.quantity, reason=record.reason, id=record.id,
                   occurred_on=record.occurred_on, recorded_at=record.recorded_at,
                   author=record.author)
