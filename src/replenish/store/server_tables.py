"""The coalition server's own tables: API users, the audit log of writes, and planning jobs.

They refer to no scenario table by foreign key, so replacing the stored scenario (which
truncates those tables) keeps users, the audit trail and past plans.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from replenish.store.tables import CODE, Base, MovementId

ROLES = ("coordinator", "nation", "recipient", "industry", "admin")
PLAN_STATUSES = ("queued", "running", "done", "failed", "cancelled")


class User(Base):
    """Someone (or some system) holding an API token, with the role and code it is bound to.

    The token is `token_id.secret`: `token_id` is a public lookup key, `token_hash` an
    HMAC-SHA-256 of the secret under the server key ('hmac-sha256$HEX'; tokens made before
    revision 0004 hold an argon2 hash). `password_hash` is an argon2id hash of the password the
    pages accept with the name (null: none). `revoked_at` set, or `expires_at` past, means
    neither opens anything.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('coordinator', 'nation', 'recipient', 'industry', 'admin')", name="role",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    nation: Mapped[str | None] = mapped_column(String(CODE))
    producer: Mapped[str | None] = mapped_column(String(CODE))
    token_id: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One write made through the server: who, when, what; append-only on PostgreSQL."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_target", "action", "target"),)

    id: Mapped[int] = mapped_column(MovementId, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class PlanJob(Base):
    """A planning run of the stored state, done in the background; rows are the plan files.

    `worker` names the server process that queued and runs it ('HOST:PID'), so that a server
    starting up can tell a job whose process died (failed at start-up) from a live one.
    """

    __tablename__ = "plan_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'cancelled')",
                        name="status"),
        Index("ix_plan_jobs_status_finished_at", "status", "finished_at"),
        Index("ix_plan_jobs_requested_by_status", "requested_by", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[float] = mapped_column(Float)
    stage: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rows: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    #: a what-if: the scenario change planned (see planning.measure.apply_change); null for a
    #: plan of the store as it is
    change: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    worker: Mapped[str | None] = mapped_column(String(300))
