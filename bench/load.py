"""Load benchmark of the coalition server: stock reads and movement writes at 100 clients.

For each database (SQLite file, PostgreSQL on 127.0.0.1:5432) it loads the demo scenario into
a fresh store, creates one API user per member, starts `replenish serve` as a separate process
on loopback, and drives it with 100 concurrent clients: first GET /api/v1/stocks?nation=CODE
(each member reads its own positions), then POST /api/v1/movements (receipts, so none is
refused). It prints a markdown table of p50/p99 latency and throughput, with the machine it ran
on and the load generator, for bench/RESULTS.md. Not a test: nothing asserts.

    .venv/bin/python bench/load.py [--clients 100] [--requests 3000] [--seconds 30]
                                   [--think 1 0] [--databases sqlite,postgresql] [--pg-url URL]
                                   [--generator auto|wrk|httpx]

Two load generators: `wrk` (a separate C process, one thread, with a Lua script that sets each
request's bearer token; used when it is installed, `apt-get install wrk`) and `httpx` (asyncio
clients inside this Python process, which then competes with the server for the CPU and adds
its own scheduling delays to the latencies). With wrk a phase is bounded by `--seconds` only.

With a think time of 1 s the 100 clients offer about 100 requests/s and the latencies are
those of a server under that load; with none they measure saturation, where latency is
clients / throughput by construction.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
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
    """What one phase measured (latencies in seconds)."""

    database: str
    operation: str
    think: float
    clients: int
    generator: str
    ok: int
    errors: int
    p50: float
    p99: float
    seconds: float

    def row(self) -> str:
        """The phase as a markdown table row (latencies in milliseconds)."""
        rate = self.ok / self.seconds if self.seconds else 0.0
        pace = f"{self.think:g} s" if self.think else "none"
        return (f"| {self.database} | {self.operation} | {pace} | {self.clients} | "
                f"{self.generator} | {self.ok} | {self.errors} | {self.p50 * 1000:.1f} | "
                f"{self.p99 * 1000:.1f} | {rate:.0f} |")


def percentiles(latencies: list[float]) -> tuple[float, float]:
    """(p50, p99) of `latencies` (NaN when there are none)."""
    if not latencies:
        return float("nan"), float("nan")
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


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
        nation = nations[n % len(nations)]
        return client.get("/api/v1/stocks", params={"nation": nation},
                          headers={"Authorization": f"Bearer {target.tokens[nation]}"})
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
            for operation in ("GET /stocks", "POST /movements"):
                phase = run_phase(database, operation, target, think, args)
                phases.append(phase)
                print(f"  {database} {operation} think {think:g} s ({phase.generator}): "
                      f"{phase.ok} ok, {phase.errors} errors, {phase.seconds:.1f} s",
                      file=sys.stderr)
    return phases


def run_phase(database: str, operation: str, target: Target, think: float,
              args: argparse.Namespace) -> Phase:
    """One phase, driven by the generator chosen."""
    reading = operation.startswith("GET")
    if args.generator == "wrk":
        ok, errors, p50, p99, spent = drive_wrk(target, reading, args.clients, args.seconds,
                                                think)
    else:
        request = reads(target) if reading else writes(target)
        latencies, errors, spent = asyncio.run(drive(
            target.base, request, args.clients, args.requests, args.seconds, think))
        ok = len(latencies)
        p50, p99 = percentiles(latencies)
    return Phase(database, operation, think, args.clients, args.generator, ok, errors, p50,
                 p99, spent)


#: The wrk script's common part: a bearer token per member, the think time, and a last line
#: of JSON with what the run measured. `NATIONS`, `TOKENS`, `ITEMS`, `THINK`, `RUN` and
#: `request` are put in front of it by `wrk_script`.
WRK_COMMON = """
if THINK > 0 then
  function delay() return math.floor(THINK * 1000 * (0.5 + math.random())) end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""

WRK_READ = """
local n = 0
function request()
  n = n + 1
  local i = n % #NATIONS + 1
  return wrk.format("GET", "/api/v1/stocks?nation=" .. NATIONS[i],
                    {["Authorization"] = "Bearer " .. TOKENS[i]})
end
"""

WRK_WRITE = """
local n = 0
function request()
  n = n + 1
  local i = n % #NATIONS + 1
  local held = ITEMS[i]
  local body = string.format('{"nation": "%s", "item": "%s", "kind": "receipt", '
    .. '"quantity": 1, "reason": "load benchmark"}', NATIONS[i], held[math.random(#held)])
  return wrk.format("POST", "/api/v1/movements", {
    ["Authorization"] = "Bearer " .. TOKENS[i], ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. RUN .. "-" .. n}, body)
end
"""


def wrk_script(target: Target, reading: bool, think: float) -> str:
    """The Lua script of one wrk phase (codes and tokens are plain URL-safe text)."""
    nations = sorted(target.tokens)

    def table(values: list[str]) -> str:
        return "{" + ", ".join(f'"{v}"' for v in values) + "}"

    return "\n".join([
        f"NATIONS = {table(nations)}",
        f"TOKENS = {table([target.tokens[n] for n in nations])}",
        "ITEMS = {" + ", ".join(table(target.positions[n]) for n in nations) + "}",
        f"THINK = {think!r}",
        f'RUN = "{uuid.uuid4().hex[:8]}"',
        WRK_READ if reading else WRK_WRITE,
        WRK_COMMON,
    ])


def drive_wrk(target: Target, reading: bool, clients: int, seconds: float,
              think: float) -> tuple[int, int, float, float, float]:
    """One phase under wrk: (ok, errors, p50 s, p99 s, seconds). Non-2xx answers, time-outs
    and socket errors are errors; the latencies are wrk's, of every answer."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(target, reading, think))
    try:
        command = ["wrk", "--threads", "1", "--connections", str(clients),
                   "--duration", f"{max(1, round(seconds))}s", "--timeout", "60s",
                   "--script", script.name, target.base]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
    got = json.loads(line[4:])
    errors = sum(got[k] for k in ("connect", "read", "write", "status", "timeout"))
    return (got["requests"] - got["status"], errors, got["p50_us"] / 1e6,
            got["p99_us"] / 1e6, got["duration_us"] / 1e6)


def generator_name(chosen: str) -> str:
    """'wrk' or 'httpx': the one asked for, or under 'auto' wrk when it is installed."""
    if chosen == "auto":
        return "wrk" if shutil.which("wrk") else "httpx"
    if chosen == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --generator httpx")
    return chosen


def describe_generator(generator: str, clients: int) -> str:
    """The generator as the results line names it."""
    if generator == "wrk":
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
        first = (version.splitlines() or ["wrk"])[0].split(" Copyright")[0].strip()
        return (f"load from {first} (a separate process, 1 thread, {clients} connections, "
                "Lua script for the tokens)")
    return (f"load from {clients} httpx asyncio clients in the benchmark's own Python process "
            "(it competes with the server for the CPU)")


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
    parser.add_argument("--generator", choices=["auto", "wrk", "httpx"], default="auto",
                        help="load generator (auto: wrk when installed, else httpx)")
    args = parser.parse_args()
    args.generator = generator_name(args.generator)
    load_before = f"{os.getloadavg()[0]:.2f}"
    phases: list[Phase] = []
    for database in args.databases.split(","):
        if database == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                phases += measure(database, f"sqlite:///{folder}/bench.db", args)
        else:
            with pg_database(args.pg_url) as url:
                print(f"  PostgreSQL at {describe_url(url)}", file=sys.stderr)
                phases += measure(database, url, args)
    print(f"Load benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, {machine()}; server and "
          f"load generator on one machine, over loopback; {args.workers} server process(es); "
          f"{describe_generator(args.generator, args.clients)}; load average before "
          f"{load_before}, after {os.getloadavg()[0]:.2f}.\n")
    print("| database | operation | think time | clients | generator | requests ok | errors | "
          "p50 ms | p99 ms | req/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for phase in phases:
        print(phase.row())


if __name__ == "__main__":
    main()
