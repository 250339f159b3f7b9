"""Every page on a stored plan that lacks a file it needs (or has a cell it cannot read): the
page's own layout with a message naming what is missing and what to do, in the reader's
language, and a line in the log; never the API's raw JSON error."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import Response
from sqlalchemy.orm import Session

from api.support import Server, finished_plan_files, open_server
from replenish.store import make_engine
from replenish.store.server_tables import PlanJob
from web.test_sessions import sign_in

FULFILMENT = [{"requirement": "R1", "item": "H155", "arrival_month": "2027-05",
               "quantity": 4.0, "late": False}]
#: a summary as a finished plan stores it
SUMMARY = {"status": "optimal", "method": "optimal", "procurement": "national",
           "start": "2027-03", "horizon_months": 6, "binding": []}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API tests' store, whose finished plan has no production.csv nor fulfilment.csv."""
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('unreadable') / 's.db'}") as opened:
        yield opened


def _files(without: str = "", **extra: Any) -> dict[str, Any]:
    """The test store's plan files, fulfilment.csv and an empty production.csv, less
    `without`, plus `extra`."""
    files: dict[str, Any] = {**finished_plan_files(), "fulfilment.csv": FULFILMENT,
                             "production.csv": [], **extra}
    files.pop(without, None)
    return files


def _store(server: Server, rows: dict[str, Any], summary: dict[str, Any] | None = SUMMARY,
           change: dict[str, Any] | None = None) -> int:
    """A finished plan job with these files (`summary` None: none), newer than every other;
    its id."""
    engine = make_engine(server.url)
    try:
        with Session(engine) as session, session.begin():
            now = datetime.now(UTC)
            job = PlanJob(status="done", progress=1.0, stage="done", requested_by="coord",
                          created_at=now, started_at=now, finished_at=now, change=change,
                          summary=summary, rows=rows)
            session.add(job)
            session.flush()
            return job.id
    finally:
        engine.dispose()


def _problem(page: Response) -> str:
    """The page's message about its plan (the page is HTML, with its navigation)."""
    assert page.status_code == 200, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    assert '<a class="brand"' in page.text and "<h1>" in page.text
    found = re.search(r'id="(?:plan-problem|what-if-problem|compare-problem)"[^>]*>(.*?)</p>',
                      page.text, re.S)
    assert found, "the page says nothing about its plan"
    return " ".join(html.unescape(found.group(1)).split())


def _logged(caplog: pytest.LogCaptureFixture, page: str, job: int, missing: str) -> None:
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"page {page}:" in line and f"plan {job}:" in line and missing in line
               for line in lines), lines


def test_industry_s_explorer_says_the_plan_lacks_production(
        server: Server, caplog: pytest.LogCaptureFixture) -> None:
    """The case reported: the test store's own plan, opened by industry."""
    client = sign_in(server, "industry")
    for params in ({}, {"producer": "RHM", "item": "S155"}):
        page = client.get("/pages/explorer", params=params)
        problem = _problem(page)
        assert f"Plan {server.plan_id} has no production.csv" in problem
        assert "Ask a coordinator to plan the store again." in problem
        assert 'id="pick-line"' in page.text  # the pickers are still there
    _logged(caplog, "explorer", server.plan_id, "production.csv: file missing")


def test_a_member_s_stock_in_the_explorer_without_stocks(
        server: Server, caplog: pytest.LogCaptureFixture) -> None:
    job = _store(server, _files(without="stocks.csv"))
    page = sign_in(server, "coordinator").get("/pages/explorer",
                                              params={"nation": "AAA", "item": "S155"})
    problem = _problem(page)
    assert f"Plan {job} has no stocks.csv, which this page needs." in problem
    assert "Plan the store again to make a complete plan." in problem
    _logged(caplog, "explorer", job, "stocks.csv: file missing")


def test_readiness_shows_the_stock_now_and_says_the_end_is_missing(
        server: Server, caplog: pytest.LogCaptureFixture) -> None:
    job = _store(server, _files(without="stocks.csv"))
    page = sign_in(server, "coordinator").get("/pages/readiness")
    problem = _problem(page)
    assert f"The end of the plan is not shown. Plan {job} has no stocks.csv" in problem
    assert 'class="readiness now"' in page.text and 'class="readiness end"' not in page.text
    _logged(caplog, "readiness", job, "stocks.csv: file missing")
    nation = sign_in(server, "nation").get("/pages/readiness")  # may not read plans: no word
    assert nation.status_code == 200 and 'id="plan-problem"' not in nation.text


@pytest.mark.parametrize(("page", "missing", "rows", "summary"), [
    ("needs", "fulfilment.csv", _files(without="fulfilment.csv"), SUMMARY),
    ("sustainment", "orders.csv", _files(without="orders.csv"), SUMMARY),
    ("binding", "binding in summary.json", _files(), {"status": "optimal", "method": "optimal"}),
    ("binding", "summary.json", _files(), None),
])
def test_a_plan_page_says_what_the_plan_lacks(
        server: Server, caplog: pytest.LogCaptureFixture, page: str, missing: str,
        rows: dict[str, Any], summary: dict[str, Any] | None) -> None:
    job = _store(server, rows, summary)
    answer = sign_in(server, "coordinator").get(f"/pages/{page}")
    problem = _problem(answer)
    assert f"Plan {job} has no {missing}, which this page needs." in problem
    assert f'<input type="hidden" name="next" value="/pages/{page}">' in answer.text  # re-plan
    _logged(caplog, page, job, "file missing")


def test_a_cell_that_cannot_be_read_is_named(server: Server) -> None:
    orders = [{**finished_plan_files()["orders.csv"][0], "quantity": "lots"}]
    job = _store(server, _files(**{"orders.csv": orders}))
    problem = _problem(sign_in(server, "coordinator").get("/pages/sustainment"))
    assert f"Plan {job} cannot be read: orders.csv:2 column 'quantity'" in problem


def test_the_message_is_in_the_reader_s_language(server: Server) -> None:
    job = _store(server, _files(without="fulfilment.csv"))
    page = sign_in(server, "coordinator").get("/pages/needs", params={"lang": "da"})
    problem = _problem(page)
    assert problem == (f"Plan {job} mangler fulfilment.csv, som denne side har brug for. "
                       "Planlæg databasen igen for at få en fuldstændig plan.")


def test_a_what_if_whose_base_lacks_files(server: Server,
                                          caplog: pytest.LogCaptureFixture) -> None:
    base = _store(server, _files(without="production.csv"))
    change = {"file": "production_lines.csv", "match": {"producer": "RHM", "item": "S155"},
              "column": "capacity", "from": "1000", "to": "9", "base": base}
    whatif = _store(server, _files(), change=change)
    page = sign_in(server, "coordinator").get("/pages/what-if", params={"job": whatif})
    problem = _problem(page)
    assert f"Plan {base} has no production.csv" in problem
    assert "Plan the store again and ask again." in problem
    _logged(caplog, "what-if", base, "production.csv: file missing")


def test_a_comparison_whose_plan_lacks_files(server: Server,
                                             caplog: pytest.LogCaptureFixture) -> None:
    joint = _store(server, _files(without="stocks.csv"), change={"procurement": "joint"})
    _store(server, _files(), change={"procurement": "national", "pair": joint})
    problem = _problem(sign_in(server, "coordinator").get("/pages/compare"))
    assert f"Plan {joint} has no stocks.csv" in problem and "Compare again." in problem
    _logged(caplog, "compare", joint, "stocks.csv: file missing")
