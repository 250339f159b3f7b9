"""Loading a scenario and exporting it back: the same records, the same canonical bytes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from replenish.errors import ConflictError, StoreError
from replenish.ledger import record_movement
from replenish.model import Scenario
from replenish.scenario.generator import generate_scenario
from replenish.scenario.reader import read_scenario
from replenish.scenario.writer import write_scenario
from replenish.store.scenarios import export_scenario, load_scenario, stored_scenario_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(store_url: str, migrated: Callable[[str], Engine]) -> Engine:
    """An engine on a migrated, empty store."""
    return migrated(store_url)


def round_trip(engine: Engine, scenario: Scenario, replace: bool = False) -> Scenario:
    with Session(engine) as session, session.begin():
        load_scenario(session, scenario, author="test", replace=replace)
    with Session(engine) as session, session.begin():
        return export_scenario(session)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_every_table_round_trips_to_equal_records(
    engine: Engine, small_scenario: Scenario,
) -> None:
    assert round_trip(engine, small_scenario) == small_scenario


def test_load_reports_counts(engine: Engine, small_scenario: Scenario) -> None:
    with Session(engine) as session, session.begin():
        counts = load_scenario(session, small_scenario, author="test")
    assert counts == {
        "nations": 3, "items": 2, "stocks": 4, "compatibility": 1, "requirements": 2,
        "pledges": 1, "lines": 1, "price_breaks": 1, "fielded": 1, "consumption": 1,
        "training": 1, "movements": 3,
    }


@pytest.mark.parametrize("source", ["tests/scenarios/tiny", "examples/coalition"])
def test_canonical_folder_exports_byte_identical(
    engine: Engine, tmp_path: Path, source: str,
) -> None:
    write_scenario(read_scenario(ROOT / source), tmp_path / "canonical")
    scenario = read_scenario(tmp_path / "canonical")
    exported = round_trip(engine, scenario)
    write_scenario(exported, tmp_path / "exported")
    assert exported == scenario
    assert files(tmp_path / "exported") == files(tmp_path / "canonical")


def test_generated_scenario_exports_byte_identical(engine: Engine, tmp_path: Path) -> None:
    scenario = generate_scenario(nations=4, items=12, months=18, seed=7)
    write_scenario(scenario, tmp_path / "before")
    exported = round_trip(engine, scenario)
    write_scenario(exported, tmp_path / "after")
    assert exported == scenario
    assert files(tmp_path / "after") == files(tmp_path / "before")


def test_export_shows_the_ledger_now(engine: Engine, small_scenario: Scenario) -> None:
    round_trip(engine, small_scenario)
    with Session(engine) as session, session.begin():
        record_movement(session, "BBB", "H155", "dispatch", 6, "aid", "t", "d",
                        occurred_on=date(2027, 4, 1))
        record_movement(session, "AAA", "H155", "receipt", 2, "delivery", "t", "r",
                        occurred_on=date(2027, 5, 1))
    with Session(engine) as session, session.begin():
        stocks = {(s.nation, s.item): s.on_hand for s in export_scenario(session).stocks}
    assert stocks == {("BBB", "H155"): 14, ("BBB", "S155"): 100.5, ("AAA", "H155"): 2,
                      ("AAA", "S155"): 1000}


def test_loading_into_a_full_store_is_refused_unless_replacing(
    engine: Engine, small_scenario: Scenario,
) -> None:
    round_trip(engine, small_scenario)
    other = generate_scenario(nations=2, items=8, months=6, seed=1)
    with pytest.raises(ConflictError, match="already holds scenario 'small' with 3 movements"):
        round_trip(engine, other)
    assert round_trip(engine, other, replace=True) == other
    with Session(engine) as session, session.begin():
        assert stored_scenario_name(session) == other.settings.name


def test_exporting_an_empty_store_says_to_load(engine: Engine) -> None:
    with Session(engine) as session, session.begin(), \
            pytest.raises(StoreError, match="replenish load"):
        export_scenario(session)
