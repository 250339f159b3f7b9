"""Shared fixtures: real databases for tests that need one.

`pg_url` creates a fresh, uniquely named PostgreSQL database on the server at 127.0.0.1:5432
(trust authentication) and drops it afterwards; `sqlite_url` is a SQLite file in tmp_path.
Without a reachable server PostgreSQL tests are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

from replenish.model import (
    Compatibility,
    Consumption,
    Fielded,
    Item,
    Nation,
    Pledge,
    PriceBreak,
    ProductionLine,
    Requirement,
    Scenario,
    Settings,
    Stock,
    Training,
)
from replenish.plan.records import Plan
from replenish.store import make_engine, upgrade

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USERS = ("postgres", "root")


def _admin_connection(user: str) -> psycopg.Connection:
    """An autocommit connection to the server's maintenance database as `user`."""
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="postgres",
                           autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def pg_user() -> str:
    """The first of PG_USERS the server lets in; skip (or fail under CI) if none does."""
    reasons = []
    for user in PG_USERS:
        try:
            with _admin_connection(user):
                return user
        except psycopg.Error as exc:
            reasons.append(f"{user}: {str(exc).strip()}")
    message = f"no PostgreSQL server at {PG_HOST}:{PG_PORT} ({'; '.join(reasons)})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def pg_url(pg_user: str) -> Iterator[str]:
    """A SQLAlchemy URL of a new empty PostgreSQL database, dropped after the test."""
    name = f"replenish_test_{uuid.uuid4().hex[:12]}"
    with _admin_connection(pg_user) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{pg_user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with _admin_connection(pg_user) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLAlchemy URL of a SQLite file (not yet created) in tmp_path."""
    return f"sqlite:///{tmp_path / 'replenish.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty store, once on SQLite and once on PostgreSQL."""
    return str(request.getfixturevalue(f"{request.param}_url" if request.param == "sqlite"
                                       else "pg_url"))


@pytest.fixture
def migrated() -> Iterator[Callable[[str], Engine]]:
    """`migrated(url)`: the store at url migrated to the newest schema, and an engine on it;
    every such engine is disposed of after the test (before its database is dropped)."""
    engines: list[Engine] = []

    def open_store(url: str) -> Engine:
        upgrade(url)
        engines.append(make_engine(url))
        return engines[-1]

    yield open_store
    for engine in engines:
        engine.dispose()


@pytest.fixture
def small_scenario() -> Scenario:
    """A scenario built in code that fills every table: two members, one recipient."""
    return Scenario(
        settings=Settings(name="small", start="2027-03", horizon_months=12,
                          procurement="national", weights={"floor": 500.0, "cost": 0.001}),
        nations=(Nation("BBB", "Bravo", "member", 2.5e9), Nation("AAA", "Alpha", "member"),
                 Nation("UKR", "Ukraine", "recipient")),
        items=(Item("H155", "Howitzer 155", "howitzer_155", "platform", 4.2e6, True),
               Item("S155", "Shell 155", "ammunition_155", "munition", 3500.0, False)),
        stocks=(Stock("BBB", "H155", 20, 5, 30), Stock("BBB", "S155", 100.5, 50, 200),
                Stock("AAA", "H155", 0, 2, 4), Stock("AAA", "S155", 1000, 100, 500)),
        compatibility=(Compatibility("S155", "H155"),),
        requirements=(Requirement("R1", "UKR", "H155", None, 6, 3, 1),
                      Requirement("R2", "UKR", None, "ammunition_155", 5000, 5, 2)),
        pledges=(Pledge("P1", "AAA", "UKR", "S155", 200, 1, "committed"),),
        lines=(ProductionLine("RHM", "BBB", "S155", 1000, 3800.0, 2, 500, 100, 6, 1.5e4, 24),),
        fielded=(Fielded("UKR", "H155", 40),),
        consumption=(Consumption("UKR", "S155", "H155", 90.5, 1),),
        training=(Training("H155", 3, 2.5),),
        price_breaks=(PriceBreak("RHM", "S155", 10000, 3600.0),),
    )


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Plan, Path]:
    """The demo scenario planned once and written as `replenish plan` writes it."""
    from replenish.plan.writer import summary_dict, write_plan
    from replenish.planning import PlanOptions, plan_scenario
    from replenish.scenario.reader import read_scenario

    demo_folder = Path(__file__).parents[1] / "examples" / "coalition"
    sc = read_scenario(demo_folder)
    plan = plan_scenario(sc, PlanOptions(compare_greedy=False))
    folder = tmp_path_factory.mktemp("demo") / "plan"
    write_plan(plan, sc, folder, {**summary_dict(plan, sc), "scenario": str(demo_folder)})
    return sc, plan, folder
