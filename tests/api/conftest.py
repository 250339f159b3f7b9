"""Fixtures of the API tests: the server of a module, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .support import Server, new_pg_database, open_server


@pytest.fixture(scope="module")
def pg_module_url(pg_user: str) -> Iterator[str]:
    """A PostgreSQL database shared by one test module."""
    with new_pg_database(pg_user) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[Server]:
    """The server of this module, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'store.db'}"
    else:
        url = str(request.getfixturevalue("pg_module_url"))
    with open_server(url) as opened:
        yield opened
