"""Shared field types and the error bodies every route may answer with."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

#: A scenario code, as in the scenario files.
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
#: A calendar month, YYYY-MM.
MonthText = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
#: Free text a person writes (no NUL, which PostgreSQL text cannot hold).
Text = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=r"^[^\x00]+$")]
#: A quantity of materiel: finite and within what any stock could hold.
Quantity = Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False)]



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
    401: "Missing, unknown or revoked bearer token.",
    403: "The caller's role or binding does not allow this; says nothing of other records.",
    404: "No such record.",
    409: "Conflicts with the stored state (e.g. stock would go negative, id already used).",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry documenting these error statuses with the error body."""
    return {status: {"model": ErrorPublic, "description": DESCRIPTIONS[status]}
            for status in statuses}
