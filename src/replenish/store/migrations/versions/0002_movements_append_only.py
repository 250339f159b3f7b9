"""Make the ledger append-only in PostgreSQL: a trigger refuses UPDATE and DELETE of movements.

Corrections are new movements. Row-level triggers do not fire on TRUNCATE, which `replace`
uses to discard a whole store deliberately. SQLite has no such guard; there the ledger
module is the only writer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE FUNCTION movements_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'movements are append-only: % of movement % refused; record a correction',
        TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$
"""

TRIGGER = """
CREATE TRIGGER movements_append_only
BEFORE UPDATE OR DELETE ON movements
FOR EACH ROW EXECUTE FUNCTION movements_append_only()
"""


def upgrade() -> None:
    """Add the trigger (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(TRIGGER)


def downgrade() -> None:
    """Remove the trigger (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER movements_append_only ON movements")
    op.execute("DROP FUNCTION movements_append_only()")
