"""Press statements sent to be read, and the proposals read from them (not stored)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from replenish.api.schemas.common import Schema, Text
from replenish.api.schemas.pledges import PledgeCreate, PledgePublic
from replenish.api.schemas.requirements import RequirementCreate, RequirementPublic

#: A statement's text: at most a million characters (a statement is kilobytes).
Body = Annotated[str, StringConstraints(min_length=1, max_length=1_000_000)]


class AnnouncementBase(Schema):
    """One statement: a name to cite it by and its text (plain text or HTML)."""

    name: Text
    text: Body


class AnnouncementCreate(Schema):
    """Statements to read, in English or Danish."""

    texts: list[AnnouncementBase] = Field(min_length=1, max_length=10)


class AnnouncementsPublic(Schema):
    """Proposals, as `announcements read` writes them (each row's cells as text): proposed
    pledges (status announced), requirements, orders and refills, the evidence of each (the
    sentence, the offsets of each part, the rule) and what was skipped, with why. Nothing is
    accepted: a coordinator reviews them and posts the pledges and requirements kept."""

    pledges: list[dict[str, str]]
    requirements: list[dict[str, str]]
    orders: list[dict[str, str]]
    evidence: list[dict[str, str]]
    skipped: list[dict[str, str]]


class AnnouncedPledge(PledgeCreate):
    """A reviewed proposal accepted as a pledge: always `announced`, never committed."""

    status: Literal["announced"] = "announced"


class AnnouncementAccept(Schema):
    """Reviewed proposals to store: pledges (as announced) and requirements."""

    pledges: list[AnnouncedPledge] = Field(default_factory=list, max_length=500)
    requirements: list[RequirementCreate] = Field(default_factory=list, max_length=500)


class AcceptedPublic(Schema):
    """What was stored."""

    pledges: list[PledgePublic]
    requirements: list[RequirementPublic]
