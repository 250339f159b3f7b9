"""Transit hubs (hubs.csv): an airport, rail head or crossing and what it passes per month."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from replenish.api.schemas.common import Code, Schema, Text

#: Tonnes per month: a JSON number, finite, at least 0; null is unlimited.
Tonnes = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False, strict=True)]


class HubBase(Schema):
    """A hub, the nation it is in and its capacity in tonnes per month (null: unlimited)."""

    code: str
    name: str
    nation: str
    capacity_tonnes: float | None = None


class HubCreate(HubBase):
    """A new hub."""

    code: Code
    name: Text
    nation: Code
    capacity_tonnes: Tonnes | None = None


class HubPublic(HubBase):
    """A stored hub."""
