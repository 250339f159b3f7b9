"""The server's engines: one for writes and, on SQLite, another whose reads take no lock.

The store's SQLite engine opens every transaction with BEGIN IMMEDIATE, so that a movement's
read-then-write cannot race; for a request that only reads, that lock would queue every reader
behind every other (SQLite's busy handler then sleeps in growing steps). In WAL mode a plain
deferred BEGIN reads a consistent snapshot without any lock, so GET requests use that.
PostgreSQL needs no such split: one engine serves both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

from replenish.store import engine as store_engine
from replenish.store.engine import make_engine


def make_engines(url: str, **options: Any) -> tuple[Engine, Engine]:
    """(writer, reader) engines for the store at `url`; the same engine unless SQLite."""
    writer = make_engine(url, **options)
    if writer.dialect.name != "sqlite":
        return writer, writer
    reader = make_engine(url, **options)
    # The store module registers its BEGIN IMMEDIATE hook on every SQLite engine it makes.
    event.remove(reader, "begin", store_engine._on_sqlite_begin)
    event.listen(reader, "begin", _begin_deferred)
    return writer, reader


def _begin_deferred(connection: Any) -> None:
    """Start a read transaction: a snapshot in WAL mode, no lock taken."""
    connection.exec_driver_sql("BEGIN")
