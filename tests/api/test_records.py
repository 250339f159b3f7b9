"""Requirements, pledges, the demand signal and deliveries through the API."""

from __future__ import annotations

from typing import Any

import pytest

from .support import Server


def requirement(**changes: Any) -> dict[str, Any]:
    """A requirement of UKR's."""
    return {"id": "R-new", "recipient": "UKR", "family": "ammunition_155", "quantity": 900,
            "needed_by": "2027-07", "priority": 1, **changes}


def test_a_recipient_states_a_requirement_and_reads_only_its_own(server: Server) -> None:
    headers = server.headers("recipient")
    created = server.client.post("/api/v1/requirements", json=requirement(), headers=headers)
    assert created.status_code == 201
    assert created.json() == {**requirement(), "item": None}
    mine = server.client.get("/api/v1/requirements", headers=headers).json()
    assert {r["id"] for r in mine} == {"R1", "R-new"}
    assert {r["recipient"] for r in mine} == {"UKR"}
    again = server.client.post("/api/v1/requirements", json=requirement(), headers=headers)
    assert again.status_code == 409


@pytest.mark.parametrize(("changes", "where"), [
    ({"id": "R-late", "needed_by": "2030-01"}, ["body", "needed_by"]),
    ({"id": "R-both", "item": "S155"}, ["body"]),
    ({"id": "R-fam", "family": "nothing"}, ["body", "family"]),
    ({"id": "R-prio", "priority": 9}, ["body", "priority"]),
    ({"id": "R-month", "needed_by": "2027-13"}, ["body", "needed_by"]),
])
def test_an_invalid_requirement_is_422(
    server: Server, changes: dict[str, Any], where: list[str],
) -> None:
    response = server.client.post("/api/v1/requirements", json=requirement(**changes),
                                  headers=server.headers("recipient"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == where


def test_a_donor_pledges_and_commits_and_the_audit_says_so(server: Server) -> None:
    headers = server.headers("other_nation")
    body = {"id": "P-bbb", "donor": "BBB", "recipient": "UKR", "item": "H155", "quantity": 2,
            "month": "2027-06", "status": "announced"}
    assert server.client.post("/api/v1/pledges", json=body, headers=headers).status_code == 201
    changed = server.client.patch("/api/v1/pledges/P-bbb", json={"status": "committed"},
                                  headers=headers)
    assert changed.json() == {**body, "status": "committed"}
    mine = server.client.get("/api/v1/pledges", headers=headers).json()
    assert {p["donor"] for p in mine} == {"BBB"}
    to_ukr = server.client.get("/api/v1/pledges", headers=server.headers("recipient")).json()
    assert "P-bbb" in {p["id"] for p in to_ukr} and {p["recipient"] for p in to_ukr} == {"UKR"}
    audit = server.client.get("/api/v1/audit", headers=server.headers("coordinator")).json()
    about = [(e["actor"], e["action"], e["detail"].get("was")) for e in audit
             if e["target"] == "pledge:P-bbb"]
    assert about == [("bbb", "pledge.create", None), ("bbb", "pledge.update", "announced")]


@pytest.mark.parametrize(("changes", "field"), [
    ({"recipient": "CCC"}, "recipient"), ({"item": "NOPE"}, "item"),
    ({"quantity": 1.5}, "quantity"), ({"month": "2026-01"}, "month"),
])
def test_an_invalid_pledge_is_422(server: Server, changes: dict[str, Any], field: str) -> None:
    body = {"id": f"P-bad-{field}", "donor": "BBB", "recipient": "UKR", "item": "H155",
            "quantity": 1, "month": "2027-06", "status": "announced", **changes}
    response = server.client.post("/api/v1/pledges", json=body,
                                  headers=server.headers("other_nation"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_industry_reads_the_summed_offtake_of_its_own_lines(server: Server) -> None:
    signal = server.client.get("/api/v1/signal", headers=server.headers("industry")).json()
    assert signal["plan"] == server.plan_id
    assert signal["rows"] == [
        {"producer": "RHM", "item": "S155", "month": "2027-05", "offtake": 500.0,
         "expansion": 0.0},
        {"producer": "RHM", "item": "S155", "month": "2027-06", "offtake": 0.0,
         "expansion": 150.0},
    ]
    everything = server.client.get("/api/v1/signal", headers=server.headers("coordinator"))
    assert {r["producer"] for r in everything.json()["rows"]} == {"RHM", "KNDS"}


def test_a_recipient_reads_its_planned_deliveries(server: Server) -> None:
    rows = server.client.get("/api/v1/deliveries", headers=server.headers("recipient")).json()
    assert rows["plan"] == server.plan_id
    assert [(r["source"], r["supplier"], r["item"], r["arrival_month"], r["quantity"],
             r["pledge"]) for r in rows["rows"]] == [
        ("donation", "AAA", "S155", "2027-04", 200.0, "P1"),
        ("order", "BBB", "H155", "2027-07", 2.0, None),
    ]


def test_the_servers_address_leads_to_its_api_documentation(server: Server) -> None:
    first = server.client.get("/", follow_redirects=False)
    assert first.status_code == 307
    assert first.headers["location"] == "/docs"
    docs = server.client.get("/", follow_redirects=True)
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
    assert "/" not in server.client.get("/openapi.json").json()["paths"]


def test_health_says_only_up_and_details_need_a_coordinator(server: Server) -> None:
    assert server.client.get("/health").json() == {"status": "up"}
    anonymous = server.client.get("/api/v1/health/details")
    nation = server.client.get("/api/v1/health/details", headers=server.headers("nation"))
    assert (anonymous.status_code, nation.status_code) == (401, 403)
    health = server.client.get("/api/v1/health/details",
                               headers=server.headers("coordinator")).json()
    assert health["status"] == "up"
    assert health["revision"] == health["expected_revision"]
    assert health["database"] in ("sqlite", "postgresql")
