"""Tokens as a service keeps them: keyed hashes, failed authentication rate-limited per token
id and per client address, privileged users audited, rotation from the command line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.cli import run
from replenish.store import make_engine
from replenish.store.server_tables import User

from .support import TOKEN_KEY, Server, open_server


@pytest.fixture(scope="module")
def limited(pg_module_url: str) -> Iterator[Server]:
    """A server on PostgreSQL allowing 3 failures per token id and 6 per address a minute, and
    5 writes per user."""
    with open_server(pg_module_url, auth_failures_per_token=3, auth_failures_per_address=6,
                     auth_held_off_delay_seconds=0.01, writes_per_user_per_minute=5) as server:
        yield server


def client_at(server: Server, address: str) -> TestClient:
    """A client of the server's application calling from `address`."""
    return TestClient(server.app, client=(address, 40000))


def test_tokens_are_stored_as_keyed_hashes(limited: Server) -> None:
    engine = make_engine(limited.url)
    with Session(engine) as session:
        stored = session.scalars(select(User.token_hash)).all()
    engine.dispose()
    assert stored and all(h.startswith("hmac-sha256$") for h in stored)
    secrets = {token.partition(".")[2] for token in limited.tokens.values()}
    assert not any(secret in h for secret in secrets for h in stored)


def test_wrong_secrets_for_one_token_id_are_limited(limited: Server) -> None:
    token_id = limited.tokens["industry"].partition(".")[0]
    wrong = {"Authorization": f"Bearer {token_id}.{'x' * 43}"}
    answers = []
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"):  # spread over addresses
        with client_at(limited, address) as client:
            answers.append(client.get("/api/v1/signal", headers=wrong))
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 60
    # the token id is held off, even with its right secret, until the window ends
    with client_at(limited, "10.0.0.5") as client:
        assert client.get("/api/v1/signal",
                          headers=limited.headers("industry")).status_code == 429


def test_bad_tokens_from_one_address_are_limited(limited: Server) -> None:
    with client_at(limited, "10.0.1.1") as flood, client_at(limited, "10.0.1.2") as other:
        statuses = [flood.get("/api/v1/stocks/totals",
                              headers={"Authorization": f"Bearer id{n}.secret"}).status_code
                    for n in range(8)]
        assert statuses == [401] * 6 + [429] * 2
        assert flood.get("/api/v1/stocks/totals",
                         headers=limited.headers("coordinator")).status_code == 429
        # another address with a valid token is served as ever
        assert other.get("/api/v1/stocks/totals",
                         headers=limited.headers("coordinator")).status_code == 200


def test_an_admin_creating_a_privileged_user_is_shown_to_coordinators(limited: Server) -> None:
    with client_at(limited, "10.0.2.1") as client:
        created = client.post("/api/v1/users", headers=limited.headers("admin"),
                              json={"name": "new-coord", "role": "coordinator"})
        assert created.status_code == 201
        client.post("/api/v1/users", headers=limited.headers("admin"),
                    json={"name": "new-desk", "role": "nation", "nation": "CCC"})
        shown = client.get("/api/v1/audit?action=user.create_privileged",
                           headers=limited.headers("coordinator")).json()
    assert [(e["actor"], e["target"], e["detail"]["role"]) for e in shown] == [
        ("root", "user:new-coord", "coordinator")]


def test_user_token_rotates_a_token_with_an_expiry(
    limited: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REPLENISH_DATABASE_URL", limited.url)
    monkeypatch.setenv("REPLENISH_ENVIRONMENT", "test")
    monkeypatch.setenv("REPLENISH_TOKEN_KEY", TOKEN_KEY)
    old = limited.headers("spare")
    with client_at(limited, "10.0.3.1") as client:
        assert client.get("/api/v1/stocks", headers=old).status_code == 200
        assert run(["user", "token", "ccc", "--days", "30"]) == 0
        token = capsys.readouterr().out.strip().splitlines()[-1]
        assert client.get("/api/v1/stocks", headers=old).status_code == 401
        new = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/stocks", headers=new).status_code == 200
    assert run(["user", "token", "nobody"]) == 1


def test_writes_are_limited_per_user(limited: Server) -> None:
    body = {"id": "P-rate", "donor": "BBB", "recipient": "UKR", "item": "S155",
            "quantity": 1, "month": "2027-05", "status": "announced"}
    headers = limited.headers("other_nation")
    with client_at(limited, "10.0.4.1") as client:
        statuses = [client.patch("/api/v1/pledges/P2", json={"status": "committed"},
                                 headers=headers).status_code for _ in range(6)]
        refused = client.post("/api/v1/pledges", json=body, headers=headers)
        # reads go on, and so do other users' writes
        assert client.get("/api/v1/stocks", headers=headers).status_code == 200
        other = client.patch("/api/v1/pledges/P1", json={"status": "announced"},
                             headers=limited.headers("nation"))
    assert statuses == [200] * 5 + [429]
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert other.status_code == 200
