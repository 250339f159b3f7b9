"""Valid reads while another client floods the server with bad tokens, against the same reads
without the flood (issue 21: p99 under the flood within twice the quiet p99).

It loads the demo scenario into a fresh PostgreSQL (or SQLite) store, makes one nation user per
member, starts `replenish serve` on loopback, and drives it with `--readers` asyncio clients,
each reading its own stock (GET /api/v1/stocks) about every `--think` seconds. In the flood
phase a separate process, calling from 127.0.0.2 (another client address), sends bad tokens as
fast as `--flooders` connections allow: half its own real token id (a member no reader reads
as) with a wrong secret, half random ids. The flood phase is run three times, each on a fresh
server: with the default settings (failed authentications limited, held-off callers answered
after 1 s), with the limits but no delay, and with the limits raised out of reach (so what is
measured is the cost of checking a bad token itself).
It prints a markdown table for bench/RESULTS.md's notes. Not a test: nothing asserts.

    .venv/bin/python bench/auth_flood.py [--seconds 20] [--readers 20] [--think 0.2]
                                         [--flooders 20] [--database postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import secrets
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import httpx

from load import machine, percentiles, pg_database, prepare, serving

#: Each phase: its name, the server settings it changes, and whether the flood runs.
PHASES: list[tuple[str, dict[str, str], bool]] = [
    ("quiet", {}, False),
    ("flood, default settings", {}, True),
    ("flood, limits without delay", {"REPLENISH_AUTH_HELD_OFF_DELAY_SECONDS": "0"}, True),
    ("flood, no limits", {"REPLENISH_AUTH_FAILURES_PER_TOKEN": "100000",
                          "REPLENISH_AUTH_FAILURES_PER_ADDRESS": "1000000"}, True),
]


async def read_loop(base: str, tokens: list[str], think: float, seconds: float,
                    ) -> tuple[list[float], int]:
    """Each token reads its own stock every `think` s (jittered); latencies ms, errors."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds

    async def reader(token: str) -> None:
        nonlocal errors
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            await client.get("/api/v1/stocks", headers=headers)  # connected before timing
            await asyncio.sleep(random.uniform(0, think))
            while time.monotonic() < stop:
                start = time.perf_counter()
                response = await client.get("/api/v1/stocks", headers=headers)
                if response.status_code == 200:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1
                await asyncio.sleep(think * random.uniform(0.5, 1.5))

    await asyncio.gather(*(reader(token) for token in tokens))
    return latencies, errors


def flood(base: str, token_id: str, connections: int, seconds: float,
          results: multiprocessing.Queue[dict[int, int]]) -> None:
    """Send bad tokens from 127.0.0.2 for `seconds`; put the count of each status."""
    async def run() -> Counter[int]:
        counts: Counter[int] = Counter()
        stop = time.monotonic() + seconds

        async def one() -> None:
            transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
            async with httpx.AsyncClient(base_url=base, timeout=30, transport=transport) as c:
                while time.monotonic() < stop:
                    known = random.random() < 0.5
                    bad = (f"{token_id}.{secrets.token_urlsafe(32)}" if known
                           else f"{secrets.token_urlsafe(9)}.{secrets.token_urlsafe(32)}")
                    response = await c.get("/api/v1/stocks",
                                           headers={"Authorization": f"Bearer {bad}"})
                    counts[response.status_code] += 1

        await asyncio.gather(*(one() for _ in range(connections)))
        return counts

    results.put(dict(asyncio.run(run())))


def phase(name: str, base: str, tokens: list[str], flooder_token: str,
          args: argparse.Namespace, flooding: bool) -> str:
    """One phase's table row."""
    results: multiprocessing.Queue[dict[int, int]] = multiprocessing.Queue()
    flooder = None
    if flooding:
        token_id = flooder_token.partition(".")[0]
        flooder = multiprocessing.Process(target=flood, args=(
            base, token_id, args.flooders, args.seconds + 2, results))
        flooder.start()
        time.sleep(1)  # the flood is running when the reads start
    latencies, errors = asyncio.run(read_loop(base, tokens, args.think, args.seconds))
    flood_note = "-"
    if flooder is not None:
        counts = results.get(timeout=60)
        flooder.join()
        total = sum(counts.values())
        flood_note = (f"{total / (args.seconds + 2):.0f}/s: "
                      + ", ".join(f"{n} × {s}" for s, n in sorted(counts.items())))
    p50, p99 = percentiles(latencies)
    return (f"| {name} | {len(latencies)} | {errors} | {p50:.1f} | {p99:.1f} | "
            f"{flood_note} |")


def phase_on_fresh_server(url: str, name: str, settings: dict[str, str], readers: list[str],
                          flooder: str, args: argparse.Namespace, flooding: bool) -> str:
    """One phase against a server started with `settings` in its environment."""
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        with serving(url, 1) as base:
            return phase(name, base, readers, flooder, args, flooding)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key)
            else:
                os.environ[key] = value


def main() -> None:
    """Run the phases and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase")
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.2)
    parser.add_argument("--flooders", type=int, default=20, help="flood connections")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    with ExitStack() as stack:
        if args.database == "postgresql":
            url = stack.enter_context(pg_database(None))
        else:
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            url = f"sqlite:///{Path(folder) / 'store.db'}"
        tokens, _ = prepare(url)
        *readers, flooder = [tokens[code] for code in sorted(tokens)]
        readers = (readers * (args.readers // len(readers) + 1))[:args.readers]
        load_before = os.getloadavg()[0]
        rows = [phase_on_fresh_server(url, name, settings, readers, flooder, args, flooding)
                for name, settings, flooding in PHASES]
    print(f"Auth flood benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}; "
          f"{args.database}; one server process, started afresh per phase; {args.readers} "
          f"readers every ~{args.think} s "
          f"(GET /api/v1/stocks, own nation), {args.seconds:.0f} s per phase; flood from "
          f"127.0.0.2 over {args.flooders} connections in another process; load average "
          f"before {load_before:.2f}, after {os.getloadavg()[0]:.2f}.\n")
    print("| phase | reads ok | read errors | p50 ms | p99 ms | flood answers |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
