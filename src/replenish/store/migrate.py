"""Run the store's Alembic migrations programmatically; they ship inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from replenish.store.engine import make_engine, normalise_url

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    """An Alembic config for `url` whose scripts are the package's own migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # '%' must be doubled for ConfigParser (passwords may contain it).
    rendered = normalise_url(url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration this version of replenish ships."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def upgrade(url: str, revision: str = "head") -> str:
    """Bring the database at `url` up to `revision` (default: the newest); return the revision."""
    engine = make_engine(url)
    try:
        config = alembic_config(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        return current_revision(engine) or ""
    finally:
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
