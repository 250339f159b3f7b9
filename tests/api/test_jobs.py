"""Plan jobs that survive: a queue per user, cancelling, pages, and jobs of a dead server.

The last test kills a real `replenish serve` (by its process id) while it plans, on
PostgreSQL, and checks that after a restart the job is failed or finished, never running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from replenish.api.app import create_app
from replenish.api.identity import create_user
from replenish.api.planner import this_worker
from replenish.scenario.generator import generate_scenario
from replenish.store import make_engine, upgrade
from replenish.store.scenarios import load_scenario
from replenish.store.server_tables import PlanJob

from .support import TOKEN_KEY, Server, open_server, server_settings

REPLENISH = Path(sys.executable).with_name("replenish")


@pytest.fixture(scope="module")
def jobs(pg_module_url: str) -> Iterator[Server]:
    """A server on PostgreSQL letting a user have two plans queued or running."""
    with open_server(pg_module_url, max_queued_plans=2) as server:
        yield server


def add_job(url: str, status: str, worker: str | None, requested_by: str = "coord") -> int:
    """A job row as a server would have left it; returns its id."""
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            job = PlanJob(status=status, progress=0.3, stage="solving",
                          requested_by=requested_by, created_at=datetime.now(UTC),
                          worker=worker)
            session.add(job)
            session.flush()
            return job.id
    finally:
        engine.dispose()


def test_a_user_has_at_most_n_plans_open_and_may_cancel_them(jobs: Server) -> None:
    headers = jobs.headers("coordinator")
    open_jobs = [add_job(jobs.url, "running", this_worker()), add_job(jobs.url, "queued",
                                                                      this_worker())]
    refused = jobs.client.post("/api/v1/plans", headers=headers)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    cancelled = jobs.client.post(f"/api/v1/plans/{open_jobs[1]}/cancel", headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = jobs.client.post(f"/api/v1/plans/{open_jobs[1]}/cancel", headers=headers)
    assert again.status_code == 409
    assert jobs.client.post("/api/v1/plans", headers=headers).status_code == 202
    running = jobs.client.post(f"/api/v1/plans/{open_jobs[0]}/cancel", headers=headers)
    assert running.json()["status"] == "cancelled"
    assert jobs.client.post("/api/v1/plans/999999/cancel", headers=headers).status_code == 404
    assert jobs.client.post(f"/api/v1/plans/{open_jobs[0]}/cancel",
                            headers=jobs.headers("nation")).status_code == 403


def test_plans_are_listed_a_page_at_a_time(jobs: Server) -> None:
    for _ in range(3):
        add_job(jobs.url, "failed", None, requested_by="someone")
    headers = jobs.headers("coordinator")
    everything = [j["id"] for j in jobs.client.get("/api/v1/plans?limit=200",
                                                   headers=headers).json()]
    first = jobs.client.get("/api/v1/plans?limit=2", headers=headers).json()
    second = jobs.client.get(f"/api/v1/plans?limit=2&before={first[-1]['id']}",
                             headers=headers).json()
    assert [j["id"] for j in first + second] == everything[:4]
    assert everything == sorted(everything, reverse=True)


def test_jobs_of_a_dead_server_are_failed_at_start_up(jobs: Server) -> None:
    host = socket.gethostname()
    dead = add_job(jobs.url, "running", f"{host}:{2**22 + 12345}")
    unnamed = add_job(jobs.url, "queued", None)
    elsewhere = add_job(jobs.url, "running", "another-host:1")
    live = add_job(jobs.url, "running", f"{host}:{os.getppid()}")
    with TestClient(create_app(server_settings(jobs.url))) as client:
        seen = {job_id: client.get(f"/api/v1/plans/{job_id}",
                                   headers=jobs.headers("coordinator")).json()
                for job_id in (dead, unnamed, elsewhere, live)}
    assert seen[dead]["status"] == seen[unnamed]["status"] == "failed"
    assert "stopped before it finished" in seen[dead]["error"]
    assert seen[elsewhere]["status"] == seen[live]["status"] == "running"


def free_port() -> int:
    """A TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[str]:
    """`replenish serve` on `url` in a process of its own, once it answers."""
    env = {**os.environ, "REPLENISH_DATABASE_URL": url, "REPLENISH_ENVIRONMENT": "test",
           "REPLENISH_TOKEN_KEY": TOKEN_KEY}
    process = subprocess.Popen([str(REPLENISH), "serve", "--port", str(port), "--no-access-log"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                               env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")


def poll(base: str, job_id: int, headers: dict[str, str], until: set[str],
         seconds: float) -> dict[str, Any]:
    """The job, once its status is one of `until` (or when time is up); a running job only
    once it is past reading the store, in the planner itself."""
    deadline = time.monotonic() + seconds
    while True:
        job = dict(httpx.get(f"{base}/api/v1/plans/{job_id}", headers=headers, timeout=5).json())
        planning = job["status"] != "running" or job["stage"] != "reading the store"
        if (job["status"] in until and planning) or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_a_plan_whose_server_is_killed_is_failed_after_restart(pg_url: str) -> None:
    upgrade(pg_url)
    engine = make_engine(pg_url)
    with Session(engine) as session, session.begin():
        # big enough to plan for seconds, so the kill lands in the middle
        load_scenario(session, generate_scenario(12, 80, 24, seed=3), author="test")
        _, token = create_user(session, "coord", "coordinator", key=TOKEN_KEY)
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(pg_url, port)
    try:
        queued = httpx.post(f"{base}/api/v1/plans", headers=headers, timeout=10)
        assert queued.status_code == 202
        job_id = queued.json()["id"]
        seen = poll(base, job_id, headers, {"running", "done", "failed"}, 30)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        server = start_server(pg_url, port)
        after = poll(base, job_id, headers, {"done", "failed"}, 5)
    finally:
        server.kill()
        server.wait(timeout=10)
    assert after["status"] in ("failed", "done"), after
    if seen["status"] == "running":
        assert after["status"] == "failed"
        assert "stopped before it finished" in after["error"]
