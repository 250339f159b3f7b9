"""What-if plan jobs: a plan job may carry one scenario change, planned on the stored state.

`plan_jobs.change` (null: a plan of the store as it is) holds the change as
`replenish.planning.measure.apply_change` takes it, and the plan it is compared with.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column."""
    with op.batch_alter_table("plan_jobs") as jobs:
        jobs.add_column(sa.Column("change", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop it (what-if jobs become plain plan jobs: delete them first if that matters)."""
    with op.batch_alter_table("plan_jobs") as jobs:
        jobs.drop_column("change")
