"""Page timings: each of the pages on the demo coalition, served in-process.

Loads examples/coalition into a fresh SQLite store, signs in a coordinator and a nation
through the sign-in form, plans the store, runs one what-if and the joint/national comparison
from the pages, then times
each page `--repeat` times (median and worst; the first request of each page is a warm-up and
not counted). The application is driven through Starlette's TestClient: no network, one
request at a time. Target: 300 ms a page (issue 18); measured, never asserted. With
`--write`, the table and the machine go into bench/RESULTS.md's notes.

    .venv/bin/python bench/pages.py [--repeat 20] [--write]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.orm import Session

from replenish.api.app import create_app
from replenish.api.identity import create_user
from replenish.api.settings import ServerSettings
from replenish.scenario.reader import read_scenario
from replenish.store import make_engine, upgrade
from replenish.store.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples/coalition"
RESULTS = Path(__file__).with_name("RESULTS.md")
KEY = "bench-pages-key-0123456789abcdef0123456789abcdef"
TARGET_MS = 300.0


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field"
    return found.group(1)


def _sign_in(app: object, token: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    form = client.get("/login")
    client.post("/login", data={"csrf": _csrf(form.text), "token": token, "next": "/pages"})
    return client


def _wait(client: TestClient, url: str, marker: str) -> None:
    for _ in range(1200):
        if marker in client.get(url).text:
            return
        time.sleep(0.1)
    raise SystemExit(f"{url} never showed {marker!r}")


def machine() -> str:
    """This machine, as RESULTS.md records it."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    return (f"{platform.node()}: {platform.system()} {platform.release()}, {os.cpu_count()} "
            f"CPUs, {cpu}, Python {platform.python_version()}")


def measure(repeat: int) -> list[tuple[str, str, float, float]]:
    """(role, page, median ms, worst ms) of each page."""
    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    url = f"sqlite:///{folder / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        load_scenario(session, read_scenario(DEMO), author="bench")
        tokens = {role: create_user(session, name, role, nation, key=KEY)[1]
                  for role, name, nation in (("coordinator", "desk", None),
                                             ("nation", "aldoria", "ALD"))}
    engine.dispose()
    app = create_app(ServerSettings(database_url=url, environment="test", token_key=SecretStr(KEY)))
    with TestClient(app):
        coordinator = _sign_in(app, tokens["coordinator"])
        coordinator.post("/pages/plans", data={"csrf": _csrf(coordinator.get("/pages").text),
                                               "next": "/pages/needs"})
        _wait(coordinator, "/pages/needs", 'class="numbers')
        form = coordinator.get("/pages/what-if").text
        line = re.search(r'<option value="(line:[^"]+)"', form)
        assert line
        queued = coordinator.post("/pages/what-if", data={"csrf": _csrf(form), "value": "0",
                                                          "row": line.group(1)})
        whatif = str(queued.url).rpartition("/")[2]
        _wait(coordinator, f"/pages/{whatif}", 'id="what-if-difference"')
        coordinator.post("/pages/compare", data={"csrf": _csrf(form)})
        _wait(coordinator, "/pages/compare", 'id="compare-headline"')
        nation = _sign_in(app, tokens["nation"])
        pages = [("coordinator", coordinator, p) for p in (
            "/pages", "/pages/readiness", "/pages/needs", "/pages/binding",
            "/pages/sustainment", "/pages/explorer", "/pages/explorer?producer=BRAVMUN&item="
            "ART155-S03", "/pages/what-if", f"/pages/{whatif}", "/pages/compare")]
        pages += [("nation", nation, p) for p in ("/pages/readiness", "/pages/explorer")]
        out = []
        for role, client, path in pages:
            assert client.get(path).status_code == 200, path
            seconds = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(path)
                seconds.append(time.perf_counter() - started)
            out.append((role, path, 1000 * statistics.median(seconds), 1000 * max(seconds)))
    return out


def table(rows: list[tuple[str, str, float, float]], repeat: int,
          load: tuple[float, float]) -> str:
    """The timings as a markdown table, with the machine, the date and the 1-minute load
    average before and after."""
    lines = [f"**Pages on the demo (bench/pages.py, {repeat} requests a page, in-process, "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC)** on {machine()}; load average "
             f"before {load[0]:.2f}, after {load[1]:.2f}; target {TARGET_MS:.0f} ms:", "",
             "| role | page | median ms | worst ms |",
             "|---|---|---:|---:|"]
    lines += [f"| {role} | `{path}` | {median:.0f} | {worst:.0f} |"
              for role, path, median, worst in rows]
    return "\n".join(lines) + "\n"


def write_notes(text: str) -> None:
    """Append `text` to RESULTS.md's notes (before `<!-- /notes -->`), data block untouched."""
    results = RESULTS.read_text()
    end = results.index("<!-- /notes -->")
    RESULTS.write_text(results[:end].rstrip("\n") + "\n\n" + text + "\n" + results[end:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="append to RESULTS.md's notes")
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    rows = measure(args.repeat)
    text = table(rows, args.repeat, (before, os.getloadavg()[0]))
    print(text)
    if args.write:
        write_notes(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
