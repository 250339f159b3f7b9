"""Helpers of the API tests: a coalition server on a real store, served in-process, with three
members, two recipients, two producers, one user per role and a finished plan.

Member AAA's own numbers are distinctive (SECRETS) so a test can tell whether any response
leaks them; so is the howitzer family total, which only two members hold.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from replenish.api.app import create_app
from replenish.api.identity import create_user
from replenish.api.settings import ServerSettings
from replenish.model import (
    Item,
    Nation,
    Pledge,
    ProductionLine,
    Requirement,
    Scenario,
    Settings,
    Stock,
)
from replenish.store import make_engine, upgrade
from replenish.store.scenarios import load_scenario
from replenish.store.server_tables import PlanJob

PG_HOST = "127.0.0.1"
#: The server key the tests' tokens are made with (any key but the development default).
TOKEN_KEY = "test-token-key-0123456789abcdef0123456789abcdef"
PG_PORT = 5432

#: AAA's on hand, floor and target of S155, its on hand of H155, and the H155 total
#: (AAA + BBB): none may reach anyone but coordinators and AAA itself.
SECRETS = (123457.0, 97531.0, 246813.0, 8641.0, 8661.0)

#: Role in the permission matrix -> (user name, role, nation, producer).
USERS: dict[str, tuple[str, str, str | None, str | None]] = {
    "coordinator": ("coord", "coordinator", None, None),
    "nation": ("aaa", "nation", "AAA", None),
    "other_nation": ("bbb", "nation", "BBB", None),
    "recipient": ("ukr", "recipient", "UKR", None),
    "industry": ("rhm", "industry", None, "RHM"),
    "admin": ("root", "admin", None, None),
    "spare": ("ccc", "nation", "CCC", None),
}


def api_scenario() -> Scenario:
    """Members AAA, BBB, CCC; recipients UKR and POL; lines RHM (S155) and KNDS (H155)."""
    return Scenario(
        settings=Settings(name="api", start="2027-03", horizon_months=6),
        nations=(Nation("AAA", "Alpha", "member"), Nation("BBB", "Bravo", "member"),
                 Nation("CCC", "Charlie", "member"), Nation("UKR", "Ukraine", "recipient"),
                 Nation("POL", "Polonia", "recipient")),
        items=(Item("H155", "Howitzer 155", "howitzer_155", "platform", 4.2e6, True),
               Item("S155", "Shell 155", "ammunition_155", "munition", 3500.0, True)),
        stocks=(Stock("AAA", "S155", 123457, 97531, 246813), Stock("AAA", "H155", 8641, 2, 4),
                Stock("BBB", "S155", 1000, 100, 500), Stock("BBB", "H155", 20, 5, 30),
                Stock("CCC", "S155", 2000, 100, 500)),
        requirements=(Requirement("R1", "UKR", "H155", None, 6, 3, 1),
                      Requirement("R2", "POL", None, "ammunition_155", 500, 5, 2)),
        pledges=(Pledge("P1", "AAA", "UKR", "S155", 200, 1, "announced"),
                 Pledge("P2", "BBB", "POL", "S155", 50, 2, "committed")),
        lines=(ProductionLine("RHM", "BBB", "S155", 1000, 3800.0, 2, 500, 100, 3, 1.5e4, 3),
               ProductionLine("KNDS", "AAA", "H155", 2, 4e6, 3)),
    )


def finished_plan_files() -> dict[str, list[dict[str, Any]]]:
    """Plan files as a finished plan stores them (months YYYY-MM), for signal and deliveries."""
    order = {"unit_price": 3800.0, "contract": None}
    return {
        "orders.csv": [
            {"buyer": "AAA", "destination": "AAA", "producer": "RHM", "item": "S155",
             "production_month": "2027-05", "arrival_month": "2027-07", "quantity": 300.0,
             **order},
            {"buyer": "BBB", "destination": "BBB", "producer": "RHM", "item": "S155",
             "production_month": "2027-05", "arrival_month": "2027-07", "quantity": 200.0,
             **order},
            {"buyer": "BBB", "destination": "UKR", "producer": "KNDS", "item": "H155",
             "production_month": "2027-04", "arrival_month": "2027-07", "quantity": 2.0,
             **order},
        ],
        "expansions.csv": [{"producer": "RHM", "item": "S155", "buyer": None,
                            "added_capacity": 150.0, "available_from": "2027-06"}],
        "donations.csv": [{"donor": "AAA", "recipient": "UKR", "item": "S155",
                           "dispatch_month": "2027-03", "arrival_month": "2027-04",
                           "quantity": 200.0, "pledge": "P1"}],
        "stocks.csv": [{"nation": "AAA", "item": "S155", "month": "2027-03",
                        "on_hand": 123457.0, "floor": 97531.0, "target": 246813.0}],
    }


@dataclass
class Server:
    """An application on a loaded store, a client on it, and a token per role."""

    url: str
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]
    plan_id: int

    def headers(self, role: str) -> dict[str, str]:
        """The Authorization header of `role` (none for 'anonymous')."""
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}


def prepare_store(
    url: str, scenario: Scenario | None = None,
    users: dict[str, tuple[str, str, str | None, str | None]] | None = None,
) -> tuple[dict[str, str], int]:
    """Migrate, load `scenario` (`api_scenario`), add `users` (a user per role) and a finished
    plan job."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            load_scenario(session, scenario or api_scenario(), author="test")
            tokens = {role: create_user(session, *spec, key=TOKEN_KEY)[1]
                      for role, spec in (users or USERS).items()}
            now = datetime.now(UTC)
            job = PlanJob(status="done", progress=1.0, stage="done", requested_by="coord",
                          created_at=now, started_at=now, finished_at=now,
                          summary={"status": "optimal"}, rows=finished_plan_files())
            session.add(job)
            session.flush()
            return tokens, job.id
    finally:
        engine.dispose()


def server_settings(url: str, **settings: Any) -> ServerSettings:
    """Test settings on the store at `url`, with the tests' token key."""
    return ServerSettings(database_url=url, environment="test", token_key=TOKEN_KEY, **settings)


@contextmanager
def open_server(
    url: str, scenario: Scenario | None = None,
    users: dict[str, tuple[str, str, str | None, str | None]] | None = None, **settings: Any,
) -> Iterator[Server]:
    """A prepared store at `url` served in-process (closing waits for a running plan)."""
    tokens, plan_id = prepare_store(url, scenario, users)
    app = create_app(server_settings(url, **settings))
    with TestClient(app) as client:
        yield Server(url, app, client, tokens, plan_id)


@contextmanager
def new_pg_database(user: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the local server for a whole module, dropped after."""
    name = f"replenish_api_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="postgres",
                         autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="postgres",
                             autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
