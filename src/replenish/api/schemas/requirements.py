"""A recipient's requirements: an item or any item of a family, by a month, with a priority."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from replenish.api.schemas.common import Code, MonthText, Quantity, Schema


class RequirementBase(Schema):
    """What a recipient needs and by when (month YYYY-MM); an item or a family."""

    recipient: str
    item: str | None = None
    family: str | None = None
    quantity: float
    needed_by: str
    priority: int


class RequirementCreate(RequirementBase):
    """A new requirement with its id; exactly one of item and family."""

    id: Code
    recipient: Code
    item: Code | None = None
    family: Code | None = None
    quantity: Quantity
    needed_by: MonthText
    priority: Annotated[int, Field(ge=1, le=5)]

    @model_validator(mode="after")
    def _one_of_item_and_family(self) -> RequirementCreate:
        """A requirement names an item or a family, never both or neither."""
        if (self.item is None) == (self.family is None):
            raise ValueError("give exactly one of item and family")
        return self


class RequirementPublic(RequirementBase):
    """A stored requirement."""

    id: str
