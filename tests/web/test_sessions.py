"""Sign-in, sessions, CSRF and what each role's pages show, in-process on SQLite and PostgreSQL
(the browser tests in test_pages.py drive the same pages in Chromium)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.support import TOKEN_KEY, USERS, Server, new_pg_database, open_server
from replenish.api.app import create_app
from replenish.api.identity import rotate_token
from replenish.api.settings import ServerSettings
from replenish.store import make_engine, upgrade
from replenish.store.server_tables import PlanJob

PAGES = ("/pages", "/pages/readiness", "/pages/needs", "/pages/binding", "/pages/sustainment",
         "/pages/delivery", "/pages/risk")
#: The pages each role may open (the others answer 403), as the API's policy has it.
ALLOWED = {
    "coordinator": set(PAGES),
    "nation": {"/pages", "/pages/readiness", "/pages/needs"},
    "other_nation": {"/pages", "/pages/readiness", "/pages/needs"},
    "spare": {"/pages", "/pages/readiness", "/pages/needs"},
    "recipient": {"/pages", "/pages/needs"},
    "industry": {"/pages"},
    "admin": {"/pages"},
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           ) -> Iterator[Server]:
    if request.param == "sqlite":
        with open_server(f"sqlite:///{tmp_path_factory.mktemp('pages') / 's.db'}") as opened:
            yield opened
    else:
        with new_pg_database(request.getfixturevalue("pg_user")) as url, \
                open_server(url) as opened:
            yield opened


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(server: Server, role: str) -> TestClient:
    """A fresh client signed in as `role` through the form."""
    client = TestClient(server.app)
    form = client.get("/login")
    answer = client.post("/login", data={"csrf": _csrf(form.text), "token": server.tokens[role],
                                         "next": "/pages"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/pages"
    return client


def test_the_session_cookie_is_http_only_strict_and_signed(server: Server) -> None:
    client = TestClient(server.app)
    cookie = client.get("/login").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    secure = TestClient(server.app, base_url="https://testserver")
    assert "Secure" in secure.get("/login").headers["set-cookie"]
    signed_in = sign_in(server, "coordinator")
    value = signed_in.cookies["replenish_session"]
    body, _, mac = value.rpartition(".")
    forged = TestClient(server.app, cookies={"replenish_session": f"{body}.{mac[::-1]}"})
    assert forged.get("/pages", follow_redirects=False).status_code == 303


def test_production_marks_the_cookie_secure(tmp_path_factory: pytest.TempPathFactory) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('secure') / 's.db'}"
    upgrade(url)
    app = create_app(ServerSettings(database_url=url, environment="production",
                                    token_key=TOKEN_KEY))
    with TestClient(app) as client:
        assert "Secure" in client.get("/login").headers["set-cookie"]


def test_every_role_opens_only_the_pages_the_api_lets_it_read(server: Server) -> None:
    anonymous = TestClient(server.app)
    for path in PAGES:
        answer = anonymous.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == f"/login?next={path}"
    for role, allowed in ALLOWED.items():
        client = sign_in(server, role)
        for path in PAGES:
            expected = 200 if path in allowed else 403
            assert client.get(path).status_code == expected, (role, path)


def test_a_nation_sees_its_row_and_only_the_totals_the_disclosure_rule_allows(
    server: Server,
) -> None:
    page = sign_in(server, "nation").get("/pages/readiness").text
    assert re.findall(r'data-member="(\w+)"', page) == ["AAA"]
    # AAA holds nearly all of both families: each total would tell BBB's and CCC's together.
    assert page.count(">withheld<") == 2
    for other in ("BBB", "CCC", "Bravo", "Charlie", ">1,000<", ">2,000<", "126,457"):
        assert other not in page, other
    coordinator = sign_in(server, "coordinator").get("/pages/readiness").text
    assert re.findall(r'data-member="(\w+)"', coordinator) == ["AAA", "BBB", "CCC"]
    assert "withheld" not in coordinator and "126,457" in coordinator


def test_forms_need_the_sessions_csrf_token(server: Server) -> None:
    client = TestClient(server.app)
    client.get("/login")
    assert client.post("/login", data={"token": server.tokens["coordinator"]}).status_code == 403
    signed_in = sign_in(server, "coordinator")
    for path in ("/pages/plans", "/logout"):
        assert signed_in.post(path, data={"next": "/pages"}).status_code == 403, path
        assert signed_in.post(path, data={"csrf": "x" * 32}).status_code == 403, path
    assert signed_in.get("/pages").status_code == 200
    csrf = _csrf(signed_in.get("/pages").text)
    answer = signed_in.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert signed_in.get("/pages", follow_redirects=False).status_code == 303


def test_a_coordinator_queues_a_plan_from_a_page_and_a_nation_may_not(server: Server) -> None:
    nation = sign_in(server, "nation")
    csrf = _csrf(nation.get("/pages").text)
    assert nation.post("/pages/plans", data={"csrf": csrf}).status_code == 403
    coordinator = sign_in(server, "coordinator")
    csrf = _csrf(coordinator.get("/pages").text)
    answer = coordinator.post("/pages/plans", data={"csrf": csrf, "next": "/pages/needs"},
                              follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/pages/needs"
    engine = make_engine(server.url)
    with Session(engine) as session:
        queued = session.scalars(select(PlanJob.requested_by).where(
            PlanJob.id > server.plan_id)).all()
    engine.dispose()
    assert queued == [USERS["coordinator"][0]]


def test_rotating_the_token_ends_the_session(server: Server) -> None:
    client = sign_in(server, "spare")
    assert client.get("/pages").status_code == 200
    engine = make_engine(server.url)
    with Session(engine) as session, session.begin():
        _, token = rotate_token(session, USERS["spare"][0], key=TOKEN_KEY)
    engine.dispose()
    server.tokens["spare"] = token
    assert client.get("/pages", follow_redirects=False).status_code == 303


def test_signing_in_returns_to_the_page_asked_for_and_never_to_another_site(
    server: Server,
) -> None:
    client = TestClient(server.app)
    answer = client.get("/pages/needs?family=howitzer_155", follow_redirects=False)
    assert answer.headers["location"] == "/login?next=/pages/needs%3Ffamily%3Dhowitzer_155"
    asked = "/pages/needs?family=howitzer_155"
    for target, landing in ((asked, asked), ("//evil.example/", "/pages"),
                            ("/\\evil.example/", "/pages"), ("https://evil.example/", "/pages")):
        form = client.get("/login", params={"next": target})
        assert f'value="{landing}"' in form.text.replace("&amp;", "&"), target
        answer = client.post("/login", data={"csrf": _csrf(form.text), "next": target,
                                             "token": server.tokens["coordinator"]},
                             follow_redirects=False)
        assert answer.headers["location"] == landing, target


def test_browsers_go_to_the_pages_and_other_clients_to_the_api_docs(server: Server) -> None:
    client = TestClient(server.app)
    html = client.get("/", headers={"Accept": "text/html,*/*"}, follow_redirects=False)
    assert html.headers["location"] == "/pages"
    assert client.get("/", follow_redirects=False).headers["location"] == "/docs"
