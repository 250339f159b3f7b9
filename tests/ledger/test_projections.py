"""Stock positions projected from the ledger, as of any day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from replenish.ledger import Position, UnknownStock, record_movement, stock_positions


def positions(engine: Engine, nation: str | None = None,
              as_of: date | None = None) -> list[Position]:
    with Session(engine) as session, session.begin():
        return stock_positions(session, nation=nation, as_of=as_of)


def move(engine: Engine, kind: str, quantity: float, day: date, key: str) -> None:
    with Session(engine) as session, session.begin():
        record_movement(session, "AAA", "S155", kind, quantity, "test", "tester", key,
                        occurred_on=day)


def test_positions_come_by_nation_with_family_floor_and_target(store: Engine) -> None:
    assert positions(store) == [
        Position("AAA", "H155", "howitzer_155", 0.0, 2.0, 4.0),
        Position("AAA", "S155", "ammunition_155", 1000.0, 100.0, 500.0),
        Position("BBB", "H155", "howitzer_155", 20.0, 5.0, 30.0),
        Position("BBB", "S155", "ammunition_155", 100.5, 50.0, 200.0),
    ]


def test_status_and_gap_to_target(store: Engine) -> None:
    by_key = {(p.nation, p.item): p for p in positions(store)}
    assert by_key["AAA", "H155"].status == "below floor"
    assert by_key["BBB", "H155"].status == "below target"
    assert by_key["BBB", "H155"].gap_to_target == 10
    assert by_key["AAA", "S155"].status == "at target"
    assert by_key["AAA", "S155"].gap_to_target == 0


def test_as_of_counts_only_movements_up_to_that_day(store: Engine) -> None:
    move(store, "dispatch", 300, date(2027, 5, 1), "may")
    move(store, "receipt", 50, date(2027, 7, 15), "july")

    def aaa_shells(day: date | None) -> float:
        return next(p.on_hand for p in positions(store, "AAA", day) if p.item == "S155")

    assert aaa_shells(date(2027, 2, 28)) == 0
    assert aaa_shells(date(2027, 3, 1)) == 1000
    assert aaa_shells(date(2027, 4, 30)) == 1000
    assert aaa_shells(date(2027, 5, 1)) == 700
    assert aaa_shells(date(2027, 7, 14)) == 700
    assert aaa_shells(date(2027, 7, 15)) == 750
    assert aaa_shells(None) == 750


def test_nation_filter(store: Engine) -> None:
    assert {p.nation for p in positions(store, "BBB")} == {"BBB"}
    assert positions(store, "UKR") == []
    with pytest.raises(UnknownStock, match="unknown nation 'XX'"):
        positions(store, "XX")
