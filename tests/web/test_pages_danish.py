"""The pages in Danish, in a real browser: a coordinator signs in, switches to Danish in the
header, and every page speaks Danish (`html[lang=da]`, its headings and words) with its charts
drawn. Screenshots go to $REPLENISH_TEST_ARTEFACTS (default: tests/artifacts/, which git
ignores), named da-PAGE.png."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPLENISH = Path(sys.executable).with_name("replenish")
DEMO = Path(__file__).parents[2] / "examples/coalition"
ARTEFACTS = Path(__file__).parents[1] / "artifacts"
#: per page, words it shows in Danish (the header's link to it, at least) and whether it draws
PAGES = {
    "": (["Koalitionens stilling og plan", "Log ud"], False),
    "readiness": (["Koalitionens beredskab", "medlem", "under minimumsbeholdning"], True),
    "needs": (["Partnerens behov", "Fra plan"], True),
    "binding": (["Hvad binder", "Hver begrænsning blev lempet"], True),
    "sustainment": (["Vedligeholdelse", "Fra plan"], True),
    "delivery": (["Levering", "Fra plan", "knudepunkt APT", "fuldt udnyttet"], True),
    "explorer": (["Planudforsker", "Medlem og materiel", "på lager", "målbeholdning"], True),
    "what-if": (["Hvad nu hvis", "Planlæg igen med denne ændring", "Ny værdi"], False),
    "compare": (["Fælles mod nationalt", "Planlæg begge veje"], False),
}

if not CHROMIUM.exists():
    pytest.skip("no Chromium at /usr/bin/chromium (make test installs it: apt-get install "
                "chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is in the test extra")


def _replenish(env: dict[str, str], *args: str) -> str:
    return subprocess.run([str(REPLENISH), *args], env=env, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`replenish serve` on the demo store: its address and a coordinator's token."""
    folder = tmp_path_factory.mktemp("pages-da")
    db = folder / "store.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPLENISH_")}
    _replenish(env, "load", str(DEMO), "--db", str(db), "--replace")
    token = _replenish(env, "user", "create", "desk", "--role", "coordinator", "--db",
                       str(db)).strip().splitlines()[-1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen([str(REPLENISH), "serve", "--db", str(db), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(200):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        yield url, token
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(served: tuple[str, str]) -> Iterator[sync_api.Page]:
    """A coordinator's page in an English-speaking browser, signed in."""
    url, token = served
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      locale="en-GB")
        opened = context.new_page()
        opened.goto(f"{url}/login")
        opened.fill("#token", token)
        opened.press("#token", "Enter")
        opened.wait_for_url(f"{url}/pages")
        yield opened
        browser.close()


def _artefacts() -> Path:
    folder = Path(os.environ.get("REPLENISH_TEST_ARTEFACTS") or ARTEFACTS)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_switch_turns_every_page_danish_and_the_charts_still_draw(
    page: sync_api.Page, served: tuple[str, str],
) -> None:
    url = served[0]
    assert page.get_attribute("html", "lang") == "en"
    assert "The coalition's position and plan" in page.inner_text("main")
    page.click("header nav.languages a[hreflang=da]")
    page.wait_for_selector("html[lang=da]")
    assert urlsplit(page.url).path == "/pages"
    _plan_the_store(page, url)
    for slug, (words, draws) in PAGES.items():
        page.goto(f"{url}/pages/{slug}".rstrip("/"))  # the cookie keeps the language
        assert page.locator("html[lang=da]").count() == 1, slug
        if draws:
            page.wait_for_selector(".chart[data-drawn]", timeout=20_000)
            assert page.get_attribute(".chart", "data-drawn") == "true", slug
            assert page.locator(".chart svg .role-mark > *").count() > 0, slug
        page.screenshot(path=_artefacts() / f"da-{slug or 'home'}.png", full_page=True)
        shown = page.inner_text("body")
        assert [w for w in words if w not in shown] == [], slug
        assert "Sign out" not in shown, slug


def test_danish_numbers_and_months_on_the_readiness_page(
    page: sync_api.Page, served: tuple[str, str],
) -> None:
    page.goto(f"{served[0]}/pages/readiness?lang=da")
    page.wait_for_selector(".chart[data-drawn]", timeout=20_000)
    heading = page.inner_text("h2")
    assert heading.startswith("Ved planens afslutning (") and "2028" in heading
    cells = page.locator("table.readiness.now td small").all_inner_texts()
    assert cells and all(text.startswith("minimum ") for text in cells)
    legend = page.locator(".chart svg").text_content() or ""
    assert "under minimumsbeholdning" in legend


def test_english_is_one_click_away(page: sync_api.Page, served: tuple[str, str]) -> None:
    page.goto(f"{served[0]}/pages/binding")
    page.click("header nav.languages a[hreflang=en]")
    page.wait_for_selector("html[lang=en]")
    assert "What binds" in page.inner_text("main h1")
    page.goto(f"{served[0]}/pages")
    assert page.get_attribute("html", "lang") == "en"


def _plan_the_store(page: sync_api.Page, url: str) -> None:
    """Queue the first plan from a page that has none, and wait until it is done."""
    page.goto(f"{url}/pages/binding")
    assert "Der er endnu ingen færdig plan." in page.inner_text("main")
    page.click("main form button")
    for _attempt in range(300):
        if page.locator("table.numbers").count():
            return
        time.sleep(0.2)
        page.reload()
    raise AssertionError("the queued plan did not finish")


def test_danish_thousands_and_percentages_on_the_plan_pages(
    page: sync_api.Page, served: tuple[str, str],
) -> None:
    """The needs, sustainment and binding tables group thousands the Danish way (40.052, not
    40,052), and the readiness tiles write '41 %'."""
    url = served[0]
    page.goto(f"{url}/pages/needs?lang=da")
    if "Der er endnu ingen færdig plan." in page.inner_text("main"):
        _plan_the_store(page, url)
        page.goto(f"{url}/pages/needs?lang=da")
    asked = page.locator('table.needs tr[data-priority="all"] td').first.inner_text()
    assert asked == "90.936"
    page.goto(f"{url}/pages/sustainment")
    fleet = " ".join(page.locator("table.sustainment td").all_inner_texts())
    assert "1.450" in fleet and "1,450" not in fleet
    page.goto(f"{url}/pages/binding")
    costs = " ".join(page.locator("table.binding td").all_inner_texts())
    assert "+24.480.000" in costs and "24,480,000" not in costs
    page.goto(f"{url}/pages/readiness")
    page.wait_for_selector(".chart[data-drawn]", timeout=20_000)
    tiles = page.locator(".chart svg").text_content() or ""
    assert "41\u00a0%" in tiles and "41%" not in tiles


def test_danish_chart_axes_name_months_and_write_percentages(
    page: sync_api.Page, served: tuple[str, str],
) -> None:
    """The sustainment chart's months read 'jan. 2027', the needs chart's axis '100 %', and
    no legend is cut short."""
    url = served[0]
    page.goto(f"{url}/pages/sustainment?lang=da")
    if "Der er endnu ingen færdig plan." in page.inner_text("main"):
        _plan_the_store(page, url)
        page.goto(f"{url}/pages/sustainment?lang=da")
    page.wait_for_selector(".chart[data-drawn]", timeout=20_000)
    months = page.locator(".chart svg").first.text_content() or ""
    assert "jan. 2027" in months and "2027-01" not in months
    page.goto(f"{url}/pages/needs?lang=da")
    page.wait_for_selector(".chart[data-drawn]", timeout=20_000)
    axis = page.locator(".chart svg").first.text_content() or ""
    assert "100\u00a0%" in axis and "100%" not in axis
    for slug in ("sustainment", "needs", "readiness"):
        page.goto(f"{url}/pages/{slug}?lang=da")
        page.wait_for_selector(".chart[data-drawn]", timeout=20_000)
        drawn = " ".join(page.locator(".chart svg").all_text_contents())
        assert "…" not in drawn, slug
