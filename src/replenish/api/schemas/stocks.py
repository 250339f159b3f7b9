"""Stock positions (one nation's, per item) and coalition totals per family."""

from __future__ import annotations

from typing import Literal

from replenish.api.schemas.common import Schema
from replenish.ledger import Position


class PositionBase(Schema):
    """A member's holding of one item."""

    nation: str
    item: str
    family: str
    on_hand: float
    floor: float
    target: float


class PositionPublic(PositionBase):
    """A holding with its status against floor and target."""

    status: Literal["below floor", "below target", "at target"]
    gap_to_target: float

    @classmethod
    def from_position(cls, position: Position) -> PositionPublic:
        """The public view of a ledger position."""
        return cls(nation=position.nation, item=position.item, family=position.family,
                   on_hand=position.on_hand, floor=position.floor, target=position.target,
                   status=position.status,  # type: ignore[arg-type]
                   gap_to_target=position.gap_to_target)


class FamilyTotalPublic(Schema):
    """Coalition-wide stock of one family (`nations`: members with a position in it).

    Numbers are withheld (null, `withheld` true) unless the disclosure rule allows them: at
    least three members hold a positive amount, two of them not the caller, and none holds
    more than 80 % (see docs/server.md). Coordinators see every total.
    """

    family: str
    nations: int
    withheld: bool
    on_hand: float | None
    floor: float | None
    target: float | None
