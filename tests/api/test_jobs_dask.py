"""Plan jobs on a Dask scheduler (REPLENISH_DASK_SCHEDULER): a real local cluster plans the
demo store as the server's own threads do; an unreachable scheduler fails the job, naming it;
cancelling a job queued in the server or on the scheduler cancels it there too."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, LocalCluster
from fastapi.testclient import TestClient

from replenish.api.app import create_app
from replenish.scenario import read_scenario

from .support import USERS, Server, open_server, server_settings

DEMO = Path(__file__).parents[2] / "examples" / "coalition"
#: The demo store has no test nations, so only the coordinator of the tests' users.
COORDINATOR = {"coordinator": USERS["coordinator"]}


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """One Dask worker, in a process of its own, with one thread."""
    # ":0", not None: the scheduler's HTTP server starts either way, and a taken default
    # port is a warning
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0", host="127.0.0.1") as local:
        yield local


@pytest.fixture(scope="module")
def on_dask(pg_module_url: str, cluster: LocalCluster) -> Iterator[Server]:
    """A server on the demo store (PostgreSQL) planning on `cluster`, two plans at once."""
    with open_server(pg_module_url, read_scenario(DEMO), COORDINATOR, plan_workers=2,
                     dask_scheduler=cluster.scheduler_address) as server:
        yield server


def wait_for(client: TestClient, headers: dict[str, str], plan_id: int, until: set[str],
             seconds: float = 20.0) -> dict[str, Any]:
    """The job once its status is one of `until`, or when time is up."""
    deadline = time.monotonic() + seconds
    while True:
        job = dict(client.get(f"/api/v1/plans/{plan_id}", headers=headers).json())
        if job["status"] in until or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def totals(summary: dict[str, Any]) -> dict[str, Any]:
    """What a plan decided, without how long it took."""
    return {key: value for key, value in summary.items() if key not in ("timings", "model")}


def test_a_plan_on_dask_is_the_plan_of_the_servers_threads(on_dask: Server) -> None:
    headers = on_dask.headers("coordinator")
    queued = on_dask.client.post("/api/v1/plans", headers=headers)
    assert queued.status_code == 202
    on_dask_job = wait_for(on_dask.client, headers, queued.json()["id"], {"done", "failed"})
    assert on_dask_job["status"] == "done", on_dask_job["error"]
    assert on_dask_job["progress"] == 1.0 and on_dask_job["stage"] == "done"
    with TestClient(create_app(server_settings(on_dask.url))) as threads:
        local = threads.post("/api/v1/plans", headers=headers).json()
        local_job = wait_for(threads, headers, local["id"], {"done", "failed"})
    assert local_job["status"] == "done", local_job["error"]
    assert totals(on_dask_job["summary"]) == totals(local_job["summary"])
    assert on_dask_job["files"] == local_job["files"]


def test_cancelling_a_queued_plan_cancels_it_on_dask_too(
        on_dask: Server, cluster: LocalCluster) -> None:
    headers = on_dask.headers("coordinator")
    with Client(cluster.scheduler_address) as dask:
        # the one worker is kept busy, so that both plans the server sends wait on the
        # scheduler however fast the machine (the server runs two plan threads; the third
        # plan waits in the server)
        busy = dask.submit(time.sleep, 4, pure=False)
        first, on_scheduler, in_server = (on_dask.client.post("/api/v1/plans", headers=headers)
                                          .json()["id"] for _ in range(3))
        deadline = time.monotonic() + 20
        waiting = wait_for(on_dask.client, headers, on_scheduler, {"running"})
        while (not waiting["stage"].startswith("queued on")
               and time.monotonic() < deadline):
            time.sleep(0.05)
            waiting = wait_for(on_dask.client, headers, on_scheduler, {"running"})
        assert waiting["stage"] == f"queued on {cluster.scheduler_address}"
        for job_id in (on_scheduler, in_server):
            cancelled = on_dask.client.post(f"/api/v1/plans/{job_id}/cancel", headers=headers)
            assert cancelled.json()["status"] == "cancelled"
        busy.result()
    assert wait_for(on_dask.client, headers, first, {"done", "failed"})["status"] == "done"
    deadline = time.monotonic() + 10
    while any(str(key).startswith(f"replenish-plan-{on_scheduler}-")
              for key in cluster.scheduler.tasks) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [key for key in cluster.scheduler.tasks
                if str(key).startswith(f"replenish-plan-{on_scheduler}-")]
    left = on_dask.client.get(f"/api/v1/plans/{in_server}", headers=headers).json()
    assert left["status"] == "cancelled" and left["started_at"] is None


def test_an_unreachable_scheduler_fails_the_plan_naming_it(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with open_server(f"sqlite:///{tmp_path / 'store.db'}", dask_scheduler=address,
                     dask_connect_timeout_seconds=1.0) as server:
        headers = server.headers("coordinator")
        queued = server.client.post("/api/v1/plans", headers=headers).json()
        job = wait_for(server.client, headers, queued["id"], {"done", "failed"})
    assert job["status"] == "failed"
    assert f"the Dask scheduler at {address} could not be reached" in job["error"]
