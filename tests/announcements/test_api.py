"""POST /api/v1/announcements: coordinators only, audited, proposals from the store's nations
and items, bad texts a 422 naming them; nothing stored but the audit entry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.support import Server, open_server

STORY = ("ALPHA, 3 March 2027 (Wire) — Alpha will send 4 howitzers and 2,000 155 mm shells to "
         "Ukraine, its government said. Bravo will not send howitzers.")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path_factory.mktemp('announce-api') / 'store.db'}"
    with open_server(url) as opened:
        yield opened


def post(server: Server, role: str, texts: list[dict[str, str]]) -> tuple[int, object]:
    response = server.client.post("/api/v1/announcements", json={"texts": texts},
                                  headers=server.headers(role))
    return response.status_code, response.json()


def test_a_coordinator_gets_proposals_with_evidence_and_the_audit_says_so(
        server: Server) -> None:
    status, body = post(server, "coordinator", [{"name": "wire-1", "text": STORY}])
    assert status == 200, body
    assert isinstance(body, dict)
    assert body["pledges"] == [
        {"id": "ANN-P001", "donor": "AAA", "recipient": "UKR", "item": "", "family":
         "howitzer_155", "quantity": "4", "month": "2027-03", "status": "announced"},
        {"id": "ANN-P002", "donor": "AAA", "recipient": "UKR", "item": "", "family":
         "ammunition_155", "quantity": "2000", "month": "2027-03", "status": "announced"}]
    first = body["evidence"][0]
    assert first["file"] == "wire-1" and first["rule"] == "en.aid"
    assert STORY[int(first["item_start"]):int(first["item_end"])] == "howitzers"
    assert STORY[int(first["recipient_start"]):int(first["recipient_end"])] == "Ukraine"
    assert any("negated" in s["reason"] for s in body["skipped"])
    audit = server.client.get("/api/v1/audit", headers=server.headers("coordinator")).json()
    mine = [e for e in audit if e["action"] == "announcements.read"]
    assert mine and mine[-1]["actor"] == "coord" and mine[-1]["detail"]["texts"] == ["wire-1"]
    pledges = server.client.get("/api/v1/pledges", headers=server.headers("coordinator")).json()
    assert not any(p["id"].startswith("ANN-") for p in pledges)


@pytest.mark.parametrize("role, status", [
    ("nation", 403), ("other_nation", 403), ("recipient", 403), ("industry", 403),
    ("admin", 403), ("anonymous", 401)])
def test_only_coordinators_may_read_announcements(server: Server, role: str,
                                                  status: int) -> None:
    assert post(server, role, [{"name": "wire-1", "text": STORY}])[0] == status


@pytest.mark.parametrize("text, message", [("   ", "is empty"), ("a\x00b", "binary")])
def test_a_text_that_is_not_a_statement_is_422_naming_it(server: Server, text: str,
                                                         message: str) -> None:
    status, body = post(server, "coordinator", [{"name": "good", "text": STORY},
                                                {"name": "bad one", "text": text}])
    assert status == 422
    assert "bad one" in str(body) and message in str(body)


def test_the_bundled_press_release_reads_over_the_api(server: Server) -> None:
    html = (Path(__file__).parent / "texts" / "en_press_release.html").read_text()
    status, body = post(server, "coordinator", [{"name": "release", "text": html}])
    assert status == 200 and isinstance(body, dict)
    assert body["pledges"] == []  # Dornheim and Partner are no nations of this store


def accepted(server: Server, role: str, body: dict[str, object]) -> tuple[int, object]:
    response = server.client.post("/api/v1/announcements/accepted", json=body,
                                  headers=server.headers(role))
    return response.status_code, response.json()


PLEDGE = {"id": "ANN-P901", "donor": "AAA", "recipient": "UKR", "item": "H155", "quantity": 4,
          "month": "2027-03"}
NEED = {"id": "ANN-R901", "recipient": "UKR", "family": "ammunition_155", "quantity": 500,
        "needed_by": "2027-06", "priority": 2}


def test_a_coordinator_stores_reviewed_proposals_as_announced(server: Server) -> None:
    status, body = accepted(server, "coordinator", {"pledges": [PLEDGE], "requirements": [NEED]})
    assert status == 201, body
    assert body == {"pledges": [{**PLEDGE, "quantity": 4.0, "status": "announced"}],
                    "requirements": [{**NEED, "item": None, "quantity": 500.0}]}
    coordinator = server.headers("coordinator")
    pledges = server.client.get("/api/v1/pledges", headers=coordinator).json()
    assert [p["status"] for p in pledges if p["id"] == "ANN-P901"] == ["announced"]
    audit = server.client.get("/api/v1/audit", headers=coordinator).json()
    actions = {(e["actor"], e["action"], e["target"]) for e in audit}
    assert {("coord", "announcements.accept", "announcements"),
            ("coord", "pledge.create", "pledge:ANN-P901"),
            ("coord", "requirement.create", "requirement:ANN-R901")} <= actions


def test_accepting_is_all_or_nothing_and_never_commits(server: Server) -> None:
    coordinator = server.headers("coordinator")
    good = {**PLEDGE, "id": "ANN-P902"}
    status, _ = accepted(server, "coordinator",
                         {"pledges": [good, {**PLEDGE, "id": "ANN-P903", "item": "NOPE"}]})
    assert status == 422
    status, _ = accepted(server, "coordinator", {"pledges": [{**good, "status": "committed"}]})
    assert status == 422
    assert accepted(server, "coordinator", {})[0] == 422
    pledges = server.client.get("/api/v1/pledges", headers=coordinator).json()
    assert not {"ANN-P902", "ANN-P903"} & {p["id"] for p in pledges}


@pytest.mark.parametrize("role, status", [
    ("nation", 403), ("recipient", 403), ("industry", 403), ("admin", 403), ("anonymous", 401)])
def test_only_coordinators_may_accept(server: Server, role: str, status: int) -> None:
    assert accepted(server, role, {"pledges": [{**PLEDGE, "id": f"ANN-{role}"}]})[0] == status
