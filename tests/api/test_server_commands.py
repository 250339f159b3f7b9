"""`replenish user create/revoke/list` and `replenish serve`, end to end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.api.app import create_app
from replenish.api.settings import ServerSettings
from replenish.cli import run
from replenish.store import database_url, make_engine
from replenish.store.scenarios import load_scenario
from replenish.store.server_tables import AuditEntry, User

from .support import api_scenario

REPLENISH = Path(sys.executable).with_name("replenish")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store holding the API scenario."""
    path = tmp_path / "store.db"
    assert run(["db", "upgrade", "--db", str(path)]) == 0
    engine = make_engine(database_url(path))
    with Session(engine) as session, session.begin():
        load_scenario(session, api_scenario(), author="test")
    engine.dispose()
    return path


def create(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `user create ARGS`; return the exit status, stdout and stderr."""
    code = run(["user", "create", *args, "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def test_create_prints_a_working_token_on_the_last_line(
    db: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = create(db, capsys, "alpha-desk", "--role", "nation", "--nation", "AAA")
    token = out.strip().splitlines()[-1]
    assert code == 0 and "alpha-desk" in out
    engine = make_engine(database_url(db))
    with Session(engine) as session:
        stored = session.scalar(select(User).where(User.name == "alpha-desk"))
        audit = session.scalars(select(AuditEntry.target)).all()
    engine.dispose()
    assert stored is not None and token.split(".")[1] not in stored.token_hash
    assert audit == ["user:alpha-desk"]
    with TestClient(create_app(ServerSettings(database_url=database_url(db)))) as client:
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/stocks", headers=headers).status_code == 200
        assert run(["user", "revoke", "alpha-desk", "--db", str(db)]) == 0
        assert client.get("/api/v1/stocks", headers=headers).status_code == 401
    assert run(["user", "list", "--db", str(db)]) == 0
    assert "revoked" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["x", "--role", "nation"], "needs --nation"),
    (["x", "--role", "nation", "--nation", "UKR"], "not a member"),
    (["x", "--role", "recipient", "--nation", "AAA"], "not a recipient"),
    (["x", "--role", "industry", "--producer", "NOBODY"], "no production line"),
    (["x", "--role", "coordinator", "--nation", "AAA"], "takes no --nation"),
    (["x", "--role", "king"], "expected one of"),
    (["no spaces", "--role", "admin"], "expected 1-128"),
])
def test_create_refuses_a_bad_role_or_binding(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str,
) -> None:
    code, _, err = create(db, capsys, *args)
    assert code == 2
    assert message in err


def test_create_refuses_a_taken_name_and_revoke_an_unknown_one(
    db: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert create(db, capsys, "ops", "--role", "admin")[0] == 0
    code, _, err = create(db, capsys, "ops", "--role", "admin")
    assert code == 1 and "already exists" in err
    assert run(["user", "revoke", "nobody", "--db", str(db)]) == 1


def test_serve_answers_health_and_stops_on_interrupt(db: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "REPLENISH_DATABASE_URL"}
    server = subprocess.Popen(
        [str(REPLENISH), "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    try:
        health = None
        deadline = time.monotonic() + 20
        while health is None and time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
            except httpx.TransportError:
                time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=20)
    assert health is not None and health == {"status": "up"}, output
    assert "serving the store" in output
    assert server.returncode == 0
