"""GET /audit: every write made through the server, who and when (coordinators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.schemas.audit import AuditPublic
from replenish.api.schemas.common import errors
from replenish.store.server_tables import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", responses=errors(401, 403))
def read_audit(
    session: SessionDep, grant: Annotated[Grant, permit("audit.read")],
    after: Annotated[int, Query(ge=0, le=2**62, description="Only entries after this id.")] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    action: Annotated[str | None, Query(
        pattern=r"^[a-z_.]{1,64}$",
        description="Only this action, e.g. user.create_privileged (an admin made a "
        "coordinator or admin).")] = None,
) -> list[AuditPublic]:
    """Logged writes in the order they were made."""
    query = select(AuditEntry).where(AuditEntry.id > after)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    query = query.order_by(AuditEntry.id).limit(limit)
    return [
        AuditPublic(id=e.id, occurred_at=e.occurred_at, actor=e.actor, role=e.role,
                    action=e.action, target=e.target, detail=e.detail)
        for e in session.scalars(query)
    ]
