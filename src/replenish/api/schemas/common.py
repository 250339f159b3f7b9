"""Shared field types and the error bodies every route may answer with."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

#: A scenario code, as in the scenario files.
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
#: A calendar month, YYYY-MM.
MonthText = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
#: The least amount of a fractional item: quantities are whole numbers of millionths.
LEAST_UNIT = 1e-6
#: Bidirectional-text controls, which make text read differently from what it holds.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _printable(value: str) -> str:
    """Refuse control characters (NUL included, which PostgreSQL text cannot hold), lone
    surrogates and bidirectional controls: text a person wrote has none of them."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI:
            raise ValueError(f"control or invalid character U+{ord(char):04X} is not allowed")
    return value


def _in_least_units(value: float) -> float:
    """`value` as a whole number of LEAST_UNITs; a finer amount is refused, not rounded away."""
    units = round(value / LEAST_UNIT)
    if abs(units * LEAST_UNIT - value) > 1e-9 * max(1.0, abs(value)) or (value and not units):
        raise ValueError(f"quantities are counted in steps of {LEAST_UNIT:g}")
    return round(units * LEAST_UNIT, 6)


#: Free text a person writes: printable, 1 to 500 characters.
Text = Annotated[str, StringConstraints(min_length=1, max_length=500),
                 AfterValidator(_printable)]
#: A quantity of materiel: a JSON number (never a string or a boolean), finite, within what
#: any stock could hold, in steps of LEAST_UNIT.
Quantity = Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False, strict=True),
                     AfterValidator(_in_least_units)]
#: A signed quantity (an adjustment), with the same rules.
SignedQuantity = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False, strict=True),
                           AfterValidator(_in_least_units)]



def _in_utc(value: datetime) -> datetime:
    """`value` in UTC; a naive time (SQLite hands them back so) was written in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: A moment, always given in UTC whichever database it came from.
Moment = Annotated[datetime, AfterValidator(_in_utc)]


class Schema(BaseModel):
    """Base of every body: unknown fields are refused, so a typo is a 422, not ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorPublic(BaseModel):
    """A refusal: what was wrong, in words."""

    detail: str


DESCRIPTIONS = {
    400: "The body could not be parsed: not UTF-8, or JSON nested too deep.",
    401: "Missing, unknown or revoked bearer token.",
    403: "The caller's role or binding does not allow this; says nothing of other records.",
    404: "No such record.",
    409: "Conflicts with the stored state (e.g. stock would go negative, id already used).",
    413: "The body is larger than the server accepts (REPLENISH_MAX_BODY_BYTES).",
    429: "Too many failed authentications from this address or for this token id, too many "
         "writes by this user, or too many plans queued; try again after `Retry-After` "
         "seconds.",
}
#: What every operation under /api/v1 may answer whatever it does.
EVERY_OPERATION = (400, 413, 429)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry documenting these error statuses with the error body."""
    return {status: {"model": ErrorPublic, "description": DESCRIPTIONS[status]}
            for status in statuses}
