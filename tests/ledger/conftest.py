"""A store holding `small_scenario`, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from replenish.model import Scenario
from replenish.store.scenarios import load_scenario


@pytest.fixture
def store(store_url: str, migrated: Callable[[str], Engine],
          small_scenario: Scenario) -> Engine:
    """An engine on a migrated store with `small_scenario` loaded (opening stock 2027-03-01)."""
    engine = migrated(store_url)
    with Session(engine) as session, session.begin():
        load_scenario(session, small_scenario, author="test")
    return engine
