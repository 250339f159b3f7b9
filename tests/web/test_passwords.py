"""Signing in to the pages with a name and password: set by `replenish user password`, checked
with one answer for every failure, rate-limited, and ended by a new password (SQLite and
PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.support import TOKEN_KEY, USERS, Server, new_pg_database, open_server
from replenish.api.passwords import set_password
from replenish.cli import app as cli
from replenish.errors import ScenarioError, StoreError
from replenish.store import make_engine
from replenish.store.server_tables import User
from replenish.web.sessions import decode_session

PASSWORD = "correct horse battery staple"
#: the one answer to a failed sign-in, whoever tried
REFUSED = "Sign-in failed: the token, or the name and password, are wrong, revoked or expired."


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[Server]:
    if request.param == "sqlite":
        with open_server(f"sqlite:///{tmp_path_factory.mktemp('pw') / 's.db'}",
                         auth_failures_per_token=3) as opened:
            _set(opened, "coordinator", PASSWORD)
            yield opened
    else:
        with new_pg_database(request.getfixturevalue("pg_user")) as url, \
                open_server(url, auth_failures_per_token=3) as opened:
            _set(opened, "coordinator", PASSWORD)
            yield opened


def _set(server: Server, role: str, password: str | None) -> None:
    engine = make_engine(server.url)
    with Session(engine) as session, session.begin():
        set_password(session, USERS[role][0], password)
    engine.dispose()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def _try(client: TestClient, name: str, password: str) -> tuple[int, str]:
    form = client.get("/login")
    answer = client.post("/login", data={"csrf": _csrf(form.text), "name": name,
                                         "password": password, "next": "/pages/needs"},
                         follow_redirects=False)
    return answer.status_code, answer.headers.get("location", "") or answer.text


def test_the_right_password_signs_in_with_the_same_cookie_as_a_token(server: Server) -> None:
    client = TestClient(server.app)
    assert _try(client, "coord", PASSWORD) == (303, "/pages/needs")
    page = client.get("/pages")
    assert page.status_code == 200 and "coord · coordinator" in page.text
    token_client = TestClient(server.app)
    form = token_client.get("/login")
    token_client.post("/login", data={"csrf": _csrf(form.text),
                                      "token": server.tokens["coordinator"]})
    by_password, by_token = (decode_session(TOKEN_KEY, c.cookies["replenish_session"].strip('"'))
                             for c in (client, token_client))
    assert by_password is not None and by_token is not None
    assert (by_password.user_id, by_password.fingerprint) == (by_token.user_id,
                                                              by_token.fingerprint)


@pytest.mark.parametrize(("name", "password"), [
    ("coord", "not the password at all"),  # wrong password
    ("nobody-here", PASSWORD),  # unknown user
    ("aaa", PASSWORD),  # a user without a password
    ("coord", ""),  # nothing typed
])
def test_every_failure_gets_the_same_answer(server: Server, name: str, password: str) -> None:
    client = TestClient(server.app)
    status, page = _try(client, name, password)
    assert status == 401 and REFUSED in page
    assert client.get("/pages", follow_redirects=False).status_code == 303


def test_the_form_needs_its_csrf_token(server: Server) -> None:
    client = TestClient(server.app)
    client.get("/login")
    for csrf in ({}, {"csrf": "forged"}):
        answer = client.post("/login", data={"name": "coord", "password": PASSWORD, **csrf},
                             follow_redirects=False)
        assert answer.status_code == 403
    assert client.get("/pages", follow_redirects=False).status_code == 303


def test_a_name_that_fails_too_often_must_wait(server: Server) -> None:
    client = TestClient(server.app)
    for _ in range(3):
        assert _try(client, "ccc", "guess number one")[0] == 401
    status, page = _try(client, "ccc", "guess number two")
    assert status == 429 and "Too many failed sign-ins" in page


def test_a_new_password_or_a_revocation_ends_the_session(server: Server) -> None:
    _set(server, "other_nation", PASSWORD)
    client = TestClient(server.app)
    assert _try(client, "bbb", PASSWORD)[0] == 303
    assert client.get("/pages").status_code == 200
    _set(server, "other_nation", PASSWORD + "!")
    assert client.get("/pages", follow_redirects=False).status_code == 303
    assert _try(client, "bbb", PASSWORD)[0] == 401
    assert _try(client, "bbb", PASSWORD + "!")[0] == 303
    _set(server, "other_nation", None)
    assert client.get("/pages", follow_redirects=False).status_code == 303
    assert _try(client, "bbb", PASSWORD + "!")[0] == 401


def test_the_command_sets_a_hashed_password_from_stdin_or_refuses(server: Server) -> None:
    runner = CliRunner()
    env = {"REPLENISH_DATABASE_URL": server.url, "REPLENISH_TOKEN_KEY": TOKEN_KEY}
    done = runner.invoke(cli, ["user", "password", "root", "--password-stdin"],
                         input="a long enough password\n", env=env)
    assert done.exit_code == 0, done.output
    assert "set the password of root" in done.output
    engine = make_engine(server.url)
    with Session(engine) as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "root"))
    engine.dispose()
    assert stored is not None and stored.startswith("$argon2id$")
    assert "a long enough password" not in stored
    assert _try(TestClient(server.app), "root", "a long enough password")[0] == 303
    # the command line turns these into exit statuses 2 and 1 (replenish.cli.run)
    short = runner.invoke(cli, ["user", "password", "root", "--password-stdin"], input="short\n",
                          env=env)
    assert isinstance(short.exception, ScenarioError)
    assert "12 to 256 characters" in str(short.exception.problems[0])
    unknown = runner.invoke(cli, ["user", "password", "nobody", "--password-stdin"],
                            input="a long enough password\n", env=env)
    assert isinstance(unknown.exception, StoreError)
    assert "no user named 'nobody'" in str(unknown.exception)
    typed = runner.invoke(cli, ["user", "password", "root"],
                          input="another long password\nanother long password\n", env=env)
    assert typed.exit_code == 0, typed.output
    assert "another long password" not in typed.output
