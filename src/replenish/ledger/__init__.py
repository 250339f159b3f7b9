"""The append-only record of stock movements and its projections (stock on hand as of a day)."""

from replenish.ledger.movements import (
    InvalidMovement,
    MovementKind,
    MovementRecord,
    list_movements,
    record_movement,
    reverse_movement,
)
from replenish.ledger.projections import Position, UnknownStock, on_hand, stock_positions

__all__ = [
    "InvalidMovement",
    "MovementKind",
    "MovementRecord",
    "Position",
    "UnknownStock",
    "list_movements",
    "on_hand",
    "record_movement",
    "reverse_movement",
    "stock_positions",
]
