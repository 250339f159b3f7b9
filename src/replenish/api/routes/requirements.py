"""GET /requirements and POST /requirements (a recipient states what it needs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from replenish.api.auditing import record_write
from replenish.api.calendar import Calendar, calendar
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.schemas.common import Code, errors
from replenish.api.schemas.requirements import RequirementCreate, RequirementPublic
from replenish.errors import ConflictError, Problem, ScenarioError
from replenish.store.tables import ItemRow, RequirementRow

router = APIRouter(prefix="/requirements", tags=["requirements"])


@router.get("", responses=errors(401, 403, 409))
def read_requirements(
    session: SessionDep, grant: Annotated[Grant, permit("requirements.read")],
    recipient: Annotated[Code | None, Query(description="Recipient (recipients: their own).")]
    = None,
) -> list[RequirementPublic]:
    """Requirements in the order they were stated, months as YYYY-MM."""
    months = calendar(session)
    query = select(RequirementRow).order_by(RequirementRow.seq)
    wanted = grant.pick("recipient", recipient)
    if wanted is not None:
        query = query.where(RequirementRow.recipient == wanted)
    return [to_public(row, months) for row in session.scalars(query)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(401, 403, 409))
def create_requirement(
    body: RequirementCreate, session: SessionDep,
    grant: Annotated[Grant, permit("requirements.create")],
) -> RequirementPublic:
    """Add a requirement of the caller's recipient; the next plan takes it into account."""
    months = calendar(session)
    needed_by = months.index(body.needed_by, "needed_by")
    check_item_or_family(session, body.item, body.family)
    if session.get(RequirementRow, body.id) is not None:
        raise ConflictError(f"requirement {body.id} already exists")
    seq = session.scalar(select(func.coalesce(func.max(RequirementRow.seq) + 1, 0)))
    row = RequirementRow(id=body.id, seq=seq, recipient=body.recipient, item=body.item,
                         family=body.family, quantity=body.quantity, needed_by=needed_by,
                         priority=body.priority)
    session.add(row)
    session.flush()
    record_write(session, grant.user, "requirement.create", f"requirement:{body.id}",
                 body.model_dump())
    return to_public(row, months)


def check_item_or_family(session: Session, item: str | None, family: str | None) -> None:
    """Refuse (422) an item that does not exist, or a family no item belongs to."""
    if item is not None and session.get(ItemRow, item) is None:
        raise ScenarioError([Problem("body", None, "item", f"unknown item {item!r}")])
    if family is not None and session.scalar(
            select(ItemRow.code).where(ItemRow.family == family).limit(1)) is None:
        raise ScenarioError([Problem("body", None, "family", f"no item of family {family!r}")])


def to_public(row: RequirementRow, months: Calendar) -> RequirementPublic:
    """The public view of a stored requirement."""
    return RequirementPublic(id=row.id, recipient=row.recipient, item=row.item,
                             family=row.family, quantity=row.quantity,
                             needed_by=months.text(row.needed_by), priority=row.priority)
