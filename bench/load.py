"""Load benchmark of the coalition server: stock reads and movement writes at 100 clients.

For each database (SQLite file, PostgreSQL on 127.0.0.1:5432) it loads the demo scenario into
a fresh store, creates one API user per member, starts `replenish serve` as a separate process
on loopback, and drives it from this process with concurrent asyncio clients (httpx): first
GET /api/v1/stocks, then POST /api/v1/movements (receipts, so none is refused). Each phase is
bounded by a request count and a time limit. It prints a markdown table of p50/p99 latency
and throughput, with the machine it ran on, for bench/RESULTS.md. Not a test: nothing asserts.

    .venv/bin/python bench/load.py [--clients 100] [--requests 3000] [--seconds 30]
                                   [--think 1 0] [--databases sqlite,postgresql] [--pg-url URL]

With a think time of 1 s the 100 clients offer about 100 requests/s and the latencies are
those of a server under that load; with none they measure saturation, where latency is
clients / throughput by construction.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.orm import Session

from replenish.api.identity import create_user
from replenish.scenario.reader import read_scenario
from replenish.store import describe_url, make_engine, upgrade
from replenish.store.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "coalition"
REPLENISH = Path(sys.executable).with_name("replenish")


@dataclass
class Phase:
    """What one phase measured."""

    database: str
    operation: str
    think: float
    clients: int
    latencies: list[float]
    errors: int
    seconds: float

    def row(self) -> str:
        """The phase as a markdown table row (latencies in milliseconds)."""
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000 if ordered else float("nan")
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000 if ordered else 0
        rate = len(ordered) / self.seconds if self.seconds else 0.0
        pace = f"{self.think:g} s" if self.think else "none"
        return (f"| {self.database} | {self.operation} | {pace} | {self.clients} | "
                f"{len(ordered)} | "
                f"{self.errors} | {p50:.1f} | {p99:.1f} | {rate:.0f} |")


@dataclass
class Target:
    """A running server and the tokens and positions to drive it with."""

    base: str
    tokens: dict[str, str]
    positions: dict[str, list[str]]


def prepare(url: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Load the demo scenario at `url`; one nation user per member: (tokens, items held)."""
    upgrade(url)
    scenario = read_scenario(SCENARIO)
    engine = make_engine(url)
    try:
        with Session(engine) as session, session.begin():
            load_scenario(session, scenario, author="bench", replace=True)
            tokens = {m.code: create_user(session, f"bench-{m.code}-{uuid.uuid4().hex[:6]}",
                                          "nation", m.code)[1] for m in scenario.members}
    finally:
        engine.dispose()
    positions: dict[str, list[str]] = {}
    for stock in scenario.stocks:
        positions.setdefault(stock.nation, []).append(stock.item)
    return tokens, positions


@contextmanager
def serving(url: str, workers: int) -> Iterator[str]:
    """`replenish serve` on a free loopback port in its own process; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "REPLENISH_DATABASE_URL": url}
    command = [str(REPLENISH), "serve", "--port", str(port), "--workers", str(workers),
               "--no-access-log"]
    server = subprocess.Popen(command, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(base: str, seconds: float = 30.0) -> None:
    """Poll /health until the server answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server at {base} did not come up within {seconds:.0f} s")


Request = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


def reads(target: Target) -> Request:
    """GET /stocks as a member chosen per request (each member reads its own positions)."""
    nations = sorted(target.tokens)

    def send(client: httpx.AsyncClient, n: int) -> Awaitable[httpx.Response]:
        token = target.tokens[nations[n % len(nations)]]
        return client.get("/api/v1/stocks", headers={"Authorization": f"Bearer {token}"})
    return send


def writes(target: Target) -> Request:
    """POST /movements: a receipt of one unit on a random position of a member's own."""
    nations = sorted(target.tokens)
    run = uuid.uuid4().hex[:8]

    def send(client: httpx.AsyncClient, n: int) -> Awaitable[httpx.Response]:
        nation = nations[n % len(nations)]
        body = {"nation": nation, "item": random.choice(target.positions[nation]),
                "kind": "receipt", "quantity": 1, "reason": "load benchmark"}
        headers = {"Authorization": f"Bearer {target.tokens[nation]}",
                   "Idempotency-Key": f"bench-{run}-{n}"}
        return client.post("/api/v1/movements", json=body, headers=headers)
    return send


async def drive(base: str, send: Request, clients: int, requests: int, seconds: float,
                think: float) -> tuple[list[float], int, float]:
    """`clients` concurrent loops share `requests` requests, stopping after `seconds`; each
    client waits 0.5-1.5 x `think` seconds between its requests (0: back to back)."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def loop() -> None:
            nonlocal errors
            await asyncio.sleep(random.uniform(0, think))  # clients start spread out
            for n in counter:
                if time.perf_counter() > deadline:
                    return
                began = time.perf_counter()
                response = await send(client, n)
                if response.is_success:
                    latencies.append(time.perf_counter() - began)
                else:
                    errors += 1
                if think:
                    await asyncio.sleep(think * random.uniform(0.5, 1.5))

        await asyncio.gather(*(loop() for _ in range(clients)))
        return latencies, errors, time.perf_counter() - start


def warm_up(target: Target) -> None:
    """A few requests per token on fresh connections, so every server process has made its
    argon2 check (once per token and process) before the timing starts."""
    for token in [t for t in target.tokens.values() for _ in range(6)]:
        httpx.get(f"{target.base}/api/v1/stocks", headers={"Authorization": f"Bearer {token}"},
                  timeout=30)


def measure(database: str, url: str, args: argparse.Namespace) -> list[Phase]:
    """Both phases against a fresh store at `url`."""
    tokens, positions = prepare(url)
    phases = []
    with serving(url, args.workers) as base:
        target = Target(base, tokens, positions)
        warm_up(target)
        for think in args.think:
            for operation, request in (("GET /stocks", reads), ("POST /movements", writes)):
                latencies, errors, spent = asyncio.run(drive(
                    base, request(target), args.clients, args.requests, args.seconds, think))
                phases.append(Phase(database, operation, think, args.clients, latencies,
                                    errors, spent))
                print(f"  {database} {operation} think {think:g} s: {len(latencies)} ok, "
                      f"{errors} errors, {spent:.1f} s", file=sys.stderr)
    return phases


@contextmanager
def pg_database(given: str | None) -> Iterator[str]:
    """The PostgreSQL URL to use: the one given, else a fresh database dropped afterwards."""
    if given:
        yield given
        return
    name = f"replenish_bench_{uuid.uuid4().hex[:8]}"
    user = _pg_user()
    admin = {"host": "127.0.0.1", "port": 5432, "user": user, "dbname": "postgres",
             "autocommit": True}
    with psycopg.connect(**admin) as connection:  # type: ignore[arg-type]
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(**admin) as connection:  # type: ignore[arg-type]
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_user() -> str:
    """The first of postgres/root that the local server lets in."""
    for user in ("postgres", "root"):
        try:
            with psycopg.connect(host="127.0.0.1", port=5432, user=user, dbname="postgres",
                                 connect_timeout=5):
                return user
        except psycopg.Error:
            continue
    raise SystemExit("no PostgreSQL server at 127.0.0.1:5432 (use --pg-url)")


def machine() -> str:
    """One line describing where the numbers were taken."""
    return (f"{platform.node()}: {platform.system()} {platform.release()}, "
            f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}, "
            f"Python {platform.python_version()}")


def main() -> None:
    """Parse the options, run every database, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=3000, help="per phase")
    parser.add_argument("--seconds", type=float, default=30.0, help="per phase, at most")
    parser.add_argument("--think", type=float, nargs="+", default=[1.0, 0.0],
                        help="mean seconds between a client's requests; one run per value "
                        "(1: about 100 requests/s offered; 0: saturation)")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=None, help="use this database (it is replaced)")
    args = parser.parse_args()
    phases: list[Phase] = []
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                phases += measure(database, f"sqlite:///{folder}/bench.db", args)
        else:
            with pg_database(args.pg_url) as url:
                print(f"  PostgreSQL at {describe_url(url)}", file=sys.stderr)
                phases += measure(database, url, args)
    print(f"Load benchmark, {time.strftime('%Y-%m-%d')}, {machine()}; server and clients on "
          f"one machine, over loopback; {args.workers} server process(es).\n")
    print("| database | operation | think time | clients | requests ok | errors | p50 ms | "
          "p99 ms | req/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for phase in phases:
        print(phase.row())


if __name__ == "__main__":
    main()
