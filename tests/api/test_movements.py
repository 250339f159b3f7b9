"""Recording movements through the API: idempotent, never negative, validated, audited."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest

from .support import Server


def dispatch(quantity: float = 1, **changes: Any) -> dict[str, Any]:
    """A dispatch of BBB's shells on a day after the opening stock."""
    return {"nation": "BBB", "item": "S155", "kind": "dispatch", "quantity": quantity,
            "reason": "aid to UKR", "occurred_on": "2027-04-02", **changes}


def post(server: Server, body: dict[str, Any], key: str, role: str = "other_nation") -> Any:
    """POST /movements as `role` with Idempotency-Key `key`."""
    headers = {**server.headers(role), "Idempotency-Key": key}
    return server.client.post("/api/v1/movements", json=body, headers=headers)


def bbb_on_hand(server: Server, item: str = "S155") -> float:
    """BBB's on hand of `item`, as BBB reads it."""
    rows = server.client.get("/api/v1/stocks", headers=server.headers("other_nation")).json()
    return float(next(r["on_hand"] for r in rows if r["item"] == item))


def audit_of(server: Server, target: str) -> list[dict[str, Any]]:
    """The audit entries about `target`."""
    rows = server.client.get("/api/v1/audit", headers=server.headers("coordinator")).json()
    return [row for row in rows if row["target"] == target]


def test_a_repeated_key_gets_the_same_response_and_records_once(server: Server) -> None:
    before = bbb_on_hand(server)
    first = post(server, dispatch(3), "repeat-1")
    again = post(server, dispatch(3), "repeat-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["author"] == "api:bbb"
    assert bbb_on_hand(server) == before - 3
    entries = audit_of(server, f"movement:{first.json()['id']}")
    assert [(e["actor"], e["action"], e["detail"]["quantity"]) for e in entries] == [
        ("bbb", "movement.create", 3)]


def test_a_key_reused_for_another_movement_is_a_conflict(server: Server) -> None:
    assert post(server, dispatch(1), "reuse-1").status_code == 201
    refused = post(server, dispatch(2), "reuse-1")
    assert refused.status_code == 409
    assert "already used" in refused.json()["detail"]


def test_keys_belong_to_their_user(server: Server) -> None:
    admin = server.headers("admin")
    created = server.client.post("/api/v1/users", headers=admin, json={
        "name": "bbb-second", "role": "nation", "nation": "BBB"})
    assert created.status_code == 201
    server.tokens["bbb-second"] = created.json()["token"]
    mine = post(server, dispatch(1), "shared-key")
    theirs = post(server, dispatch(1), "shared-key", role="bbb-second")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_dispatch_beyond_the_stock_is_refused_and_not_recorded(server: Server) -> None:
    before = bbb_on_hand(server, "H155")
    refused = post(server, dispatch(before + 1, item="H155"), "too-many")
    assert refused.status_code == 409
    assert "would leave -1" in refused.json()["detail"]
    assert bbb_on_hand(server, "H155") == before
    assert post(server, dispatch(1, item="H155"), "too-many").status_code == 201


@pytest.mark.parametrize(("body", "headers", "where"), [
    (dispatch(), {}, ["header", "Idempotency-Key"]),
    (dispatch(kind="theft"), {"Idempotency-Key": "v1"}, ["body", "kind"]),
    (dispatch(-4), {"Idempotency-Key": "v2"}, ["body"]),
    (dispatch(0.5), {"Idempotency-Key": "v3"}, ["body"]),
    (dispatch(colour="red"), {"Idempotency-Key": "v4"}, ["body", "colour"]),
    (dispatch(reason=""), {"Idempotency-Key": "v5"}, ["body", "reason"]),
    (dispatch(), {"Idempotency-Key": "spaces are not allowed"}, ["header", "Idempotency-Key"]),
])
def test_invalid_movements_are_422_saying_where(
    server: Server, body: dict[str, Any], headers: dict[str, str], where: list[str],
) -> None:
    response = server.client.post("/api/v1/movements", json=body,
                                  headers={**server.headers("other_nation"), **headers})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == where
    assert response.json()["detail"][0]["msg"]


def test_an_item_the_nation_does_not_hold_is_404(server: Server) -> None:
    response = post(server, dispatch(item="NOPE"), "no-item")
    assert response.status_code == 404
    assert "NOPE" in response.json()["detail"]


def test_an_undated_movement_follows_the_opening_stock(server: Server) -> None:
    body = dispatch(1)
    del body["occurred_on"]
    response = post(server, body, "undated")
    assert response.status_code == 201
    assert response.json()["occurred_on"] >= "2027-03-01"


@pytest.mark.parametrize("header", [
    None, "Bearer nonsense", "Bearer abc.def", "Basic dXNlcjpwYXNz", "Bearer ",
])
def test_a_missing_or_bad_token_is_401(server: Server, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = server.client.get("/api/v1/stocks/totals", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["detail"]


def test_a_wrong_secret_for_a_real_token_id_is_401(server: Server) -> None:
    token_id = server.tokens["other_nation"].split(".")[0]
    response = server.client.get("/api/v1/stocks/totals",
                                 headers={"Authorization": f"Bearer {token_id}.{'x' * 43}"})
    assert response.status_code == 401


def test_revocation_takes_effect_at_once(server: Server) -> None:
    admin = server.headers("admin")
    created = server.client.post("/api/v1/users", headers=admin, json={
        "name": "short-lived", "role": "coordinator"}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    assert server.client.get("/api/v1/stocks/totals", headers=headers).status_code == 200
    revoked = server.client.post("/api/v1/users/short-lived/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert server.client.get("/api/v1/stocks/totals", headers=headers).status_code == 401
    listed = server.client.get("/api/v1/users", headers=admin).json()
    assert all("token" not in user for user in listed)
    assert server.client.post("/api/v1/users/nobody/revoke", headers=admin).status_code == 404


def test_a_revoked_writer_is_refused_though_its_token_was_just_accepted(server: Server) -> None:
    # Writes check the token in a read session of their own (so SQLite's write lock is not
    # held meanwhile); the remembered check must still see the revocation at once.
    admin = server.headers("admin")
    created = server.client.post("/api/v1/users", headers=admin, json={
        "name": "bbb-revoked-writer", "role": "nation", "nation": "BBB"}).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    before = bbb_on_hand(server)
    first = server.client.post("/api/v1/movements", json=dispatch(1),
                               headers={**headers, "Idempotency-Key": "revoked-1"})
    assert first.status_code == 201
    assert server.client.post("/api/v1/users/bbb-revoked-writer/revoke",
                              headers=admin).status_code == 200
    refused = server.client.post("/api/v1/movements", json=dispatch(1),
                                 headers={**headers, "Idempotency-Key": "revoked-2"})
    assert refused.status_code == 401
    assert bbb_on_hand(server) == before - 1
    reads = server.client.get("/api/v1/stocks", params={"nation": "BBB"}, headers=headers)
    assert reads.status_code == 401


def test_checking_a_writers_token_waits_for_no_other_writer(server: Server) -> None:
    if not server.url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no store-wide write lock")
    # Another writer holds SQLite's write lock; the token check of a write must not queue
    # behind it (a bad token is refused at once, not after the 30 s busy timeout).
    holder = sqlite3.connect(server.url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        began = time.perf_counter()
        token_id = server.tokens["other_nation"].split(".")[0]
        refused = server.client.post("/api/v1/movements", json=dispatch(1), headers={
            "Authorization": f"Bearer {token_id}.{'x' * 43}", "Idempotency-Key": "locked-1"})
        assert refused.status_code == 401
        assert time.perf_counter() - began < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
