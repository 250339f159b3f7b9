"""Many dispatches at once from one stock: exactly as many succeed as there are units."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from replenish.errors import ConflictError
from replenish.ledger import on_hand, record_movement
from replenish.store import make_engine

THREADS = 50


def dispatch_all_at_once(engine: Engine, threads: int) -> list[str]:
    """`threads` workers each dispatch 1 of BBB's 20 H155; return each worker's outcome."""
    start = threading.Barrier(threads)

    def dispatch(n: int) -> str:
        start.wait()
        try:
            with Session(engine) as session, session.begin():
                record_movement(session, "BBB", "H155", "dispatch", 1, "aid", f"worker-{n}",
                                f"dispatch-{n}", occurred_on=date(2027, 4, 1))
        except ConflictError:
            return "refused"
        return "recorded"

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(dispatch, range(threads)))


@pytest.mark.parametrize("store_url", ["postgresql", "sqlite"], indirect=True)
def test_concurrent_dispatches_never_overdraw(store: Engine, store_url: str) -> None:
    engine = make_engine(store_url, pool_size=THREADS, max_overflow=0)
    try:
        outcomes = dispatch_all_at_once(engine, THREADS)
        with Session(engine) as session, session.begin():
            left = on_hand(session, "BBB", "H155")
    finally:
        engine.dispose()
    assert outcomes.count("recorded") == 20
    assert outcomes.count("refused") == THREADS - 20
    assert left == 0


@pytest.mark.parametrize("store_url", ["postgresql", "sqlite"], indirect=True)
def test_concurrent_retries_of_one_request_record_it_once(store: Engine, store_url: str) -> None:
    engine = make_engine(store_url, pool_size=10, max_overflow=0)
    start = threading.Barrier(10)

    def retry(_: int) -> int:
        start.wait()
        with Session(engine) as session, session.begin():
            return record_movement(session, "BBB", "S155", "dispatch", 2.5, "aid", "client",
                                   "one-request", occurred_on=date(2027, 4, 1)).id

    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            ids = set(pool.map(retry, range(10)))
        with Session(engine) as session, session.begin():
            left = on_hand(session, "BBB", "S155")
    finally:
        engine.dispose()
    assert len(ids) == 1
    assert left == 100.5 - 2.5
