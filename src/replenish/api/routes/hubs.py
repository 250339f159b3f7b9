"""GET /hubs and POST /hubs (the transit hubs routes run through)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, status
from sqlalchemy import func, select

from replenish.api.auditing import record_write
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.schemas.common import errors
from replenish.api.schemas.hubs import HubCreate, HubPublic
from replenish.errors import ConflictError, Problem, ScenarioError
from replenish.store.tables import HubRow, NationRow

router = APIRouter(prefix="/hubs", tags=["hubs"])


@router.get("", responses=errors(401, 403))
def read_hubs(
    session: SessionDep, grant: Annotated[Grant, permit("hubs.read")],
) -> list[HubPublic]:
    """Hubs in the order they were added."""
    return [to_public(row) for row in session.scalars(select(HubRow).order_by(HubRow.seq))]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(401, 403, 409))
def create_hub(
    body: HubCreate, session: SessionDep, grant: Annotated[Grant, permit("hubs.create")],
) -> HubPublic:
    """Add a hub; plans are refused until routes through hubs can be planned."""
    if session.get(NationRow, body.nation) is None:
        raise ScenarioError([Problem("body", None, "nation", f"unknown nation {body.nation!r}")])
    if session.get(HubRow, body.code) is not None:
        raise ConflictError(f"hub {body.code} already exists")
    seq = session.scalar(select(func.coalesce(func.max(HubRow.seq) + 1, 0)))
    row = HubRow(seq=seq, **body.model_dump())
    session.add(row)
    session.flush()
    record_write(session, grant.user, "hub.create", f"hub:{body.code}", body.model_dump())
    return to_public(row)


def to_public(row: HubRow) -> HubPublic:
    """The public view of a stored hub."""
    return HubPublic(code=row.code, name=row.name, nation=row.nation,
                     capacity_tonnes=row.capacity_tonnes)
