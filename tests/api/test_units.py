"""The server's pure parts: demand signal, deliveries, settings, token checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from argon2 import PasswordHasher
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from replenish.api.demand import deliveries, demand_signal
from replenish.api.identity import TokenVerifier, create_user, revoke_user, rotate_token
from replenish.api.limits import FailureLimiter
from replenish.api.planner import jsonable
from replenish.api.settings import ServerSettings
from replenish.store.server_tables import User

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
    monkeypatch.setenv("REPLENISH_TOKEN_KEY", "k" * 40)
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


KEY = "k" * 40


def test_a_token_is_checked_by_hmac_and_a_changed_one_never_lets_through(store: Engine) -> None:
    verifier = TokenVerifier(KEY)
    with Session(store) as session, session.begin():
        user, token = create_user(session, "u", "coordinator", key=KEY)
        stored = session.scalar(select(User.token_hash))
        assert stored is not None and stored.startswith("hmac-sha256$")
        assert token.partition(".")[2] not in stored
        assert verifier.verify(session, token) == user
        assert verifier.verify(session, token[:-1] + "A" if token[-1] != "A"
                               else token[:-1] + "B") is None
        assert verifier.verify(session, "no-dot") is None
        # the same token under another server key opens nothing
        assert TokenVerifier("x" * 40).verify(session, token) is None


def test_a_token_expires_and_a_rotated_one_replaces_it(store: Engine) -> None:
    verifier = TokenVerifier(KEY)
    past = datetime.now(UTC) - timedelta(seconds=1)
    with Session(store) as session, session.begin():
        _, old = create_user(session, "u", "coordinator", key=KEY, expires_at=past)
        assert verifier.verify(session, old) is None
        user, new = rotate_token(session, "u", key=KEY,
                                 expires_at=datetime.now(UTC) + timedelta(days=1))
    with Session(store) as session, session.begin():
        assert verifier.verify(session, new) == user
        assert verifier.verify(session, old) is None


def test_a_token_stored_before_hmac_still_opens_until_its_user_is_revoked(
    store: Engine,
) -> None:
    # A row as revision 0003 made it: an argon2 hash of the secret.
    verifier = TokenVerifier(KEY, remember_seconds=3600)
    with Session(store) as session, session.begin():
        user, token = create_user(session, "u", "coordinator", key=KEY)
        row = session.scalars(select(User)).one()
        row.token_hash = PasswordHasher(time_cost=2, memory_cost=19456,
                                        parallelism=1).hash(token.partition(".")[2])
    for _ in range(3):
        with Session(store) as session, session.begin():
            assert verifier.verify(session, token) == user
    with Session(store) as session, session.begin():
        assert verifier.verify(session, token + "x") is None
        revoke_user(session, "u")
    with Session(store) as session, session.begin():
        assert verifier.verify(session, token) is None


def test_the_development_token_key_is_refused_elsewhere() -> None:
    with pytest.raises(ValidationError, match="REPLENISH_TOKEN_KEY"):
        ServerSettings(database_url="sqlite://", environment="test")
    with pytest.raises(ValidationError, match="at least 32"):
        ServerSettings(database_url="sqlite://", token_key="short")
    assert ServerSettings(database_url="sqlite://", environment="test", token_key=KEY)


def test_failed_authentication_is_limited_per_token_and_per_address() -> None:
    limiter = FailureLimiter(per_token=2, per_address=3, window_seconds=60)
    assert limiter.retry_after("t1", "a") is None
    limiter.fail("t1", "a")
    limiter.fail("t1", "a")
    wait = limiter.retry_after("t1", "b")  # the token id is blocked from any address
    assert wait is not None and 1 <= wait <= 60
    assert limiter.retry_after("t2", "a") is None
    limiter.fail("t2", "a")
    assert limiter.retry_after("t3", "a") is not None  # the address has failed 3 times
    assert limiter.retry_after("t3", "c") is None
