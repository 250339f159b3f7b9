"""GET /pledges, POST /pledges (a donor's promise) and PATCH /pledges/{id} (its status)."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from replenish.api.auditing import record_write
from replenish.api.calendar import Calendar, calendar
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.routes.transport_routes import missing_route
from replenish.api.schemas.common import Code, errors
from replenish.api.schemas.pledges import PledgeCreate, PledgePublic, PledgeUpdate
from replenish.errors import ConflictError, Problem, ScenarioError
from replenish.store.tables import ItemRow, NationRow, PledgeRow

router = APIRouter(prefix="/pledges", tags=["pledges"])


@router.get("", responses=errors(401, 403, 409))
def read_pledges(
    session: SessionDep, grant: Annotated[Grant, permit("pledges.read")],
    donor: Annotated[Code | None, Query(description="Donor (nations: their own).")] = None,
    recipient: Annotated[Code | None, Query(description="Recipient (recipients: their own).")]
    = None,
) -> list[PledgePublic]:
    """Pledges in the order they were made, months as YYYY-MM."""
    months = calendar(session)
    query = select(PledgeRow).order_by(PledgeRow.seq)
    for column, wanted in ((PledgeRow.donor, grant.pick("donor", donor)),
                           (PledgeRow.recipient, grant.pick("recipient", recipient))):
        if wanted is not None:
            query = query.where(column == wanted)
    return [to_public(row, months) for row in session.scalars(query)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(401, 403, 409))
def create_pledge(
    body: PledgeCreate, session: SessionDep, grant: Annotated[Grant, permit("pledges.create")],
) -> PledgePublic:
    """Pledge an item to a recipient by a month."""
    months = calendar(session)
    month = months.index(body.month, "month")
    check_pledge(session, body)
    if session.get(PledgeRow, body.id) is not None:
        raise ConflictError(f"pledge {body.id} already exists")
    seq = session.scalar(select(func.coalesce(func.max(PledgeRow.seq) + 1, 0)))
    row = PledgeRow(id=body.id, seq=seq, donor=body.donor, recipient=body.recipient,
                    item=body.item, quantity=body.quantity, month=month, status=body.status)
    session.add(row)
    session.flush()
    record_write(session, grant.user, "pledge.create", f"pledge:{body.id}", body.model_dump())
    return to_public(row, months)


@router.patch("/{pledge_id}", responses=errors(401, 403, 404, 409))
def update_pledge(
    pledge_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,64}$")], body: PledgeUpdate,
    session: SessionDep, grant: Annotated[Grant, permit("pledges.update")],
) -> PledgePublic:
    """Change a pledge's status (only its donor may)."""
    months = calendar(session)
    row = session.scalar(select(PledgeRow).where(PledgeRow.id == pledge_id).with_for_update())
    if row is None:  # only reachable for roles that may change any pledge
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no pledge {pledge_id}")
    unrouted = missing_route(session, row.donor, row.recipient)
    if body.status == "committed" and unrouted:
        raise ScenarioError([Problem("body", None, "status", unrouted)])
    before = row.status
    row.status = body.status
    record_write(session, grant.user, "pledge.update", f"pledge:{pledge_id}",
                 {"status": body.status, "was": before})
    return to_public(row, months)


def check_pledge(session: Session, body: PledgeCreate) -> None:
    """Refuse (422) an unknown recipient or item, a fraction of a whole item, or a committed
    pledge with no route from its donor where the store has routes."""
    problems = []
    recipient = session.get(NationRow, body.recipient)
    if recipient is None or recipient.role != "recipient":
        problems.append(Problem("body", None, "recipient", f"{body.recipient} is not a recipient"))
    item = session.get(ItemRow, body.item)
    if item is None:
        problems.append(Problem("body", None, "item", f"unknown item {body.item!r}"))
    elif item.integer and body.quantity != math.floor(body.quantity):
        problems.append(Problem("body", None, "quantity",
                                f"{body.item} is counted in whole units"))
    unrouted = missing_route(session, body.donor, body.recipient)
    if body.status == "committed" and unrouted:
        problems.append(Problem("body", None, "donor", unrouted))
    if problems:
        raise ScenarioError(problems)


def to_public(row: PledgeRow, months: Calendar) -> PledgePublic:
    """The public view of a stored pledge."""
    return PledgePublic(id=row.id, donor=row.donor, recipient=row.recipient, item=row.item,
                        quantity=row.quantity, month=months.text(row.month),
                        status=row.status)  # type: ignore[arg-type]
