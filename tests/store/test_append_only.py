"""On PostgreSQL the ledger refuses UPDATE and DELETE of movements at the database level."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from replenish.model import Scenario
from replenish.store.scenarios import load_scenario
from replenish.store.tables import Movement


@pytest.mark.parametrize("statement", [
    "UPDATE movements SET quantity = quantity + 1",
    "UPDATE movements SET reason = 'rewritten' WHERE id = (SELECT min(id) FROM movements)",
    "DELETE FROM movements",
])
def test_trigger_refuses_edits_of_movements(
    pg_url: str, migrated: Callable[[str], Engine], small_scenario: Scenario, statement: str,
) -> None:
    engine = migrated(pg_url)
    with Session(engine) as session, session.begin():
        load_scenario(session, small_scenario, author="test")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with Session(engine) as session:
        total = session.scalar(select(func.sum(Movement.quantity)))
        reasons = set(session.scalars(select(Movement.reason)))
    assert total == 20 + 100.5 + 1000
    assert reasons == {"opening stock of scenario small"}


def test_replacing_a_store_truncates_its_ledger(
    pg_url: str, migrated: Callable[[str], Engine], small_scenario: Scenario,
) -> None:
    engine = migrated(pg_url)
    for _ in range(2):
        with Session(engine) as session, session.begin():
            load_scenario(session, small_scenario, author="test", replace=True)
    with Session(engine) as session:
        keys = sorted(session.scalars(select(Movement.idempotency_key)))
    assert keys == ["opening:AAA:S155", "opening:BBB:H155", "opening:BBB:S155"]
