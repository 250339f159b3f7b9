"""Routes (routes.csv): how a member's materiel reaches a recipient, through a hub or direct."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from replenish.api.schemas.common import Code, Schema
from replenish.api.schemas.hubs import Tonnes

Mode = Literal["rail", "road", "air", "sea"]


class RouteBase(Schema):
    """From a member to a recipient, through a hub (null: direct), by a mode; months from
    leaving the origin to arrival, and tonnes per month (null: unlimited)."""

    code: str
    origin: str
    hub: str | None = None
    recipient: str
    mode: Mode
    lead_months: int
    capacity_tonnes: float | None = None


class RouteCreate(RouteBase):
    """A new route."""

    code: Code
    origin: Code
    hub: Code | None = None
    recipient: Code
    lead_months: Annotated[int, Field(ge=0, le=1200, strict=True)]
    capacity_tonnes: Tonnes | None = None


class RoutePublic(RouteBase):
    """A stored route."""
