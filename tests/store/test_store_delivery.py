"""Hubs, routes and items' tonnes per unit in the store: folder -> store -> folder byte for
byte (SQLite and PostgreSQL), through `load` and `export` as well; and the migration to 0007
keeps items stored before it, weighing nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from replenish.cli import run
from replenish.scenario.reader import read_scenario
from replenish.scenario.writer import write_scenario
from replenish.store import make_engine, upgrade
from replenish.store.scenarios import export_scenario, load_scenario

DELIVERY = Path(__file__).parents[1] / "scenarios" / "delivery"


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_scenario_with_hubs_and_routes_exports_byte_identical(
    store_url: str, migrated: Callable[[str], Engine], tmp_path: Path,
) -> None:
    engine = migrated(store_url)
    scenario = read_scenario(DELIVERY)
    with Session(engine) as session, session.begin():
        counts = load_scenario(session, scenario, author="test")
    assert (counts["hubs"], counts["routes"]) == (2, 3)
    with Session(engine) as session, session.begin():
        exported = export_scenario(session)
    assert exported == scenario
    write_scenario(exported, tmp_path / "out")
    assert files(tmp_path / "out") == files(DELIVERY)


def test_load_and_export_commands_carry_hubs_and_routes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    db = str(tmp_path / "store.db")
    assert run(["load", str(DELIVERY), "--db", db]) == 0
    assert "2 hubs, 3 routes" in capsys.readouterr().out
    assert run(["export", str(tmp_path / "out"), "--db", db]) == 0
    assert files(tmp_path / "out") == files(DELIVERY)


def test_items_stored_before_0007_weigh_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0006")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO items (code, seq, name, family, kind, unit_cost, integer) "
                "VALUES ('S155', 0, 'Shell', 'ammo', 'munition', 3500, 0)"))
        upgrade(url)
        with engine.connect() as connection:
            weight = connection.execute(text("SELECT tonnes_per_unit FROM items")).scalar()
    finally:
        engine.dispose()
    assert weight == 0
