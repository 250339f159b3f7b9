"""Racing writes through a real HTTP server: never an overdraw, never a double record.

The server runs under uvicorn on a thread, on loopback; worker threads send at once, each on a
connection of its own (one client pool: creating 50 clients costs seconds of TLS set-up).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from replenish.api.app import create_app

from .support import prepare_store, server_settings

CLIENTS = 50


@contextmanager
def live_server(url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """The API on `url`'s prepared store under uvicorn: (base URL, token per role)."""
    tokens, _ = prepare_store(url)
    app = create_app(server_settings(url))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", tokens
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(params=["postgresql", "sqlite"])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A live server on a fresh store: PostgreSQL (the deployment) and SQLite."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    with live_server(url) as running:
        yield running


def race(base: str, token: str, bodies: list[dict[str, object]], keys: list[str]) -> list[
        httpx.Response]:
    """POST each body with its key at once, one connection per request; responses in order."""
    start = threading.Barrier(len(bodies))
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=len(bodies))

    with httpx.Client(base_url=base, timeout=60, limits=limits) as client:
        def send(n: int) -> httpx.Response:
            start.wait()
            return client.post("/api/v1/movements", json=bodies[n], headers={
                "Authorization": f"Bearer {token}", "Idempotency-Key": keys[n]})

        with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
            return list(pool.map(send, range(len(bodies))))


def dispatch_of_one(n: int) -> dict[str, object]:
    """Worker n's dispatch of one of BBB's 20 howitzers."""
    return {"nation": "BBB", "item": "H155", "kind": "dispatch", "quantity": 1,
            "reason": f"worker {n}", "occurred_on": "2027-04-01"}


def test_parallel_dispatches_never_overdraw(live: tuple[str, dict[str, str]]) -> None:
    base, tokens = live
    responses = race(base, tokens["other_nation"], [dispatch_of_one(n) for n in range(CLIENTS)],
                     [f"race-{n}" for n in range(CLIENTS)])
    statuses = sorted(r.status_code for r in responses)
    auth = {"Authorization": f"Bearer {tokens['coordinator']}"}
    with httpx.Client(base_url=base, headers=auth) as client:
        stocks = client.get("/api/v1/stocks", params={"nation": "BBB"}).json()
        ledger = client.get("/api/v1/movements",
                            params={"nation": "BBB", "item": "H155"}).json()
        audit = client.get("/api/v1/audit").json()
    assert statuses == [201] * 20 + [409] * (CLIENTS - 20)
    assert next(s["on_hand"] for s in stocks if s["item"] == "H155") == 0
    assert [m["kind"] for m in ledger].count("dispatch") == 20
    assert sum(m["quantity"] if m["kind"] == "receipt" else -m["quantity"] for m in ledger) == 0
    assert sorted(e["target"] for e in audit if e["action"] == "movement.create") == sorted(
        f"movement:{r.json()['id']}" for r in responses if r.status_code == 201)


def test_parallel_retries_of_one_request_record_it_once(
    live: tuple[str, dict[str, str]],
) -> None:
    base, tokens = live
    body = {"nation": "BBB", "item": "S155", "kind": "dispatch", "quantity": 7,
            "reason": "retried", "occurred_on": "2027-04-01"}
    responses = race(base, tokens["other_nation"], [body] * 10, ["same-key"] * 10)
    auth = {"Authorization": f"Bearer {tokens['coordinator']}"}
    with httpx.Client(base_url=base, headers=auth) as client:
        stocks = client.get("/api/v1/stocks", params={"nation": "BBB"}).json()
        audit = client.get("/api/v1/audit").json()
    assert {r.status_code for r in responses} == {201}
    assert len({r.text for r in responses}) == 1
    assert next(s["on_hand"] for s in stocks if s["item"] == "S155") == 1000 - 7
    assert [e["action"] for e in audit] == ["movement.create"]
