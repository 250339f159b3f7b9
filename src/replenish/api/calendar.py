"""Months as the API speaks them (YYYY-MM) and as the store holds them (offsets from start)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.errors import Problem, ScenarioError, StoreError
from replenish.model import format_month, month_index
from replenish.store.tables import ScenarioSettings


@dataclass(frozen=True, slots=True)
class Calendar:
    """The stored scenario's start month and horizon."""

    start: str
    horizon: int

    def text(self, index: int) -> str:
        """The YYYY-MM of month offset `index`."""
        return format_month(index, self.start)

    def index(self, text: str, field: str) -> int:
        """The offset of YYYY-MM `text`; a month outside the horizon is a 422 on `field`."""
        offset = month_index(text, self.start)
        if not 0 <= offset < self.horizon:
            last = self.text(self.horizon - 1)
            raise ScenarioError([Problem("body", None, field,
                                         f"{text} is outside the horizon {self.start} to {last}")])
        return offset


def calendar(session: Session) -> Calendar:
    """The stored scenario's calendar; refused (409) when the store holds no scenario."""
    row = session.execute(select(ScenarioSettings.start, ScenarioSettings.horizon_months)).first()
    if row is None:
        raise StoreError("the store holds no scenario: run `replenish load SCENARIO_DIR` first")
    return Calendar(row[0], row[1])
