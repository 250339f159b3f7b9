"""The permission matrix, written once: every role against every endpoint.

Each row is a request and the status each role must get. Whatever the status, a response to
anyone but a coordinator or AAA itself must not contain one of AAA's numbers (SECRETS).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from .support import SECRETS, Server

ROLES = ("coordinator", "nation", "other_nation", "recipient", "industry", "admin", "anonymous")
#: Roles entitled to AAA's own numbers.
CLEARED = {"coordinator", "nation"}


@dataclass(frozen=True)
class Case:
    """One request and the status per role (a role not listed gets 403; anonymous 401)."""

    method: str
    path: str
    allowed: dict[str, int]
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    public: bool = False

    def status(self, role: str) -> int:
        """What `role` must get."""
        if role == "anonymous" and not self.public:
            return 401
        return self.allowed.get(role, 403)


def movement(role: str) -> dict[str, Any]:
    """A dispatch of one of AAA's howitzers (the S155 numbers stay as they are)."""
    return {"nation": "AAA", "item": "H155", "kind": "dispatch", "quantity": 1,
            "reason": f"matrix {role}", "occurred_on": "2027-04-01"}


def pledge(role: str) -> dict[str, Any]:
    """A new pledge of AAA's, its id unique per role."""
    return {"id": f"PM-{role}", "donor": "AAA", "recipient": "UKR", "item": "S155",
            "quantity": 10, "month": "2027-05", "status": "announced"}


def requirement(role: str) -> dict[str, Any]:
    """A new requirement of UKR's, its id unique per role."""
    return {"id": f"RM-{role}", "recipient": "UKR", "item": "S155", "quantity": 100,
            "needed_by": "2027-06", "priority": 2}


def hub(role: str) -> dict[str, Any]:
    """A new hub in BBB, its code unique per role."""
    return {"code": f"HM-{role}", "name": "Rail head", "nation": "BBB", "capacity_tonnes": 900}


def route(role: str) -> dict[str, Any]:
    """A new direct road route from AAA to UKR (so AAA's pledge P1 may still be committed),
    its code unique per role."""
    return {"code": f"RTM-{role}", "origin": "AAA", "recipient": "UKR", "mode": "road",
            "lead_months": 1}


ALL = {role: 200 for role in ROLES if role != "anonymous"}
READERS = {"coordinator": 200, "nation": 200, "other_nation": 200, "recipient": 200}
MATRIX: dict[str, Case] = {
    "health": Case("GET", "/health", {**ALL, "anonymous": 200}, public=True),
    "health details": Case("GET", "/api/v1/health/details", {"coordinator": 200}),
    "stocks of AAA": Case("GET", "/api/v1/stocks?nation=AAA", {"coordinator": 200, "nation": 200}),
    "own stocks": Case("GET", "/api/v1/stocks",
                       {"coordinator": 200, "nation": 200, "other_nation": 200}),
    "unknown nation's stocks": Case("GET", "/api/v1/stocks?nation=ZZZ", {"coordinator": 404}),
    "totals": Case("GET", "/api/v1/stocks/totals",
                   {"coordinator": 200, "nation": 200, "other_nation": 200}),
    "movements of AAA": Case("GET", "/api/v1/movements?nation=AAA",
                             {"coordinator": 200, "nation": 200}),
    "record a movement of AAA": Case("POST", "/api/v1/movements", {"nation": 201}),
    "requirements": Case("GET", "/api/v1/requirements",
                         {"coordinator": 200, "nation": 200, "other_nation": 200,
                          "recipient": 200}),
    "requirements of POL": Case("GET", "/api/v1/requirements?recipient=POL",
                                {"coordinator": 200, "nation": 200, "other_nation": 200}),
    "state a requirement of UKR": Case("POST", "/api/v1/requirements", {"recipient": 201}),
    "pledges of AAA": Case("GET", "/api/v1/pledges?donor=AAA",
                           {"coordinator": 200, "nation": 200, "recipient": 200}),
    "pledges to POL": Case("GET", "/api/v1/pledges?recipient=POL",
                           {"coordinator": 200, "nation": 200, "other_nation": 200}),
    "pledge for AAA": Case("POST", "/api/v1/pledges", {"nation": 201}),
    "change AAA's pledge": Case("PATCH", "/api/v1/pledges/P1", {"nation": 200},
                                body={"status": "committed"}),
    "change an unknown pledge": Case("PATCH", "/api/v1/pledges/NOPE", {},
                                     body={"status": "committed"}),
    "plan": Case("POST", "/api/v1/plans", {"coordinator": 202}),
    "plans": Case("GET", "/api/v1/plans", {"coordinator": 200}),
    "a plan": Case("GET", "/api/v1/plans/{plan_id}", {"coordinator": 200}),
    "an unknown plan": Case("GET", "/api/v1/plans/999999", {"coordinator": 404}),
    "cancel a finished plan": Case("POST", "/api/v1/plans/{plan_id}/cancel",
                                   {"coordinator": 409}),
    "signal": Case("GET", "/api/v1/signal", {"coordinator": 200, "industry": 200}),
    "signal of RHM": Case("GET", "/api/v1/signal?producer=RHM",
                          {"coordinator": 200, "industry": 200}),
    "signal of KNDS": Case("GET", "/api/v1/signal?producer=KNDS", {"coordinator": 200}),
    "hubs": Case("GET", "/api/v1/hubs", READERS),
    "add a hub": Case("POST", "/api/v1/hubs", {"coordinator": 201}),
    "routes": Case("GET", "/api/v1/routes", READERS),
    "routes from BBB": Case("GET", "/api/v1/routes?origin=BBB",
                            {"coordinator": 200, "other_nation": 200, "recipient": 200}),
    "routes to POL": Case("GET", "/api/v1/routes?recipient=POL",
                          {"coordinator": 200, "nation": 200, "other_nation": 200}),
    "add a route": Case("POST", "/api/v1/routes", {"coordinator": 201}),
    "deliveries": Case("GET", "/api/v1/deliveries", {"coordinator": 200, "recipient": 200}),
    "deliveries to POL": Case("GET", "/api/v1/deliveries?recipient=POL", {"coordinator": 200}),
    "audit": Case("GET", "/api/v1/audit", {"coordinator": 200}),
    "users": Case("GET", "/api/v1/users", {"admin": 200}),
    "create a user": Case("POST", "/api/v1/users", {"admin": 201}),
    "revoke a user": Case("POST", "/api/v1/users/ccc/revoke", {"admin": 200}),
}
BODIES = {"record a movement of AAA": movement, "pledge for AAA": pledge,
          "state a requirement of UKR": requirement, "add a hub": hub, "add a route": route,
          "create a user": lambda role: {"name": f"new-{role}", "role": "coordinator"}}


def send(server: Server, case: Case, name: str, role: str) -> tuple[int, str]:
    """Make the request of `case` as `role`; return the status and the body text."""
    body = BODIES[name](role) if name in BODIES else case.body
    headers = {**server.headers(role), **case.headers}
    if name == "record a movement of AAA":
        headers["Idempotency-Key"] = f"matrix-{role}"
    path = case.path.format(plan_id=server.plan_id)
    response = server.client.request(case.method, path, json=body, headers=headers)
    return response.status_code, response.text


def leaked(text: str) -> list[float]:
    """The SECRETS found in a body, as JSON numbers or as numbers written in its strings."""
    found = set()
    words = re.findall(r"(?<![\d.,])\d[\d,]*(?:\.\d+)?(?![\d])", text)
    for word in words:
        try:
            found.add(float(word.replace(",", "")))
        except ValueError:
            continue
    try:
        found |= {float(v) for v in _numbers(json.loads(text))}
    except ValueError:
        pass
    return [secret for secret in SECRETS if secret in found]


def _numbers(value: Any) -> list[float]:
    """Every number in a parsed JSON value."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [float(value)]
    return []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix(server: Server, name: str, role: str) -> None:
    case = MATRIX[name]
    status, text = send(server, case, name, role)
    assert status == case.status(role), text
    assert json.loads(text) is not None  # every answer, refusals included, is JSON
    if role not in CLEARED:
        assert leaked(text) == [], f"{role} got AAA's numbers from {name}: {text}"


@pytest.mark.parametrize("name", ["stocks of AAA", "movements of AAA"])
def test_the_matrix_can_see_a_leak(server: Server, name: str) -> None:
    """AAA's own numbers do reach AAA, so the leak check above is not vacuous."""
    status, text = send(server, MATRIX[name], name, "nation")
    assert status == 200
    assert 123457.0 in leaked(text)


@pytest.mark.parametrize(("asked", "unknown"), [
    ("/api/v1/stocks?nation=AAA", "/api/v1/stocks?nation=ZZZ"),
    ("/api/v1/movements?nation=AAA", "/api/v1/movements?nation=ZZZ"),
])
def test_a_refusal_does_not_tell_whether_the_records_exist(
    server: Server, asked: str, unknown: str,
) -> None:
    headers = server.headers("other_nation")
    existing = server.client.get(asked, headers=headers)
    missing = server.client.get(unknown, headers=headers)
    assert (existing.status_code, existing.json()) == (missing.status_code, missing.json())
    assert existing.status_code == 403


def test_refusing_a_foreign_or_unknown_pledge_reads_the_same(server: Server) -> None:
    headers = server.headers("other_nation")
    body = {"status": "announced"}
    foreign = server.client.patch("/api/v1/pledges/P1", json=body, headers=headers)
    unknown = server.client.patch("/api/v1/pledges/NOPE", json=body, headers=headers)
    assert foreign.status_code == unknown.status_code == 403
    assert foreign.json() == unknown.json()


def test_a_write_for_another_nation_is_refused_and_not_recorded(server: Server) -> None:
    body = {**movement("x"), "nation": "AAA"}
    headers = {**server.headers("other_nation"), "Idempotency-Key": "foreign"}
    refused = server.client.post("/api/v1/movements", json=body, headers=headers)
    audit = server.client.get("/api/v1/audit", headers=server.headers("coordinator")).json()
    assert refused.status_code == 403
    assert all(entry["actor"] != "bbb" for entry in audit)


def test_totals_of_a_family_few_nations_hold_are_withheld(server: Server) -> None:
    mine = server.client.get("/api/v1/stocks/totals", headers=server.headers("other_nation"))
    full = server.client.get("/api/v1/stocks/totals", headers=server.headers("coordinator"))
    howitzers = {t["family"]: t for t in mine.json()}["howitzer_155"]
    shells = {t["family"]: t for t in mine.json()}["ammunition_155"]
    assert howitzers == {"family": "howitzer_155", "nations": 2, "withheld": True,
                         "on_hand": None, "floor": None, "target": None}
    # three members hold shells, but AAA holds over 80 % of them: withheld too
    assert shells["withheld"] is True and shells["on_hand"] is None and shells["nations"] == 3
    assert {t["family"]: t for t in full.json()}["howitzer_155"]["withheld"] is False
