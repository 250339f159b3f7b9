"""Delivery through hubs (issue 24): `hubs` and `routes` (hubs.csv, routes.csv) and
`items.tonnes_per_unit` (0 for items stored before).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CODE = sa.String(length=64)


def upgrade() -> None:
    """Add the column and the two tables."""
    with op.batch_alter_table("items") as items:
        items.add_column(sa.Column("tonnes_per_unit", sa.Float(), nullable=False,
                                   server_default="0"))
    op.create_table(
        "hubs",
        sa.Column("code", CODE, nullable=False), sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False), sa.Column("nation", CODE, nullable=False),
        sa.Column("capacity_tonnes", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["nation"], ["nations.code"], name="fk_hubs_nation_nations"),
        sa.PrimaryKeyConstraint("code", name="pk_hubs"),
    )
    op.create_table(
        "routes",
        sa.Column("code", CODE, nullable=False), sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("origin", CODE, nullable=False), sa.Column("hub", CODE, nullable=True),
        sa.Column("recipient", CODE, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("lead_months", sa.Integer(), nullable=False),
        sa.Column("capacity_tonnes", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["hub"], ["hubs.code"], name="fk_routes_hub_hubs"),
        sa.ForeignKeyConstraint(["origin"], ["nations.code"], name="fk_routes_origin_nations"),
        sa.ForeignKeyConstraint(["recipient"], ["nations.code"],
                                name="fk_routes_recipient_nations"),
        sa.PrimaryKeyConstraint("code", name="pk_routes"),
    )


def downgrade() -> None:
    """Drop the tables and the column (hubs, routes and weights are forgotten)."""
    op.drop_table("routes")
    op.drop_table("hubs")
    with op.batch_alter_table("items") as items:
        items.drop_column("tonnes_per_unit")
