"""Recording writes in the audit log, inside the request's own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.api.identity import PRIVILEGED_ROLES, Identity
from replenish.store.server_tables import AuditEntry


def record_write(
    session: Session, user: Identity, action: str, target: str, detail: Mapping[str, Any],
) -> None:
    """Log that `user` did `action` to `target` (e.g. 'movement:42'), with what it sent."""
    session.add(AuditEntry(
        occurred_at=datetime.now(UTC), actor=user.name, role=user.role, action=action,
        target=target, detail=jsonable_encoder(dict(detail)),
    ))


def was_recorded(session: Session, action: str, target: str) -> bool:
    """Whether `action` on `target` is already logged (a replayed request is not a new write)."""
    query = select(AuditEntry.id).where(AuditEntry.action == action,
                                        AuditEntry.target == target).limit(1)
    return session.scalar(query) is not None


def record_user_created(session: Session, actor: Identity, user: Identity) -> None:
    """Log a new user; a privileged one (coordinator, admin) under its own action, which
    coordinators can list (GET /audit?action=user.create_privileged)."""
    action = "user.create_privileged" if user.role in PRIVILEGED_ROLES else "user.create"
    record_write(session, actor, action, f"user:{user.name}",
                 {"name": user.name, "role": user.role, "nation": user.nation,
                  "producer": user.producer})
