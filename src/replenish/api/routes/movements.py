"""POST /movements (idempotent, never overdraws) and GET /movements."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from replenish.api.auditing import record_write, was_recorded
from replenish.api.calendar import calendar
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.schemas.common import Code, errors
from replenish.api.schemas.movements import MovementCreate, MovementPublic
from replenish.ledger import MovementRecord, list_movements, record_movement
from replenish.model import parse_month

router = APIRouter(prefix="/movements", tags=["movements"])

IdempotencyKey = Annotated[str, Header(
    alias="Idempotency-Key", pattern=r"^[A-Za-z0-9_.:-]{1,100}$",
    description="Chosen by the client per movement; a retry with the same key records nothing "
    "new and gets the first response again.",
)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(401, 403, 404, 409))
async def create_movement(
    body: MovementCreate, key: IdempotencyKey, session: SessionDep,
    grant: Annotated[Grant, permit("movements.create")],
) -> MovementPublic:
    """Record a receipt, dispatch or adjustment; 409 if it would drive stock negative."""
    # Async, so that the store work is one trip to a worker thread: on SQLite the write lock
    # is held from its first query to the commit, and each trip adds a wait for the GIL.
    record = await run_in_threadpool(record_request, session, grant, body, key)
    return MovementPublic.from_record(record)


def record_request(
    session: Session, grant: Grant, body: MovementCreate, key: str,
) -> MovementRecord:
    """Record the movement `body` asks for, and audit it unless it is a replay."""
    # Keys are scoped to the caller: one client's key can neither replay nor block another's.
    record = record_movement(
        session, body.nation, body.item, body.kind, body.quantity, body.reason,
        author=f"api:{grant.user.name}", idempotency_key=f"api:{grant.user.id}:{key}",
        occurred_on=body.occurred_on or opening_day(session),
    )
    target = f"movement:{record.id}"
    if not was_recorded(session, "movement.create", target):
        record_write(session, grant.user, "movement.create", target,
                     {**body.model_dump(), "idempotency_key": key})
    return record


def opening_day(session: Session) -> date | None:
    """The scenario's opening day if it is still ahead, so undated movements follow the
    opening stock the positions show; None (today) once it has passed."""
    opening = date(*parse_month(calendar(session).start), 1)
    return opening if opening > date.today() else None


@router.get("", responses=errors(401, 403, 404))
def read_movements(
    session: SessionDep, grant: Annotated[Grant, permit("movements.read")],
    nation: Annotated[Code | None, Query(description="Member code (nations: their own).")] = None,
    item: Annotated[Code | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10_000, description="At most this many, newest.")] = 1000,
) -> list[MovementPublic]:
    """Movements in the order they occurred (the newest `limit` of them)."""
    movements = list_movements(session, nation=grant.pick("nation", nation), item=item)
    return [MovementPublic.from_record(m) for m in movements[-limit:]]
