"""POST /announcements (read press statements into proposals for a coordinator to review)
and POST /announcements/accepted (store the reviewed ones as announced pledges and
requirements, through the same checks as POST /pledges and POST /requirements)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from sqlalchemy import select

from replenish.api.auditing import record_write
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.routes.pledges import create_pledge
from replenish.api.routes.requirements import create_requirement
from replenish.api.schemas.announcements import (
    AcceptedPublic,
    AnnouncementAccept,
    AnnouncementCreate,
    AnnouncementsPublic,
)
from replenish.api.schemas.common import errors
from replenish.errors import Problem, ScenarioError
from replenish.model import Item, Nation
from replenish.store.tables import ItemRow, NationRow

router = APIRouter(prefix="/announcements", tags=["announcements"])


@router.post("", responses=errors(401, 403, 409))
def read_announcements(
    body: AnnouncementCreate, session: SessionDep,
    grant: Annotated[Grant, permit("announcements.read")],
) -> AnnouncementsPublic:
    """Propose announced pledges, requirements and orders from statements, with evidence;
    nothing is stored but the audit entry."""
    from replenish.announcements.reading import read_bodies, reader_for

    nations = [Nation(r.code, r.name, r.role, r.annual_budget)  # type: ignore[arg-type]
               for r in session.scalars(select(NationRow).order_by(NationRow.seq))]
    items = [Item(r.code, r.name, r.family, r.kind, r.unit_cost, r.integer)  # type: ignore[arg-type]
             for r in session.scalars(select(ItemRow).order_by(ItemRow.seq))]
    proposals = read_bodies([(t.name, t.text.encode("utf-8", "surrogatepass"))
                             for t in body.texts], reader_for(nations, items))
    tables = proposals.tables
    record_write(session, grant.user, "announcements.read", "announcements", {
        "texts": [t.name for t in body.texts],
        "proposed": {file: len(tables[file])
                     for file in ("pledges.csv", "requirements.csv", "orders.csv")}})
    return AnnouncementsPublic(
        pledges=tables["pledges.csv"], requirements=tables["requirements.csv"],
        orders=tables["orders.csv"], evidence=tables["evidence.csv"],
        skipped=tables["skipped.csv"])


@router.post("/accepted", status_code=status.HTTP_201_CREATED, responses=errors(401, 403, 409))
def accept_announcements(
    body: AnnouncementAccept, session: SessionDep,
    grant: Annotated[Grant, permit("announcements.accept")],
) -> AcceptedPublic:
    """Store reviewed proposals: pledges as announced, requirements; all or none."""
    if not body.pledges and not body.requirements:
        raise ScenarioError([Problem("body", None, None,
                                     "expected at least one pledge or requirement")])
    pledges = [create_pledge(p, session, grant) for p in body.pledges]
    requirements = [create_requirement(r, session, grant) for r in body.requirements]
    record_write(session, grant.user, "announcements.accept", "announcements", {
        "pledges": [p.id for p in body.pledges],
        "requirements": [r.id for r in body.requirements]})
    return AcceptedPublic(pledges=pledges, requirements=requirements)
