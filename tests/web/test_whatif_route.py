"""The what-if page's "Add a route" form, in-process on SQLite and PostgreSQL: shown where the
stored scenario has routes, it queues a re-plan with one more route whose outcome the page
shows; each bad field is refused with 422 naming it; without routes there is no form."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.support import Server, api_scenario, new_pg_database, open_server
from replenish.model.records import Hub, Route, Scenario
from replenish.plan.totals import effect_sentence, plan_totals, totals_difference
from replenish.planning.measure import apply_change
from replenish.web.whatif import route_code
from web.test_sessions import _csrf, sign_in
from web.test_whatif import _job, _plan, _plan_of, _wait

PAGE = "/pages/what-if"
ADD = PAGE + "/route"
#: a road route from AAA to UKR, direct, a month long, without a limit
ROAD = {"origin": "AAA", "recipient": "UKR", "hub": "", "mode": "road", "months": "1",
        "tonnes": ""}


def routed_scenario() -> Scenario:
    """The API tests' coalition with weights, a hub in BBB and two routes: AAA's howitzers
    for UKR (R1, 6 by the fourth month) go by rail through RZE in 4 months, so arrive late."""
    scenario = api_scenario()
    return dataclasses.replace(
        scenario,
        items=tuple(dataclasses.replace(i, tonnes_per_unit=30.0 if i.code == "H155" else 0.05)
                    for i in scenario.items),
        hubs=(Hub("RZE", "Rzeszow airport", "BBB", 1200.0),),
        routes=(Route("AAA-UKR-RAIL", "AAA", "RZE", "UKR", "rail", 4, 5000.0),
                Route("BBB-POL-ROAD", "BBB", None, "POL", "road", 1, None)))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[Server]:
    """A server on the routed scenario whose latest plan is a real plan of it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('whatif_route') / 's.db'}"
        with open_server(url, routed_scenario()) as opened:
            _plan(opened)
            yield opened
    else:
        with new_pg_database(request.getfixturevalue("pg_user")) as url, \
                open_server(url, routed_scenario()) as opened:
            _plan(opened)
            yield opened


def _add(client: TestClient, **fields: str) -> Any:
    csrf = _csrf(client.get(PAGE).text)
    return client.post(ADD, data={"csrf": csrf, **ROAD, **fields}, follow_redirects=False)


def _route_form(page: str) -> str:
    found = re.search(r'<form [^>]*action="/pages/what-if/route".*?</form>', page, re.S)
    assert found, page
    return found.group(0)


def test_the_form_offers_the_stored_members_recipients_hubs_and_modes(server: Server) -> None:
    form = _route_form(sign_in(server, "coordinator").get(PAGE).text)
    options = {name: re.findall(r'<option value="([^"]*)"', select) for name, select in
               re.findall(r'<select id="route-\w+" name="(\w+)"[^>]*>(.*?)</select>', form,
                          re.S)}
    assert options == {"origin": ["AAA", "BBB", "CCC"], "recipient": ["UKR", "POL"],
                       "hub": ["", "RZE"], "mode": ["rail", "road", "air", "sea"]}
    assert 'name="csrf"' in form and 'name="months"' in form and 'name="tonnes"' in form
    danish = sign_in(server, "coordinator").get(PAGE, params={"lang": "da"}).text
    assert "Tilføj en rute" in danish and ">landevej<" in danish


def test_only_a_coordinator_adds_a_route_and_only_with_the_csrf_token(server: Server) -> None:
    for role in ("nation", "recipient", "industry", "admin"):
        client = sign_in(server, role)
        csrf = _csrf(client.get("/pages").text)
        assert client.post(ADD, data={"csrf": csrf, **ROAD}).status_code == 403, role
    coordinator = sign_in(server, "coordinator")
    assert coordinator.post(ADD, data=ROAD).status_code == 403
    assert coordinator.post(ADD, data={"csrf": "x" * 32, **ROAD}).status_code == 403


def test_an_added_route_is_planned_in_the_background_and_its_outcome_shown(
    server: Server,
) -> None:
    client = sign_in(server, "coordinator")
    answer = _add(client)
    assert answer.status_code == 303
    job_id = int(answer.headers["location"].rpartition("=")[2])
    assert answer.headers["location"] == f"{PAGE}?job={job_id}"
    assert _wait(client, f"{PAGE}/{job_id}/progress")["status"] == "done"

    whatif, scenario = _job(server, job_id)
    base, _ = _job(server, server.plan_id)
    assert whatif.change == {"file": "routes.csv", "base": server.plan_id, "add": {
        "code": "AAA-UKR-ROAD", "origin": "AAA", "hub": "", "recipient": "UKR", "mode": "road",
        "lead_months": "1", "capacity_tonnes": ""}}
    assert not [r for r in scenario.routes if r.code == "AAA-UKR-ROAD"]  # the store is as it was
    changed = apply_change(scenario, whatif.change)
    plan = _plan_of(whatif)
    assert any(d.route == "AAA-UKR-ROAD" for d in plan.donations)
    expected = totals_difference(plan_totals(plan, changed),
                                 plan_totals(_plan_of(base), scenario))
    assert expected["on_time"] > 0  # the howitzers by road arrive in time, by rail they did not

    page = client.get(PAGE, params={"job": job_id}).text
    words = "a new route AAA-UKR-ROAD from AAA to UKR by road, direct, 1 month, no limit on tonnes"
    assert f"What-if {job_id}: {words}</h2>" in page
    sentence = re.search(r'id="what-if-sentence">(.*?)</p>', page, re.S)
    assert sentence and effect_sentence(expected) in sentence.group(1)
    assert re.search(r'id="what-if-difference">.*?units on time', page, re.S)
    recent = re.search(r'<table class="what-ifs">(.*?)</table>', page, re.S)
    assert recent and f'?job={job_id}">{job_id}</a></td><td class="words">{words}<' in (
        recent.group(1))
    danish = client.get(PAGE, params={"job": job_id, "lang": "da"}).text
    assert "en ny rute AAA-UKR-ROAD fra AAA til UKR (landevej), direkte, 1 måned" in danish


def test_an_added_route_s_code_is_new(server: Server) -> None:
    client = sign_in(server, "coordinator")
    answer = _add(client, mode="rail", hub="RZE", months="2", tonnes="1,500")
    job_id = int(answer.headers["location"].rpartition("=")[2])
    whatif, scenario = _job(server, job_id)
    assert whatif.change is not None
    assert whatif.change["add"] == {
        "code": "AAA-UKR-RAIL-2", "origin": "AAA", "hub": "RZE", "recipient": "UKR",
        "mode": "rail", "lead_months": "2", "capacity_tonnes": "1500"}
    assert route_code(scenario, "BBB", "POL", "road") == "BBB-POL-ROAD-2"
    assert route_code(scenario, "BBB", "POL", "air") == "BBB-POL-AIR"
    taken = dataclasses.replace(scenario, routes=(
        *scenario.routes, dataclasses.replace(scenario.routes[0], code="AAA-UKR-RAIL-2")))
    assert route_code(taken, "AAA", "UKR", "rail") == "AAA-UKR-RAIL-3"
    assert len(route_code(scenario, "A" * 40, "B" * 40, "road")) == 64
    _wait(client, f"{PAGE}/{job_id}/progress")


@pytest.mark.parametrize(("field", "value", "said"), [
    ("origin", "UKR", "The origin must be a member of the stored scenario, not UKR."),
    ("origin", "ZZZ", "The origin must be a member"),
    ("recipient", "AAA", "The recipient must be a recipient of the stored scenario, not AAA."),
    ("recipient", "", "The recipient must be a recipient of the stored scenario, not nothing."),
    ("hub", "LVV", "The hub must be a hub of the stored scenario or direct, not LVV."),
    ("mode", "ship", "The mode must be one of rail, road, air, sea, not ship."),
    ("months", "1.5", "The months from origin to arrival must be a whole number from 0 to "
                      "1,200, not 1.5."),
    ("months", "-1", "The months from origin to arrival must be a whole number"),
    ("months", "", "The months from origin to arrival must be a whole number"),
    ("months", "1201", "from 0 to 1,200, not 1201."),
    ("tonnes", "-3", "The tonnes a month must be a number of 0 or more, or empty for no limit, "
                     "not -3."),
    ("tonnes", "lots", "The tonnes a month must be a number of 0 or more"),
    ("tonnes", "inf", "The tonnes a month must be a number of 0 or more"),
])
def test_a_bad_field_is_refused_naming_it(server: Server, field: str, value: str,
                                          said: str) -> None:
    client = sign_in(server, "coordinator")
    answer = _add(client, **{field: value})
    assert answer.status_code == 422
    error = re.search(r'id="route-error">([^<]*)<', answer.text)
    assert error and said in error.group(1), answer.text
    form = _route_form(answer.text)  # the entries are shown again
    if field in ("months", "tonnes"):
        assert f'name="{field}" value="{value}"' in form
    else:
        assert 'name="months" value="1"' in form
    assert re.search(r'<option value="AAA" selected>', form) or field == "origin"
    assert '<option value="road" selected>' in form or field == "mode"


def test_every_bad_field_is_named_at_once(server: Server) -> None:
    answer = _add(sign_in(server, "coordinator"), origin="UKR", mode="ship", tonnes="-1")
    assert answer.status_code == 422
    error = re.search(r'id="route-error">([^<]*)<', answer.text)
    assert error and all(f"The {field} must" in error.group(1)
                         for field in ("origin", "mode", "tonnes a month"))


def test_a_store_without_routes_has_no_route_form(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('whatif_no_routes') / 's.db'}"
    with open_server(url) as server:
        client = sign_in(server, "coordinator")
        page = client.get(PAGE).text
        assert 'class="what-if"' in page  # the form that changes a row is there
        assert "/pages/what-if/route" not in page and "Add a route" not in page
        answer = _add(client)
        assert answer.status_code == 422
        error = re.search(r'id="route-error">([^<]*)<', answer.text)
        assert error and "The stored scenario has no routes" in error.group(1)
        assert "/pages/what-if/route" not in answer.text
