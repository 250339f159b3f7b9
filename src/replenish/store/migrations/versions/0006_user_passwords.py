"""Passwords for the pages: a user may sign in with a name and password as well as a token.

`users.password_hash` holds an argon2id hash (null: no password, token sign-in only);
`replenish user password NAME` sets it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column."""
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))


def downgrade() -> None:
    """Drop it (every password is forgotten; tokens still work)."""
    with op.batch_alter_table("users") as users:
        users.drop_column("password_hash")
