"""Stock movements: a receipt, dispatch or adjustment of one nation's stock of one item."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import Field

from replenish.api.schemas.common import Code, Schema, Text
from replenish.ledger import MovementRecord

#: Positive for receipts and dispatches; a signed, non-zero change for adjustments.
SignedQuantity = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]


class MovementBase(Schema):
    """What moved: whose stock, which item, which way, how much and why."""

    nation: Code
    item: Code
    kind: Literal["receipt", "dispatch", "adjustment"]
    quantity: SignedQuantity
    reason: Text


class MovementCreate(MovementBase):
    """A movement to record; it occurs today unless a day is given."""

    occurred_on: date | None = Field(default=None, ge=date(1900, 1, 1), le=date(2999, 12, 31))


class MovementPublic(MovementBase):
    """A recorded movement."""

    id: int
    occurred_on: date
    recorded_at: datetime
    author: str

    @classmethod
    def from_record(cls, record: MovementRecord) -> MovementPublic:
        """The public view of a ledger record (timestamps in UTC, so a replay is identical)."""
        return cls(nation=record.nation, item=record.item, kind=record.kind,
                   quantity=record.quantity, reason=record.reason or "-", id=record.id,
                   occurred_on=record.occurred_on, recorded_at=record.recorded_at.astimezone(UTC),
                   author=record.author)
