"""Migrations bring an empty database to head, on SQLite and PostgreSQL, matching the tables."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from replenish.store import current_revision, head_revision, make_engine, upgrade
from replenish.store.tables import Base


def test_upgrade_reaches_head_and_matches_the_declared_tables(store_url: str) -> None:
    assert upgrade(store_url) == head_revision()
    assert upgrade(store_url) == head_revision()  # a second run is a no-op
    engine = make_engine(store_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert differences == []


def test_an_unmigrated_database_has_no_revision(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        assert current_revision(engine) is None
    finally:
        engine.dispose()


def test_upgrade_to_a_named_revision_then_to_head(store_url: str) -> None:
    assert upgrade(store_url, "0001") == "0001"
    assert upgrade(store_url) == head_revision()
