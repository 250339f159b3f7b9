"""The risk page in a real browser (Debian's Chromium driven by Playwright), against
`replenish serve --sweep DIR` on the tiny scenario's store with a hand-made sweep.json: the
headline, both fan charts drawn and the member table, in English and in Danish; how to make a
sweep when the server has none or its folder holds none yet; a broken file named, not a
traceback; and only for roles that read plans. Screenshots go to $REPLENISH_TEST_ARTEFACTS
(default: tests/artifacts/), named risk-*.png."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from sweep_support import BACK_AT_FLOOR, COALITION, ON_TIME, TINY, write_sweep

CHROMIUM = Path("/usr/bin/chromium")
REPLENISH = Path(sys.executable).with_name("replenish")
ARTEFACTS = Path(__file__).parents[1] / "artifacts"

if not CHROMIUM.exists():
    pytest.skip("no Chromium at /usr/bin/chromium (make test installs it: apt-get install "
                "chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is in the test extra")


@dataclass
class Served:
    """Two servers on one store, with and without a sweep folder, and a token per role."""

    with_sweep: str
    without: str
    folder: Path
    tokens: dict[str, str]
    artefacts: Path
    requests: list[str] = field(default_factory=list)


def _replenish(env: dict[str, str], *args: str) -> str:
    return subprocess.run([str(REPLENISH), *args], env=env, capture_output=True, text=True,
                          check=True).stdout


def _serve(env: dict[str, str], db: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen([str(REPLENISH), "serve", "--db", str(db), "--port", str(port),
                               "--no-access-log", *extra],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def _wait_until_up(url: str) -> None:
    for _attempt in range(300):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server at {url} did not come up")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("risk")
    db, sweep = folder / "store.db", folder / "sweep"
    sweep.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPLENISH_")}
    _replenish(env, "load", str(TINY), "--db", str(db), "--replace")
    tokens = {role: _replenish(env, "user", "create", name, "--role", role, *extra, "--db",
                               str(db)).strip().splitlines()[-1]
              for role, name, extra in (("coordinator", "desk", ()),
                                        ("nation", "aland", ("--nation", "AAA")))}
    servers = [_serve(env, db, "--sweep", str(sweep)), _serve(env, db)]
    try:
        for _server, url in servers:
            _wait_until_up(url)
        artefacts = Path(os.environ.get("REPLENISH_TEST_ARTEFACTS") or ARTEFACTS)
        artefacts.mkdir(parents=True, exist_ok=True)
        yield Served(servers[0][1], servers[1][1], sweep, tokens, artefacts)
    finally:
        for server, _url in servers:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        opened = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                            args=["--no-sandbox"])
        yield opened
        opened.close()


def _sign_in(browser: sync_api.Browser, served: Served, url: str,
             role: str = "coordinator") -> sync_api.Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900},
                               locale="en-GB").new_page()
    page.on("request", lambda request: served.requests.append(request.url))
    page.goto(f"{url}/login")
    page.fill("#token", served.tokens[role])
    page.click("#token-form button")
    assert urlsplit(page.url).path == "/pages"
    return page


def _open_risk(page: sync_api.Page, url: str, lang: str, shot: Path) -> str:
    """The risk page in `lang` once its charts have drawn; its main text."""
    page.goto(f"{url}/pages/risk?lang={lang}")
    for k in range(page.locator(".chart").count()):
        page.locator(".chart").nth(k).and_(page.locator("[data-drawn]")).wait_for(
            timeout=20_000)
    page.screenshot(path=shot, full_page=True)
    return " ".join(page.inner_text("main").split())


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_risk_page_shows_the_headline_fan_charts_and_members(
        browser: sync_api.Browser, served: Served, lang: str) -> None:
    write_sweep(served.folder)
    page = _sign_in(browser, served, served.with_sweep)
    text = _open_risk(page, served.with_sweep, lang, served.artefacts / f"risk-{lang}.png")
    assert page.get_attribute("html", "lang") == lang
    title = {"en": "Risk: How sure is this plan", "da": "Risiko: Hvor sikker er denne plan"}
    assert page.inner_text("main h1") == title[lang]
    headline = " ".join(page.inner_text("#sweep-headline").split())
    for sentence in (COALITION[lang], BACK_AT_FLOOR[lang], ON_TIME[lang]):
        assert " ".join(sentence.split()) in headline
    for chart in ("#chart", "#on-time-chart"):
        assert page.get_attribute(chart, "data-drawn") == "true", chart
        # the band (one area) and the line with a point per month
        assert page.locator(f"{chart} svg .role-mark > *").count() >= 12, chart
    rows = page.locator("#sweep-members tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.member)")
    assert rows == ["AAA", "BBB"]
    never = {"en": "not within the horizon", "da": "ikke inden for horisonten"}[lang]
    aaa = page.locator("#sweep-members tr[data-member=AAA] td").all_inner_texts()
    assert aaa[2] == never and aaa[-1] == {"en": "110 M", "da": "110 mio."}[lang]
    assert {"en": "Mar 2025", "da": "mar. 2025"}[lang] in aaa[0]
    nav = page.locator("header nav:not(.languages) a[href$='/pages/risk']")
    assert nav.inner_text() == {"en": "Risk", "da": "Risiko"}[lang]
    assert "replenish sweep" not in text
    page.context.close()


def test_without_a_sweep_the_page_says_how_to_make_one(
        browser: sync_api.Browser, served: Served) -> None:
    page = _sign_in(browser, served, served.without)
    text = _open_risk(page, served.without, "en", served.artefacts / "risk-none.png")
    assert "No sweep to show" in text
    assert "replenish sweep SCENARIO --runs 50 --out SWEEP" in text
    assert "replenish serve --sweep SWEEP" in text
    assert page.locator(".chart").count() == 0 and page.locator(".error").count() == 0
    text = _open_risk(page, served.without, "da", served.artefacts / "risk-none-da.png")
    assert "Ingen kørsel at vise" in text and "replenish sweep SCENARIO" in text
    page.context.close()


def test_a_folder_without_sweep_json_yet_says_how_to_make_one(
        browser: sync_api.Browser, served: Served) -> None:
    (served.folder / "sweep.json").unlink(missing_ok=True)
    page = _sign_in(browser, served, served.with_sweep)
    text = _open_risk(page, served.with_sweep, "en", served.artefacts / "risk-empty.png")
    assert (f"The server shows the sweep in {served.folder.resolve()}, which holds no "
            "sweep.json yet.") in text
    assert "replenish sweep SCENARIO --runs 50 --out SWEEP" in text
    page.context.close()


def test_a_broken_sweep_is_named_not_a_traceback(
        browser: sync_api.Browser, served: Served) -> None:
    (served.folder / "sweep.json").write_text('{"scenario": "tiny", "mode": "fixed"}',
                                              encoding="utf-8")
    page = _sign_in(browser, served, served.with_sweep)
    text = _open_risk(page, served.with_sweep, "en", served.artefacts / "risk-broken.png")
    problem = " ".join(page.inner_text("#sweep-problem").split())
    assert str(served.folder / "sweep.json") in problem and "missing keys" in problem
    assert "Traceback" not in text and "replenish sweep" in text
    page.context.close()


def test_a_nation_may_not_see_the_risk_page(browser: sync_api.Browser, served: Served) -> None:
    write_sweep(served.folder)
    page = _sign_in(browser, served, served.with_sweep, "nation")
    assert page.locator("header nav a[href$='/pages/risk']").count() == 0
    response = page.goto(f"{served.with_sweep}/pages/risk?lang=en")
    assert response is not None and response.status == 403
    page.screenshot(path=served.artefacts / "risk-nation.png", full_page=True)
    assert "AAA" not in page.inner_text("main") and "%" not in page.inner_text("main")
    page.context.close()


def test_no_request_leaves_the_machine(browser: sync_api.Browser, served: Served) -> None:
    """The risk page with its charts, then every address the browser asked in this module."""
    write_sweep(served.folder)
    page = _sign_in(browser, served, served.with_sweep)
    _open_risk(page, served.with_sweep, "en", served.artefacts / "risk-en.png")
    page.context.close()
    assert any(u.endswith("/static/pages.js") for u in served.requests)
    own = {urlsplit(served.with_sweep).netloc, urlsplit(served.without).netloc}
    assert [u for u in served.requests if urlsplit(u).netloc not in own] == []
