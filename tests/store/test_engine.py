"""Where the store lives and how its engines are set up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from replenish.store import ENV_VAR, database_url, describe_url, make_engine
from replenish.store.engine import normalise_url, sqlite_path


def test_explicit_path_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV_VAR, "postgresql+psycopg://u@h/db")
    assert database_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"


def test_relative_path_becomes_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert database_url(Path("a/b.db")) == f"sqlite:///{tmp_path / 'a' / 'b.db'}"


def test_environment_url_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "postgresql+psycopg://u:secret@h:5432/db")
    assert database_url(None) == "postgresql+psycopg://u:secret@h:5432/db"
    assert "secret" not in describe_url(database_url(None))


def test_default_is_a_file_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = database_url(None)
    assert url == f"sqlite:///{tmp_path / 'data' / 'replenish' / 'replenish.db'}"
    assert (tmp_path / "data" / "replenish").is_dir()


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert sqlite_path("postgresql://u@h/db") is None
    assert sqlite_path("sqlite://") is None


def test_sqlite_has_foreign_keys_wal_and_its_folder(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'store.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()
    assert (tmp_path / "new" / "store.db").is_file()


def test_postgresql_engine_connects(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        with engine.connect() as connection:
            assert engine.dialect.driver == "psycopg"
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
