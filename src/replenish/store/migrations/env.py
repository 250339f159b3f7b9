"""Alembic environment: runs on the connection `upgrade()` hands over, or opens the URL given."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from replenish.store.engine import make_engine
from replenish.store.tables import Base


def run_on(connection: Connection) -> None:
    """Run the pending migrations on `connection`; SQLite alters tables in batch mode."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Use the caller's connection if there is one, else connect to `sqlalchemy.url`."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as own:
            run_on(own)
            own.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("replenish migrations run online only: use `replenish db upgrade`")
run_online()
