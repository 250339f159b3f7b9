"""Where the store lives and how to connect: SQLite by default, any SQLAlchemy URL by env."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from replenish.errors import Problem, ScenarioError

ENV_VAR = "REPLENISH_DATABASE_URL"
DEFAULT_FILE = "replenish.db"

#: Seconds a SQLite writer waits for another's lock before giving up.
SQLITE_BUSY_TIMEOUT = 30.0

#: What a store URL looks like, for messages.
URL_EXAMPLES = "sqlite:///path/to/store.db or postgresql+psycopg://user:password@host/database"


def database_url(db: Path | None = None) -> str:
    """The store's URL: an explicit SQLite file, else $REPLENISH_DATABASE_URL, else a user file."""
    if db is not None:
        return f"sqlite:///{db.expanduser().absolute()}"
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return check_url(from_env, ENV_VAR)
    folder = Path(platformdirs.user_data_dir("replenish"))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / DEFAULT_FILE}"


def normalise_url(url: str | URL) -> URL:
    """Parse `url`, choosing psycopg 3 for PostgreSQL when no driver is named."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def check_url(url: str, source: str) -> str:
    """`url` if it parses and names a dialect and driver that are installed; else invalid input.

    `source` names where the URL came from (the environment variable or option) in the message.
    """
    try:
        parsed = normalise_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        shown = re.sub(r":[^:/@]*@", ":***@", url)
        raise ScenarioError([Problem(source, None, None, f"{shown!r} is not a database URL; "
                                     f"expected one such as {URL_EXAMPLES}")]) from None
    shown = describe_url(parsed)
    backend, _, driver = parsed.drivername.partition("+")
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        try:
            make_url(f"{backend}://").get_dialect()
        except NoSuchModuleError:
            message = f"unknown database system {backend!r} in {shown}; expected {URL_EXAMPLES}"
        else:
            message = (f"unknown driver {driver!r} for {backend} in {shown}; name an installed "
                       f"driver or none (the default), such as {backend}://...")
        raise ScenarioError([Problem(source, None, None, message)]) from None
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        message = (f"the {backend} driver {dialect.driver!r} of {shown} is not installed (no "
                   f"Python module {exc.name or dialect.driver!r}); install it or use "
                   f"{URL_EXAMPLES}")
        raise ScenarioError([Problem(source, None, None, message)]) from None
    return url


def describe_url(url: str | URL) -> str:
    """The URL as shown to a person: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_path(url: str | URL) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and an up-front write lock."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, **kwargs)
    path = sqlite_path(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT, "check_same_thread": False}
    engine = create_engine(parsed, connect_args=connect_args, **kwargs)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Turn on foreign keys and WAL, and take transaction control away from sqlite3."""
    # sqlite3's own BEGIN is deferred and skipped for SELECT; we emit BEGIN IMMEDIATE instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    """Take SQLite's write lock when a transaction starts, so read-then-write cannot race."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")
