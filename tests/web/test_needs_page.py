"""The needs page: asked, pledged, planned, delivered, late and unmet by priority, filtered by
family and month, each column only for the roles the API lets read it."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.support import Server, api_scenario, open_server
from replenish.model import Pledge
from replenish.store import make_engine
from replenish.store.server_tables import PlanJob

#: what the plan brings: R1 (UKR, 6 howitzers by 2027-06) 4 on time and 1 late; R2 (POL, 500
#: rounds of the 155 family by 2027-08) 300 on time
FULFILMENT = [
    {"requirement": "R1", "item": "H155", "arrival_month": "2027-05", "quantity": 4.0,
     "late": False},
    {"requirement": "R1", "item": "H155", "arrival_month": "2027-07", "quantity": 1.0,
     "late": True},
    {"requirement": "R2", "item": "S155", "arrival_month": "2027-04", "quantity": 300.0,
     "late": False},
]
COLUMNS = ("asked", "pledged", "planned", "delivered", "late", "unmet")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API tests' coalition, with AAA's pledge to POL too, and a plan with fulfilment."""
    base = api_scenario()
    scenario = dataclasses.replace(base, pledges=(
        *base.pledges, Pledge("P3", "AAA", "POL", "S155", 120, 4, "announced")))
    with open_server(f"sqlite:///{tmp_path_factory.mktemp('needs') / 's.db'}",
                     scenario) as opened:
        engine = make_engine(opened.url)
        with Session(engine) as session, session.begin():
            now = datetime.now(UTC)
            session.add(PlanJob(status="done", progress=1.0, stage="done",
                                requested_by="coord", created_at=now, started_at=now,
                                finished_at=now, summary={"status": "optimal"},
                                rows={"fulfilment.csv": FULFILMENT}))
        engine.dispose()
        yield opened


def _client(server: Server, role: str) -> TestClient:
    client = TestClient(server.app)
    form = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf
    client.post("/login", data={"csrf": csrf.group(1), "token": server.tokens[role]})
    return client


def _table(html: str) -> dict[str, dict[str, str]]:
    """The needs table: priority -> column -> cell text ('–' where withheld)."""
    table = {}
    for priority, cells in re.findall(r'<tr[^>]*data-priority="(\w+)">(.*?)</tr>', html, re.S):
        values = re.findall(r"<td[^>]*>([^<]*)", cells)
        table[priority] = dict(zip(COLUMNS, values, strict=True))
    return table


def _chart_data(page: str) -> list[dict[str, Any]]:
    """The values the page's chart draws."""
    found = re.search(r'<script type="application/json" id="chart-spec">(.*?)</script>', page,
                      re.S)
    assert found, "the page has no chart"
    return list(json.loads(found.group(1).replace("<\\/", "</"))["data"]["values"])


def test_a_coordinator_sees_every_column(server: Server) -> None:
    table = _table(_client(server, "coordinator").get("/pages/needs").text)
    assert table == {
        "1": dict(zip(COLUMNS, ("6", "0", "5", "5", "1", "1"), strict=True)),
        "2": dict(zip(COLUMNS, ("500", "170", "300", "300", "0", "200"), strict=True)),
        "all": dict(zip(COLUMNS, ("506", "170", "305", "305", "1", "201"), strict=True)),
    }


def test_the_month_filter_counts_what_is_due_and_delivered_by_its_end(server: Server) -> None:
    client = _client(server, "coordinator")
    june = _table(client.get("/pages/needs", params={"month": "2027-06"}).text)
    assert june["all"] == dict(zip(COLUMNS, ("6", "0", "5", "4", "1", "1"), strict=True))
    assert list(june) == ["1", "all"]
    page = client.get("/pages/needs", params={"month": "2027-05"}).text
    assert _table(page) == {} and "No requirement of this family is due by then." in page
    family = _table(client.get("/pages/needs", params={"family": "ammunition_155"}).text)
    assert list(family) == ["2", "all"] and family["all"]["pledged"] == "170"


def test_a_nation_sees_asked_and_its_own_pledges_only(server: Server) -> None:
    for role, pledged in (("nation", "120"), ("other_nation", "50"), ("spare", "0")):
        page = _client(server, role).get("/pages/needs").text
        table = _table(page)
        assert table["2"]["asked"] == "500" and table["2"]["pledged"] == pledged, role
        for column in ("planned", "delivered", "late", "unmet"):
            assert {row[column] for row in table.values()} == {"–"}, (role, column)
        shown = re.sub(r"<script.*?</script>", "", page, flags=re.S) + " ".join(
            f"{value['units']:g}" for value in _chart_data(page))
        for secret in ("170", "300", "305", "201"):
            assert not re.search(rf"\b{secret}\b", shown), (role, secret)
        assert "From plan" not in page


def test_a_recipient_sees_its_own_requirements_only(server: Server) -> None:
    table = _table(_client(server, "recipient").get("/pages/needs").text)
    assert list(table) == ["1", "all"] and table["all"]["asked"] == "6"
    assert table["all"]["pledged"] == "0" and table["all"]["planned"] == "–"


def test_roles_without_requirements_are_refused(server: Server) -> None:
    for role in ("industry", "admin"):
        answer = _client(server, role).get("/pages/needs")
        assert answer.status_code == 403 and not re.search(r">\d", answer.text), role
