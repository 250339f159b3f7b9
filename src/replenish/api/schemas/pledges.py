"""Pledges of aid: a donor's promise of an item to a recipient by a month."""

from __future__ import annotations

from typing import Literal

from replenish.api.schemas.common import Code, MonthText, Quantity, Schema

PledgeStatus = Literal["committed", "announced"]


class PledgeBase(Schema):
    """Who promises what to whom, by when (month YYYY-MM), and how firmly."""

    donor: str
    recipient: str
    item: str
    quantity: float
    month: str
    status: PledgeStatus


class PledgeCreate(PledgeBase):
    """A new pledge with its id."""

    id: Code
    donor: Code
    recipient: Code
    item: Code
    quantity: Quantity
    month: MonthText


class PledgeUpdate(Schema):
    """A change of a pledge's status (announced pledges become committed, or back)."""

    status: PledgeStatus


class PledgePublic(PledgeBase):
    """A stored pledge."""

    id: str
