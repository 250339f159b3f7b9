"""Planning through the API: POST /plans queues a job, GET /plans/{id} shows it finish."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from replenish.api.app import create_app
from replenish.api.identity import create_user
from replenish.store import make_engine, upgrade

from .support import TOKEN_KEY, Server, open_server, server_settings


@pytest.fixture
def fresh(tmp_path: Path) -> Any:
    """A server of its own (the jobs here must not disturb other modules' plans)."""
    with open_server(f"sqlite:///{tmp_path / 'store.db'}") as server:
        yield server


def wait_for(server: Server, plan_id: int, seconds: float = 30.0) -> dict[str, Any]:
    """Poll the job until it is done or failed; return its last state."""
    deadline = time.monotonic() + seconds
    headers = server.headers("coordinator")
    while True:
        job = server.client.get(f"/api/v1/plans/{plan_id}", headers=headers).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.05)


def test_a_plan_runs_in_the_background_and_feeds_the_signal(fresh: Server) -> None:
    headers = fresh.headers("coordinator")
    queued = fresh.client.post("/api/v1/plans", headers=headers)
    assert queued.status_code == 202
    assert queued.json()["status"] in ("queued", "running")
    job = wait_for(fresh, queued.json()["id"])
    assert job["status"] == "done", job["error"]
    assert job["progress"] == 1.0 and job["finished_at"] >= job["started_at"]
    assert job["summary"]["status"] in ("optimal", "feasible")
    assert {"orders.csv", "donations.csv", "stocks.csv"} <= set(job["files"])
    signal = fresh.client.get("/api/v1/signal", headers=fresh.headers("industry")).json()
    assert signal["plan"] == job["id"]
    ordered = sum(o["quantity"] for o in job["files"]["orders.csv"] if o["producer"] == "RHM")
    assert sum(r["offtake"] for r in signal["rows"]) == pytest.approx(ordered)
    listed = fresh.client.get("/api/v1/plans", headers=headers).json()
    assert listed[0]["id"] == job["id"] and listed[0]["files"] is None


def test_an_infeasible_plan_fails_naming_the_pledge(fresh: Server) -> None:
    pledge = {"id": "P-huge", "donor": "CCC", "recipient": "UKR", "item": "S155",
              "quantity": 900000, "month": "2027-04", "status": "committed"}
    created = fresh.client.post("/api/v1/pledges", json=pledge, headers=fresh.headers("spare"))
    assert created.status_code == 201
    queued = fresh.client.post("/api/v1/plans", headers=fresh.headers("coordinator"))
    job = wait_for(fresh, queued.json()["id"])
    assert job["status"] == "failed"
    assert "P-huge" in job["error"]
    assert job["files"] is None


def test_planning_an_empty_store_is_a_conflict(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        _, token = create_user(session, "coord", "coordinator", key=TOKEN_KEY)
    engine.dispose()
    with TestClient(create_app(server_settings(url))) as client:
        response = client.post("/api/v1/plans", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 409
    assert "no scenario" in response.json()["detail"]
