"""`replenish db upgrade`, `load`, `export` and `stock` end to end through cli.run."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from replenish.cli import run
from replenish.model import Scenario
from replenish.scenario.writer import write_scenario
from replenish.store import ENV_VAR, head_revision, make_engine
from replenish.store.scenarios import stored_scenario_name


@pytest.fixture
def folder(tmp_path: Path, small_scenario: Scenario) -> Path:
    """`small_scenario` written as a canonical scenario folder."""
    write_scenario(small_scenario, tmp_path / "small")
    return tmp_path / "small"


@pytest.fixture
def db(tmp_path: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A SQLite store file with `small_scenario` loaded through the command line."""
    path = str(tmp_path / "store.db")
    assert run(["load", str(folder), "--db", path]) == 0
    capsys.readouterr()
    return path


def test_db_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["db", "upgrade", "--db", str(tmp_path / "x.db")]) == 0
    assert f"at revision {head_revision()}" in capsys.readouterr().out
    assert (tmp_path / "x.db").is_file()


def test_load_prints_counts_and_refuses_a_second_load(
    tmp_path: Path, folder: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(tmp_path / "store.db")
    assert run(["load", str(folder), "--db", path]) == 0
    out = capsys.readouterr().out
    assert "loaded scenario small" in out
    assert "3 nations" in out and "4 stocks" in out and "3 opening receipts" in out
    assert run(["load", str(folder), "--db", path]) == 1
    assert "--replace" in capsys.readouterr().err
    assert run(["load", str(folder), "--db", path, "--replace"]) == 0


def test_load_of_an_invalid_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    assert run(["load", str(tmp_path / "bad"), "--db", str(tmp_path / "s.db")]) == 2


def test_export_writes_the_canonical_folder_back(
    db: str, folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["export", str(tmp_path / "out"), "--db", db]) == 0
    assert "exported scenario small" in capsys.readouterr().out
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(p.name for p in folder.iterdir())
    for name in written:
        assert (tmp_path / "out" / name).read_bytes() == (folder / name).read_bytes(), name


def test_stock_table_against_floors_and_targets(
    db: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["stock", "--db", db]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()]
    assert ["nation", "item", "family", "on", "hand", "floor", "target", "target", "status"] in [
        [w for w in row if w not in ("gap", "to")] for row in rows
    ]
    assert ["AAA", "H155", "howitzer_155", "0", "2", "4", "4", "below", "floor"] in rows
    assert ["S155", "ammunition_155", "1,000", "100", "500", "—", "at", "target"] in rows
    assert ["BBB", "H155", "howitzer_155", "20", "5", "30", "10", "below", "target"] in rows
    assert ["S155", "ammunition_155", "100.5", "50", "200", "99.5", "below", "target"] in rows
    assert ["AAA", "2", "1", "0", "1"] in rows and ["BBB", "2", "0", "2", "0"] in rows
    assert "4 positions of 2 nations: 1 below floor, 2 below target, 1 at target" in out


def test_stock_as_of_and_nation(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["stock", "--db", db, "--nation", "AAA", "--as-of", "2027-02-28"]) == 0
    out = capsys.readouterr().out
    assert "as of 2027-02-28" in out and "BBB" not in out
    assert "2 positions of 1 nation: 2 below floor, 0 below target, 0 at target" in out
    assert run(["stock", "--db", db, "--nation", "AAA", "--as-of", "2027-03-01"]) == 0
    assert "1 below floor, 0 below target, 1 at target" in capsys.readouterr().out


@pytest.mark.parametrize("day", ["2027-13-01", "yesterday", "20270301", "2027-02-30"])
def test_stock_with_a_bad_day_exits_2(
    db: str, day: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["stock", "--db", db, "--as-of", day]) == 2
    assert f"--as-of: expected a day as YYYY-MM-DD, got '{day}'" in capsys.readouterr().err


def test_stock_of_an_unknown_nation_is_refused(
    db: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["stock", "--db", db, "--nation", "XX"]) == 1
    assert "unknown nation 'XX'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["stock", "export"])
def test_an_empty_store_says_to_load(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str],
) -> None:
    args = [command, str(tmp_path / "out")] if command == "export" else [command]
    assert run([*args, "--db", str(tmp_path / "none.db")]) == 1
    assert "replenish load" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
    assert run(["db", "upgrade", "--db", str(tmp_path / "empty.db")]) == 0
    assert run([*args, "--db", str(tmp_path / "empty.db")]) == 1
    assert "replenish load" in capsys.readouterr().err


def test_database_url_from_the_environment(
    pg_url: str, folder: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(ENV_VAR, pg_url)
    assert run(["load", str(folder)]) == 0
    assert "postgresql+psycopg://" in capsys.readouterr().out
    engine = make_engine(pg_url)
    try:
        with Session(engine) as session:
            assert stored_scenario_name(session) == "small"
    finally:
        engine.dispose()
    assert run(["stock", "--nation", "BBB"]) == 0
    assert "2 positions of 1 nation" in capsys.readouterr().out


def test_an_unreachable_server_is_refused_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(ENV_VAR, "postgresql+psycopg://nobody:pw@127.0.0.1:1/none")
    assert run(["db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert "refused" in err and "pw" not in err
