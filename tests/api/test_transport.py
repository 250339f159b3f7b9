"""Hubs and routes through the API: added by a coordinator, read (a nation its own routes, a
recipient those to it), refused with 422 or 409 where the scenario files would be invalid, and
a plan of a store with routes planned through them."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy.orm import Session

from replenish.store import make_engine
from replenish.store.scenarios import export_scenario

from .support import Server


def hub(**changes: Any) -> dict[str, Any]:
    """A hub in BBB."""
    return {"code": "RZE", "name": "Rzeszow airport", "nation": "BBB", "capacity_tonnes": 1200.0,
            **changes}


def route(**changes: Any) -> dict[str, Any]:
    """A rail route from AAA to UKR through RZE."""
    return {"code": "AAA-UKR-RAIL", "origin": "AAA", "hub": "RZE", "recipient": "UKR",
            "mode": "rail", "lead_months": 2, "capacity_tonnes": 5000.0, **changes}


def test_a_coordinator_adds_hubs_and_routes_and_nations_read_their_own(server: Server) -> None:
    headers = server.headers("coordinator")
    created = server.client.post("/api/v1/hubs", json=hub(), headers=headers)
    assert created.status_code == 201 and created.json() == hub()
    assert server.client.post("/api/v1/hubs", json=hub(), headers=headers).status_code == 409
    for body in (route(), route(code="BBB-POL-ROAD", origin="BBB", hub=None, recipient="POL",
                                mode="road", lead_months=1, capacity_tonnes=None)):
        answer = server.client.post("/api/v1/routes", json=body, headers=headers)
        assert answer.status_code == 201 and answer.json() == body
    assert server.client.post("/api/v1/routes", json=route(),
                              headers=headers).status_code == 409
    codes = {r["code"] for r in server.client.get("/api/v1/routes", headers=headers).json()}
    assert {"AAA-UKR-RAIL", "BBB-POL-ROAD"} <= codes
    for role, seen in (("nation", "AAA"), ("recipient", "UKR")):
        routes = server.client.get("/api/v1/routes", headers=server.headers(role)).json()
        assert routes and all(seen in (r["origin"], r["recipient"]) for r in routes)
    hubs = server.client.get("/api/v1/hubs", headers=server.headers("recipient")).json()
    assert "RZE" in {h["code"] for h in hubs}
    audit = server.client.get("/api/v1/audit", headers=headers).json()
    assert {("hub.create", "hub:RZE"), ("route.create", "route:AAA-UKR-RAIL")} <= {
        (e["action"], e["target"]) for e in audit}
    engine = make_engine(server.url)
    try:
        with Session(engine) as session:
            stored = export_scenario(session)
    finally:
        engine.dispose()
    assert "RZE" in {h.code for h in stored.hubs}
    assert "AAA-UKR-RAIL" in {r.code for r in stored.routes}


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/hubs", hub(code="X1", nation="ZZZ"), "nation"),
    ("/api/v1/hubs", hub(code="X2", capacity_tonnes=-1), "capacity_tonnes"),
    ("/api/v1/routes", route(code="X3", origin="UKR"), "origin"),
    ("/api/v1/routes", route(code="X4", recipient="BBB"), "recipient"),
    ("/api/v1/routes", route(code="X5", hub="NOPE"), "hub"),
    ("/api/v1/routes", route(code="X6", mode="ship"), "mode"),
    ("/api/v1/routes", route(code="X7", lead_months=-1), "lead_months"),
    ("/api/v1/routes", route(code="X8", lead_months=1.5), "lead_months"),
])
def test_an_invalid_hub_or_route_is_422(
    server: Server, path: str, body: dict[str, Any], field: str,
) -> None:
    server.client.post("/api/v1/hubs", json=hub(), headers=server.headers("coordinator"))
    response = server.client.post(path, json=body, headers=server.headers("coordinator"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", field]


def test_a_plan_of_a_store_with_routes_plans_deliveries(server: Server) -> None:
    headers = server.headers("coordinator")
    server.client.post("/api/v1/hubs", json=hub(), headers=headers)
    server.client.post("/api/v1/routes", json=route(), headers=headers)
    job = server.client.post("/api/v1/plans", headers=headers)
    assert job.status_code == 202
    for _ in range(600):
        state = server.client.get(f"/api/v1/plans/{job.json()['id']}", headers=headers).json()
        if state["status"] not in ("queued", "running"):
            break
        time.sleep(0.05)
    assert state["status"] == "done", state["error"]
    throughput = state["files"]["throughput.csv"]
    assert {(r["kind"], r["code"]) for r in throughput} >= {("hub", "RZE"),
                                                            ("route", "AAA-UKR-RAIL")}
    # only AAA has a route: nothing reaches UKR from anyone else
    assert {d["donor"] for d in state["files"]["donations.csv"]
            if d["recipient"] == "UKR"} <= {"AAA"}
    assert all(d["route"] == "AAA-UKR-RAIL" for d in state["files"]["donations.csv"]
               if d["recipient"] == "UKR")


def test_where_routes_exist_a_committed_pledge_needs_one(server: Server) -> None:
    coordinator = server.headers("coordinator")
    server.client.post("/api/v1/hubs", json=hub(), headers=coordinator)
    server.client.post("/api/v1/routes", json=route(), headers=coordinator)  # AAA to UKR only
    headers = server.headers("other_nation")
    body = {"id": "P-unrouted", "donor": "BBB", "recipient": "UKR", "item": "H155",
            "quantity": 1, "month": "2027-06", "status": "committed"}
    refused = server.client.post("/api/v1/pledges", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "donor"]
    announced = {**body, "status": "announced"}
    assert server.client.post("/api/v1/pledges", json=announced,
                              headers=headers).status_code == 201
    commit = server.client.patch("/api/v1/pledges/P-unrouted", json={"status": "committed"},
                                 headers=headers)
    assert commit.status_code == 422
    assert commit.json()["detail"][0]["loc"] == ["body", "status"]
