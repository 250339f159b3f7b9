"""Initial tables: one scenario (settings, nations, items, ...) and the stock ledger.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CODE = sa.String(length=64)


def code(name: str, nullable: bool = False) -> sa.Column[str]:
    """A code column."""
    return sa.Column(name, CODE, nullable=nullable)


def number(name: str, nullable: bool = False) -> sa.Column[float]:
    """A float column (quantities, money)."""
    return sa.Column(name, sa.Float(), nullable=nullable)


def whole(name: str) -> sa.Column[int]:
    """An integer column."""
    return sa.Column(name, sa.Integer(), nullable=False)


def fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    """A named single-column foreign key to `target` (table.code)."""
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=f"fk_{table}_{column}_{referred}")


def pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    """A named primary key."""
    return sa.PrimaryKeyConstraint(*columns, name=f"pk_{table}")


def upgrade() -> None:
    """Create every table of the store."""
    create_reference_tables()
    create_scenario_tables()
    create_movements()


def create_reference_tables() -> None:
    """Settings, nations and items: what every other table refers to."""
    op.create_table(
        "items",
        code("code"), whole("seq"), sa.Column("name", sa.Text(), nullable=False),
        code("family"), sa.Column("kind", sa.String(length=16), nullable=False),
        number("unit_cost"), sa.Column("integer", sa.Boolean(), nullable=False),
        pk("items", "code"),
    )
    op.create_index("ix_items_family", "items", ["family"])
    op.create_table(
        "nations",
        code("code"), whole("seq"), sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        number("annual_budget", nullable=True),
        pk("nations", "code"),
    )
    op.create_table(
        "scenario_settings",
        whole("id"), sa.Column("name", sa.Text(), nullable=False),
        sa.Column("start", sa.String(length=7), nullable=False),
        whole("horizon_months"),
        sa.Column("procurement", sa.String(length=16), nullable=False),
        whole("delivery_lead_months"),
        sa.Column("readiness", sa.String(length=16), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=128), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_scenario_settings_single_row"),
        pk("scenario_settings", "id"),
    )


def create_scenario_tables() -> None:
    """The scenario's other files, one table each."""
    op.create_table(
        "compatibility",
        code("munition"), code("platform"), whole("seq"),
        fk("compatibility", "munition", "items.code"),
        fk("compatibility", "platform", "items.code"),
        pk("compatibility", "munition", "platform"),
    )
    op.create_table(
        "stock_positions",
        code("nation"), code("item"), whole("seq"), number("floor"), number("target"),
        fk("stock_positions", "item", "items.code"),
        fk("stock_positions", "nation", "nations.code"),
        pk("stock_positions", "nation", "item"),
    )
    op.create_table(
        "requirements",
        code("id"), whole("seq"), code("recipient"), code("item", nullable=True),
        code("family", nullable=True), number("quantity"), whole("needed_by"), whole("priority"),
        fk("requirements", "item", "items.code"),
        fk("requirements", "recipient", "nations.code"),
        pk("requirements", "id"),
    )
    op.create_table(
        "pledges",
        code("id"), whole("seq"), code("donor"), code("recipient"), code("item"),
        number("quantity"), whole("month"),
        sa.Column("status", sa.String(length=16), nullable=False),
        fk("pledges", "donor", "nations.code"),
        fk("pledges", "item", "items.code"),
        fk("pledges", "recipient", "nations.code"),
        pk("pledges", "id"),
    )
    create_industry_tables()
    create_sustainment_tables()


def create_industry_tables() -> None:
    """Production lines and their price breaks."""
    op.create_table(
        "production_lines",
        code("producer"), code("item"), whole("seq"), code("nation"),
        number("capacity"), number("unit_price"), whole("lead_time"),
        number("max_expansion"), number("min_expansion"), whole("expansion_lead_time"),
        number("expansion_cost"), whole("commitment_months"),
        fk("production_lines", "item", "items.code"),
        fk("production_lines", "nation", "nations.code"),
        pk("production_lines", "producer", "item"),
    )
    op.create_table(
        "price_breaks",
        code("producer"), code("item"), number("min_quantity"), whole("seq"),
        number("unit_price"),
        fk("price_breaks", "item", "items.code"),
        pk("price_breaks", "producer", "item", "min_quantity"),
    )


def create_sustainment_tables() -> None:
    """Fielded systems, consumption and training."""
    op.create_table(
        "fielded",
        code("recipient"), code("platform"), whole("seq"), number("quantity"),
        fk("fielded", "platform", "items.code"),
        fk("fielded", "recipient", "nations.code"),
        pk("fielded", "recipient", "platform"),
    )
    op.create_table(
        "consumption",
        code("recipient"), code("munition"), code("platform"), whole("seq"),
        number("per_platform_month"), whole("priority"),
        fk("consumption", "munition", "items.code"),
        fk("consumption", "platform", "items.code"),
        fk("consumption", "recipient", "nations.code"),
        pk("consumption", "recipient", "munition", "platform"),
    )
    op.create_table(
        "training",
        code("platform"), whole("seq"), whole("course_months"), number("seats_per_month"),
        fk("training", "platform", "items.code"),
        pk("training", "platform"),
    )


def create_movements() -> None:
    """The append-only ledger of stock movements."""
    op.create_table(
        "movements",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True, nullable=False,
        ),
        code("nation"), code("item"), sa.Column("kind", sa.String(length=16), nullable=False),
        number("quantity"), sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind = 'adjustment' OR quantity > 0",
                           name="ck_movements_positive_quantity"),
        sa.CheckConstraint("kind IN ('receipt', 'dispatch', 'adjustment')",
                           name="ck_movements_kind"),
        sa.ForeignKeyConstraint(
            ["nation", "item"], ["stock_positions.nation", "stock_positions.item"],
            name="fk_movements_position",
        ),
        pk("movements", "id"),
        sa.UniqueConstraint("idempotency_key", name="uq_movements_idempotency_key"),
    )
    op.create_index("ix_movements_position_day", "movements", ["nation", "item", "occurred_on"])


def downgrade() -> None:
    """Drop every table (the ledger with them)."""
    for table in ("movements", "training", "consumption", "fielded", "price_breaks",
                  "production_lines", "pledges", "requirements", "stock_positions",
                  "compatibility", "scenario_settings", "nations", "items"):
        op.drop_table(table)
