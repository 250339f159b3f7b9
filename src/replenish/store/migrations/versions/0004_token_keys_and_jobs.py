"""Tokens that expire, and plan jobs that can be cancelled and know their worker.

`users.expires_at` (null: never). Existing tokens keep their argon2 hashes and still work;
`replenish user token NAME` replaces one with a token hashed under the server key.
`plan_jobs.worker` names the server process of a job; status 'cancelled' is allowed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STATUSES = "status IN ('queued', 'running', 'done', 'failed'{})"


def upgrade() -> None:
    """Add the columns and allow cancelled jobs."""
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("plan_jobs") as jobs:
        jobs.add_column(sa.Column("worker", sa.String(length=300), nullable=True))
        jobs.drop_constraint("ck_plan_jobs_status", type_="check")
        jobs.create_check_constraint("status", STATUSES.format(", 'cancelled'"))
    op.create_index("ix_plan_jobs_requested_by_status", "plan_jobs", ["requested_by", "status"])


def downgrade() -> None:
    """Drop them again (cancelled jobs become failed ones)."""
    op.drop_index("ix_plan_jobs_requested_by_status", table_name="plan_jobs")
    op.execute("UPDATE plan_jobs SET status = 'failed' WHERE status = 'cancelled'")
    with op.batch_alter_table("plan_jobs") as jobs:
        jobs.drop_constraint("ck_plan_jobs_status", type_="check")
        jobs.create_check_constraint("status", STATUSES.format(""))
        jobs.drop_column("worker")
    with op.batch_alter_table("users") as users:
        users.drop_column("expires_at")
