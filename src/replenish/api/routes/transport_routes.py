"""GET /routes and POST /routes (how a member's materiel reaches a recipient)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from replenish.api.auditing import record_write
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.schemas.common import Code, errors
from replenish.api.schemas.transport_routes import RouteCreate, RoutePublic
from replenish.errors import ConflictError, Problem, ScenarioError
from replenish.store.tables import HubRow, NationRow, RouteRow

router = APIRouter(prefix="/routes", tags=["routes"])


@router.get("", responses=errors(401, 403))
def read_routes(
    session: SessionDep, grant: Annotated[Grant, permit("routes.read")],
    origin: Annotated[Code | None, Query(description="Origin (nations: their own).")] = None,
    recipient: Annotated[Code | None, Query(description="Recipient (recipients: their own).")]
    = None,
) -> list[RoutePublic]:
    """Routes in the order they were added."""
    query = select(RouteRow).order_by(RouteRow.seq)
    for column, wanted in ((RouteRow.origin, grant.pick("origin", origin)),
                           (RouteRow.recipient, grant.pick("recipient", recipient))):
        if wanted is not None:
            query = query.where(column == wanted)
    return [to_public(row) for row in session.scalars(query)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(401, 403, 409))
def create_route(
    body: RouteCreate, session: SessionDep, grant: Annotated[Grant, permit("routes.create")],
) -> RoutePublic:
    """Add a route; plans are refused until routes can be planned."""
    check_route(session, body)
    if session.get(RouteRow, body.code) is not None:
        raise ConflictError(f"route {body.code} already exists")
    seq = session.scalar(select(func.coalesce(func.max(RouteRow.seq) + 1, 0)))
    row = RouteRow(seq=seq, **body.model_dump())
    session.add(row)
    session.flush()
    record_write(session, grant.user, "route.create", f"route:{body.code}", body.model_dump())
    return to_public(row)


def check_route(session: Session, body: RouteCreate) -> None:
    """Refuse (422) an origin that is not a member, a recipient that is not a recipient, or
    an unknown hub."""
    problems = []
    for field, code, role in (("origin", body.origin, "member"),
                              ("recipient", body.recipient, "recipient")):
        nation = session.get(NationRow, code)
        if nation is None or nation.role != role:
            problems.append(Problem("body", None, field, f"{code} is not a {role}"))
    if body.hub is not None and session.get(HubRow, body.hub) is None:
        problems.append(Problem("body", None, "hub", f"unknown hub {body.hub!r}"))
    if problems:
        raise ScenarioError(problems)


def missing_route(session: Session, donor: str, recipient: str) -> str | None:
    """Why a committed pledge from `donor` to `recipient` cannot be, where the store has
    routes and none of them goes from the one to the other; else None."""
    if session.scalar(select(RouteRow.code).limit(1)) is None:
        return None
    found = session.scalar(select(RouteRow.code).where(
        RouteRow.origin == donor, RouteRow.recipient == recipient).limit(1))
    return None if found is not None else (
        f"no route from {donor} to {recipient}; a committed pledge needs one")


def to_public(row: RouteRow) -> RoutePublic:
    """The public view of a stored route."""
    return RoutePublic(code=row.code, origin=row.origin, hub=row.hub, recipient=row.recipient,
                       mode=row.mode, lead_months=row.lead_months,  # type: ignore[arg-type]
                       capacity_tonnes=row.capacity_tonnes)
