"""The server's pure parts: demand signal, deliveries, settings, token checks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from replenish.api import identity
from replenish.api.demand import deliveries, demand_signal
from replenish.api.identity import TokenVerifier, create_user, revoke_user
from replenish.api.planner import jsonable
from replenish.api.settings import ServerSettings

from .support import finished_plan_files


def _order(producer: str, month: str, quantity: float) -> dict[str, object]:
    return {"buyer": "AAA", "destination": "AAA", "producer": producer, "item": "X",
            "production_month": month, "arrival_month": month, "quantity": quantity,
            "unit_price": 1.0, "contract": None}


def test_the_signal_sums_buyers_and_counts_expansion_from_its_month() -> None:
    files = {
        "orders.csv": [_order("L", "2027-03", 4.0), _order("L", "2027-03", 6.0),
                       _order("L", "2027-11", 1.0), _order("M", "2027-03", 9.0)],
        "expansions.csv": [{"producer": "L", "item": "X", "buyer": None, "added_capacity": 5.0,
                            "available_from": "2027-04"}],
    }
    assert demand_signal(files, "L") == [
        {"producer": "L", "item": "X", "month": "2027-03", "offtake": 10.0, "expansion": 0.0},
        {"producer": "L", "item": "X", "month": "2027-04", "offtake": 0.0, "expansion": 5.0},
        {"producer": "L", "item": "X", "month": "2027-11", "offtake": 1.0, "expansion": 5.0},
    ]
    assert {row["producer"] for row in demand_signal(files, None)} == {"L", "M"}
    assert demand_signal({}, "L") == []
    # with the job's summary, months count from the plan's start
    summary = {"start": "2027-01", "horizon_months": 12}
    assert demand_signal(files, "L", summary) == demand_signal(files, "L")


def test_deliveries_leave_out_what_members_buy_for_themselves() -> None:
    rows = deliveries(finished_plan_files(), "UKR")
    assert [(r["source"], r["supplier"]) for r in rows] == [("donation", "AAA"), ("order", "BBB")]
    assert deliveries(finished_plan_files(), "POL") == []


def test_plan_values_become_plain_json() -> None:
    value = {"a": np.float64(1.5), "b": [np.int64(2), float("nan")], "c": (True, None, "x")}
    assert jsonable(value) == {"a": 1.5, "b": [2, None], "c": [True, None, "x"]}


def test_production_refuses_to_guess_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLENISH_DATABASE_URL", raising=False)
    with pytest.raises(ValidationError, match="REPLENISH_DATABASE_URL"):
        ServerSettings(environment="production")
    monkeypatch.setenv("REPLENISH_DATABASE_URL", "postgresql://db/replenish")
    assert ServerSettings(environment="production").database_url == "postgresql://db/replenish"
    with pytest.raises(ValidationError, match="pool_size"):
        ServerSettings(database_url="sqlite://", pool_size=5, max_overflow=5)


@pytest.fixture
def store(sqlite_url: str, migrated: Callable[[str], Engine]) -> Engine:
    """An engine on a migrated, empty SQLite store."""
    return migrated(sqlite_url)


def test_remembering_a_token_never_lets_a_changed_one_through(store: Engine) -> None:
    verifier = TokenVerifier(remember_seconds=60)
    with Session(store) as session, session.begin():
        user, token = create_user(session, "u", "coordinator")
        assert verifier.verify(session, token) == user
        assert verifier.verify(session, token) == user  # remembered
        assert verifier.verify(session, token[:-1] + "A" if token[-1] != "A"
                               else token[:-1] + "B") is None
        assert verifier.verify(session, "no-dot") is None


def test_a_remembered_token_is_refused_as_soon_as_its_user_is_revoked(
    store: Engine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The revocation comes from another transaction, as from `replenish user revoke` in
    # another process: the verifier's memory of the token must not outlive it.
    checks: list[str] = []
    argon2_matches = identity._argon2_matches

    def counted(token_hash: str, secret: str) -> bool:
        checks.append(secret)
        return argon2_matches(token_hash, secret)

    monkeypatch.setattr(identity, "_argon2_matches", counted)
    verifier = TokenVerifier(remember_seconds=3600)
    with Session(store) as session, session.begin():
        user, token = create_user(session, "u", "coordinator")
    for _ in range(3):
        with Session(store) as session, session.begin():
            assert verifier.verify(session, token) == user
    assert len(checks) == 1  # remembered after the first argon2 check
    with Session(store) as session, session.begin():
        revoke_user(session, "u")
    with Session(store) as session, session.begin():
        assert verifier.verify(session, token) is None
    assert len(checks) == 1
