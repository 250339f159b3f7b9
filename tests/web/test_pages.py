"""The pages in a real browser: Debian's Chromium driven by Playwright, against `replenish serve`
on the demo coalition. Screenshots of every page, for each role, go to $REPLENISH_TEST_ARTEFACTS
(default: tests/artifacts/, which git ignores): look at them."""

from __future__ import annotations

import os
import re
import shutil
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

CHROMIUM = Path("/usr/bin/chromium")
REPLENISH = Path(sys.executable).with_name("replenish")
DEMO = Path(__file__).parents[2] / "examples/coalition"
MEMBERS = ("ALD", "BRV", "CSM", "DRN", "ELV", "FRS", "GLT", "HVN")
NATION = "ALD"
PLAN_PAGES = ("needs", "binding", "sustainment", "delivery")
ARTEFACTS = Path(__file__).parents[1] / "artifacts"
#: the coordinator's password (set with `replenish user password --password-stdin`)
PASSWORD = "correct horse battery staple"

if not CHROMIUM.exists():
    pytest.skip("no Chromium at /usr/bin/chromium (make test installs it: apt-get install "
                "chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is in the test extra")


@dataclass
class Site:
    """The served demo: its address, a token per role, and every address the browser asked."""

    url: str
    tokens: dict[str, str]
    artefacts: Path
    requests: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _replenish(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(REPLENISH), *args], env=env, capture_output=True, text=True,
                          check=True, input=stdin)
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """`replenish serve` on the demo store, with a coordinator and a nation user."""
    folder = tmp_path_factory.mktemp("pages")
    db = folder / "store.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPLENISH_")}
    _replenish(env, "load", str(DEMO), "--db", str(db), "--replace")
    tokens = {
        "coordinator": _replenish(env, "user", "create", "desk", "--role", "coordinator",
                                  "--db", str(db)).strip().splitlines()[-1],
        "nation": _replenish(env, "user", "create", "aldoria", "--role", "nation", "--nation",
                             NATION, "--db", str(db)).strip().splitlines()[-1],
    }
    _replenish(env, "user", "password", "desk", "--password-stdin", "--db", str(db),
               stdin=PASSWORD + "\n")
    port = _free_port()
    server = subprocess.Popen([str(REPLENISH), "serve", "--db", str(db), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url)
        artefacts = Path(os.environ.get("REPLENISH_TEST_ARTEFACTS") or ARTEFACTS)
        artefacts.mkdir(parents=True, exist_ok=True)
        yield Site(url, tokens, artefacts)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(url: str) -> None:
    for _ in range(200):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server at {url} did not come up")


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        opened = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                            args=["--no-sandbox"])
        yield opened
        opened.close()


def _new_page(browser: sync_api.Browser, site: Site) -> sync_api.Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("request", lambda request: site.requests.append(request.url))
    return page


def _sign_in(browser: sync_api.Browser, site: Site, role: str) -> sync_api.Page:
    page = _new_page(browser, site)
    page.goto(f"{site.url}/")
    assert urlsplit(page.url).path == "/login"
    page.fill("#token", site.tokens[role])
    page.click("#token-form button")
    assert urlsplit(page.url).path == "/pages"
    return page


def _open(page: sync_api.Page, site: Site, path: str, shot: str | None = None) -> None:
    """Open `path`, wait for its chart, and keep a screenshot named `shot` if given."""
    page.goto(f"{site.url}{path}")
    for k in range(page.locator(".chart").count()):
        page.locator(".chart").nth(k).and_(page.locator("[data-drawn]")).wait_for(
            timeout=20_000)
    if shot:
        page.screenshot(path=site.artefacts / f"{shot}.png", full_page=True)


def _chart_marks(page: sync_api.Page, chart: str = ".chart") -> int:
    """Marks the drawn charts hold (vega-embed's svg: paths, rects, symbols, text); each
    chart must have drawn."""
    charts = page.locator(chart)
    assert charts.count() > 0, chart
    drawn = charts.evaluate_all("cs => cs.map(c => c.dataset.drawn)")
    assert drawn == ["true"] * len(drawn), drawn
    return int(page.locator(f"{chart} svg .role-mark > *").count())


@pytest.fixture(scope="module")
def coordinator(browser: sync_api.Browser, site: Site) -> Iterator[sync_api.Page]:
    """A coordinator's page, after it queued the first plan from the pages and saw it done."""
    page = _sign_in(browser, site, "coordinator")
    _open(page, site, "/pages/needs", "needs-before-any-plan")
    assert "no finished plan yet" in page.inner_text("main")
    page.click("main form button")
    for _ in range(300):
        if page.locator("table.numbers").count():
            break
        time.sleep(0.2)
        page.reload()
    assert page.locator("table.numbers").count(), "the queued plan did not finish"
    yield page
    page.context.close()


def test_a_page_without_a_session_goes_to_sign_in(browser: sync_api.Browser, site: Site,
                                                  ) -> None:
    page = _new_page(browser, site)
    for path in ("/pages", "/pages/readiness", *(f"/pages/{p}" for p in PLAN_PAGES)):
        page.goto(site.url + path)
        assert urlsplit(page.url).path == "/login", path
    _open(page, site, "/login", "login")
    page.fill("#token", "not.a-token")
    page.click("#token-form button")
    assert "wrong, revoked or expired" in page.inner_text(".error")
    page.screenshot(path=site.artefacts / "login-refused.png", full_page=True)
    page.context.close()


def test_a_coordinator_sees_every_member_and_every_page_draws(
    coordinator: sync_api.Page, site: Site,
) -> None:
    page = coordinator
    _open(page, site, "/pages", "coordinator-home")
    assert page.locator("header nav:not(.languages) a").count() == 10
    _open(page, site, "/pages/readiness", "coordinator-readiness")
    rows = page.locator("table.readiness.now tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.member)")
    assert sorted(rows) == sorted(MEMBERS)
    assert "withheld" not in page.inner_text("table.readiness")
    assert _chart_marks(page) >= 2 * len(MEMBERS)
    for name in PLAN_PAGES:
        _open(page, site, f"/pages/{name}", f"coordinator-{name}")
        assert page.locator("table.numbers tbody tr").count() > 0, name
        assert _chart_marks(page) > 0, name


def test_the_sustainment_page_draws_cover_crews_and_fragmentation(
    coordinator: sync_api.Page, site: Site,
) -> None:
    page = coordinator
    _open(page, site, "/pages/sustainment")
    for chart in ("#chart", "#cover-chart", "#queue-chart", "#fragmentation-chart"):
        assert _chart_marks(page, chart) > 0, chart
    assert page.locator("table.cover tbody tr[data-platform]").count() > 0
    assert page.locator("table.crews tbody tr[data-platform]").count() > 0
    assert page.locator("table.fragmentation tbody tr[data-family]").count() > 0


def test_the_delivery_page_draws_the_full_airport_and_what_waits_on_it(
    coordinator: sync_api.Page, site: Site,
) -> None:
    page = coordinator
    _open(page, site, "/pages/delivery", "delivery")
    # a chart per hub and the road with its own capacity, each with its capacity rule
    assert page.locator("#chart svg .role-mark > *").count() > 3 * 24
    legend = page.locator("#chart svg").text_content() or ""
    assert "full" in legend and "APT · Eastern cargo airport" in legend
    full = page.locator("#limit-APT tbody tr.full")
    assert full.count() > 0
    assert page.locator("#limit-RHD tbody tr.full").count() == 0
    month = full.first.get_attribute("data-month")
    waiting = page.locator(f"table.waiting tbody tr[data-month='{month}'][data-full='APT']")
    assert waiting.count() > 0
    assert page.locator("table.delivery-peaks tr[data-limit='APT'] td.full").inner_text() \
        == str(full.count())


def test_the_needs_filter_by_family(coordinator: sync_api.Page, site: Site) -> None:
    page = coordinator
    _open(page, site, "/pages/needs", "needs-all")
    everything = page.inner_text("table.numbers tr.all")
    family = page.locator("#family option").nth(1).get_attribute("value")
    assert family
    page.select_option("#family", family)
    page.wait_for_url(re.compile(f"family={family}"))
    page.wait_for_selector(".chart[data-drawn]")
    page.screenshot(path=site.artefacts / "needs-one-family.png", full_page=True)
    assert page.inner_text("table.numbers tr.all") != everything


def test_the_needs_filter_by_month_counts_what_is_due_by_then(
    coordinator: sync_api.Page, site: Site,
) -> None:
    page = coordinator
    _open(page, site, "/pages/needs")
    whole = _asked(page)
    page.select_option("#month", "2027-06")
    page.wait_for_url(re.compile("month=2027-06"))
    page.wait_for_selector(".chart[data-drawn]")
    page.screenshot(path=site.artefacts / "needs-by-june-2027.png", full_page=True)
    assert 0 < _asked(page) < whole
    assert "by the end of Jun 2027" in page.inner_text("table.numbers thead")


def _asked(page: sync_api.Page) -> float:
    """The units asked in the needs table's 'all' row."""
    return float(page.inner_text("table.numbers tr.all td >> nth=0").replace(",", ""))


def test_a_coordinator_signs_in_with_a_password(browser: sync_api.Browser, site: Site) -> None:
    page = _new_page(browser, site)
    page.goto(f"{site.url}/pages/needs")
    page.fill("#name", "desk")
    page.fill("#password", "not the password")
    page.click("#password-form button")
    assert "wrong, revoked or expired" in page.inner_text(".error")
    assert page.input_value("#name") == "desk" and page.input_value("#password") == ""
    page.fill("#password", PASSWORD)
    page.click("#password-form button")
    assert urlsplit(page.url).path == "/pages/needs"
    assert "desk · coordinator" in page.inner_text("header")
    page.context.close()


def test_a_nation_sees_its_own_row_and_no_other_members_figures(
    browser: sync_api.Browser, site: Site, coordinator: sync_api.Page,
) -> None:
    page = _sign_in(browser, site, "nation")
    _open(page, site, "/pages", "nation-home")
    # readiness, needs, explorer, the API docs
    assert page.locator("header nav:not(.languages) a").count() == 4
    _open(page, site, "/pages/readiness", "nation-readiness")
    rows = page.locator("table.readiness.now tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.member)")
    assert rows == [NATION]
    others = [m for m in MEMBERS if m != NATION]
    shown = page.inner_text("main") + page.inner_html(".chart svg")
    assert not [m for m in others if re.search(rf"\b{m}\b", shown)]
    assert page.locator("table.readiness.now tfoot td").count() > 0
    assert _chart_marks(page) > 0
    _open(page, site, "/pages/explorer", "nation-explorer")
    assert page.get_attribute("table.explorer", "data-member") == NATION
    shown = page.inner_text("main") + page.inner_html(".chart svg")
    assert _chart_marks(page) > 0
    assert not [m for m in others if re.search(rf"\b{m}\b", shown)]
    response = page.goto(f"{site.url}/pages/explorer?nation={others[0]}&item=x")
    assert response is not None and response.status == 403
    _open(page, site, "/pages/needs", "nation-needs")
    shown = page.inner_text("main") + page.inner_html(".chart svg")
    assert not [m for m in others if re.search(rf"\b{m}\b", shown)]
    assert f"Only {NATION}'s own pledges are counted" in shown
    rows = page.locator("table.numbers tbody tr").count()
    assert rows > 1 and page.locator("table.numbers td.withheld").count() == 4 * rows
    assert _chart_marks(page) > 0
    for name in ("binding", "sustainment", "delivery", "what-if", "compare"):
        response = page.goto(f"{site.url}/pages/{name}")
        assert response is not None and response.status == 403, name
        page.screenshot(path=site.artefacts / f"nation-{name}.png", full_page=True)
        assert not re.search(r"\d", page.inner_text("main")), name
    page.context.close()


def test_a_form_without_its_csrf_token_is_refused(
    browser: sync_api.Browser, site: Site,
) -> None:
    page = _sign_in(browser, site, "coordinator")
    for path in ("/pages/plans", "/logout"):
        response = page.request.post(f"{site.url}{path}", form={"next": "/pages"},
                                     max_redirects=0)
        assert response.status == 403, path
    response = page.request.post(f"{site.url}/pages/plans",
                                 form={"next": "/pages", "csrf": "forged"}, max_redirects=0)
    assert response.status == 403
    page.goto(f"{site.url}/pages")
    assert urlsplit(page.url).path == "/pages"  # still signed in
    page.click("header form.who button")
    assert urlsplit(page.url).path == "/login"
    page.goto(f"{site.url}/pages")
    assert urlsplit(page.url).path == "/login"
    page.context.close()


def test_the_explorer_draws_a_member_s_stock_and_a_line(
    coordinator: sync_api.Page, site: Site,
) -> None:
    page = coordinator
    _open(page, site, "/pages/explorer", "explorer-stock")
    assert page.locator("table.explorer tbody tr").count() > 6
    assert _chart_marks(page) > 0
    line = page.locator("#line option").nth(1).get_attribute("value")
    assert line
    page.select_option("#line", line)
    page.click("#pick-line button")
    page.wait_for_selector(".chart[data-drawn]")
    assert f"producer={line.partition('/')[0]}" in page.url
    page.screenshot(path=site.artefacts / "explorer-line.png", full_page=True)
    assert page.locator("table.explorer tbody tr").count() > 6
    assert _chart_marks(page) > 0


def test_a_coordinator_runs_a_what_if_and_sees_the_difference(
    coordinator: sync_api.Page, site: Site,
) -> None:
    page = coordinator
    _open(page, site, "/pages/what-if", "what-if-form")
    line = page.locator("#row option[value^='line:']").first.get_attribute("value")
    assert line
    page.select_option("#row", line)
    page.fill("#value", "-3")
    page.click("form.what-if button")
    assert "0 or more" in page.inner_text("#what-if-error")
    page.screenshot(path=site.artefacts / "what-if-refused.png", full_page=True)
    page.select_option("#row", line)
    page.fill("#value", "0")
    page.click("form.what-if button")
    assert re.search(r"job=\d+", page.url)
    page.wait_for_selector("#what-if-job progress", state="attached")
    page.screenshot(path=site.artefacts / "what-if-running.png", full_page=True)
    page.wait_for_selector("#what-if-difference", timeout=120_000)  # the bar reloads the page
    page.screenshot(path=site.artefacts / "what-if-done.png", full_page=True)
    assert page.locator("#what-if-difference tbody tr").count() >= 6
    assert page.inner_text("#what-if-sentence").startswith("Against plan")
    assert page.locator(".what-ifs tbody tr").count() == 1


def test_a_coordinator_adds_a_route_in_a_what_if(
    coordinator: sync_api.Page, site: Site,
) -> None:
    """After the what-if above: the demo has routes, so the page offers to add one."""
    page = coordinator
    _open(page, site, "/pages/what-if")
    page.select_option("#route-origin", "ALD")
    page.select_option("#route-recipient", "PTR")
    page.select_option("#route-mode", "road")
    page.fill("#route-months", "-1")
    page.click("form.what-if-route button")
    assert "months from origin to arrival" in page.inner_text("#route-error")
    assert page.input_value("#route-origin") == "ALD"
    page.fill("#route-months", "1")
    page.fill("#route-tonnes", "600")
    page.click("form.what-if-route button")
    assert re.search(r"job=\d+", page.url)
    page.wait_for_selector("#what-if-difference", timeout=120_000)  # the bar reloads the page
    page.screenshot(path=site.artefacts / "what-if-route-done.png", full_page=True)
    assert page.inner_text("#what-if-job h2").endswith(
        "a new route ALD-PTR-ROAD from ALD to PTR by road, direct, 1 month, "
        "600 tonnes a month")
    assert page.inner_text("#what-if-sentence").startswith("Against plan")
    assert page.locator(".what-ifs tbody tr").count() == 2


def test_a_coordinator_compares_joint_and_national(
    coordinator: sync_api.Page, site: Site,
) -> None:
    page = coordinator
    _open(page, site, "/pages/compare")
    page.click("form.compare button")
    page.wait_for_selector("#compare-headline", timeout=180_000)  # the bar reloads the page
    page.wait_for_selector(".chart[data-drawn]")
    page.screenshot(path=site.artefacts / "compare.png", full_page=True)
    assert _chart_marks(page) > 0
    assert page.locator("#compare-members tbody tr").count() == len(MEMBERS)


def test_no_request_leaves_the_machine(
    browser: sync_api.Browser, site: Site, coordinator: sync_api.Page,
) -> None:
    """Every page as each role, then every address the browser asked for in this module."""
    nation = _sign_in(browser, site, "nation")
    for page in (coordinator, nation):
        for path in ("/pages", "/pages/readiness", *(f"/pages/{p}" for p in PLAN_PAGES)):
            _open(page, site, path)
    _open(coordinator, site, "/pages/what-if")
    _open(coordinator, site, "/pages/explorer")
    _open(coordinator, site, "/pages/compare")
    _open(nation, site, "/pages/explorer")
    own = urlsplit(site.url).netloc
    assert len(site.requests) > 20
    nation.context.close()
    assert [url for url in site.requests if urlsplit(url).netloc != own] == []


def test_chromium_comes_from_debian() -> None:
    assert shutil.which("chromium") == str(CHROMIUM)
