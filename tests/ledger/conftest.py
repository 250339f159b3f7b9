"""A store holding `small_scenario`, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from replenish.model import Scenario
from replenish.store import make_engine, upgrade
from replenish.store.scenarios import load_scenario


@pytest.fixture
def store(store_url: str, small_scenario: Scenario) -> Iterator[Engine]:
    """An engine on a migrated store with `small_scenario` loaded (opening stock 2027-03-01)."""
    upgrade(store_url)
    engine = make_engine(store_url)
    with Session(engine) as session, session.begin():
        load_scenario(session, small_scenario, author="test")
    yield engine
    engine.dispose()
