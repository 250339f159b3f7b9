"""Recording movements: refusals, idempotency and corrections, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from replenish.errors import ConflictError, StoreError
from replenish.ledger import (
    InvalidMovement,
    MovementRecord,
    UnknownStock,
    list_movements,
    on_hand,
    record_movement,
    reverse_movement,
)
from replenish.store.tables import Movement

DAY = date(2027, 4, 10)


def record(engine: Engine, **request: Any) -> MovementRecord:
    """Record one movement in its own committed transaction."""
    fields: dict[str, Any] = {
        "nation": "BBB", "item": "H155", "kind": "dispatch", "quantity": 1, "reason": "test",
        "author": "tester", "occurred_on": DAY,
    }
    fields.update(request)
    fields.setdefault("idempotency_key", f"{fields['kind']}-{fields['quantity']}-{id(request)}")
    with Session(engine) as session, session.begin():
        return record_movement(session, **fields)


def held(engine: Engine, nation: str = "BBB", item: str = "H155") -> float:
    with Session(engine) as session, session.begin():
        return on_hand(session, nation, item)


def count_movements(engine: Engine) -> int:
    with Session(engine) as session, session.begin():
        return session.scalar(select(func.count()).select_from(Movement)) or 0


def test_opening_stock_is_a_dated_receipt(store: Engine) -> None:
    with Session(store) as session, session.begin():
        movements = list_movements(session, nation="BBB", item="S155")
    assert [(m.kind, m.quantity, m.occurred_on, m.idempotency_key) for m in movements] == [
        ("receipt", 100.5, date(2027, 3, 1), "opening:BBB:S155"),
    ]
    assert movements[0].recorded_at.tzinfo is not None


def test_receipts_and_dispatches_change_on_hand(store: Engine) -> None:
    record(store, kind="receipt", quantity=5, idempotency_key="r1")
    shipped = record(store, kind="dispatch", quantity=7, idempotency_key="d1")
    assert shipped.delta == -7 and shipped.occurred_on == DAY and shipped.id > 0
    assert held(store) == 20 + 5 - 7


def test_dispatch_beyond_stock_is_refused_by_name(store: Engine) -> None:
    with pytest.raises(ConflictError) as refused:
        record(store, quantity=21, idempotency_key="too-many")
    message = str(refused.value)
    assert "BBB" in message and "H155" in message and "20" in message and "21" in message
    assert held(store) == 20 and count_movements(store) == 3


def test_negative_adjustment_beyond_stock_is_refused(store: Engine) -> None:
    with pytest.raises(ConflictError, match="adjustment of -101"):
        record(store, item="S155", kind="adjustment", quantity=-101, idempotency_key="adj")
    assert record(store, item="S155", kind="adjustment", quantity=-100.5,
                  idempotency_key="adj2").delta == -100.5
    assert held(store, item="S155") == 0


def test_backdated_dispatch_may_not_break_a_later_balance(store: Engine) -> None:
    record(store, quantity=15, occurred_on=date(2027, 6, 1), idempotency_key="june")
    # On 2027-04-10 there are 20, but taking 10 then leaves -5 after the June dispatch.
    with pytest.raises(ConflictError, match="2027-06-01"):
        record(store, quantity=10, occurred_on=date(2027, 4, 10), idempotency_key="april")
    # Nothing is held before the opening receipt.
    with pytest.raises(ConflictError, match="holds 0"):
        record(store, quantity=1, occurred_on=date(2027, 2, 1), idempotency_key="feb")
    assert record(store, quantity=5, idempotency_key="ok").quantity == 5
    assert held(store) == 0


def test_repeated_key_returns_the_original_movement(store: Engine) -> None:
    first = record(store, quantity=3, idempotency_key="same")
    again = record(store, quantity=3, idempotency_key="same", occurred_on=None)
    assert again == first
    assert held(store) == 17 and count_movements(store) == 4


def test_repeated_key_with_other_content_conflicts(store: Engine) -> None:
    record(store, quantity=3, idempotency_key="same")
    with pytest.raises(ConflictError, match="already used"):
        record(store, quantity=4, idempotency_key="same")
    with pytest.raises(ConflictError, match="already used"):
        record(store, nation="AAA", item="S155", quantity=3, idempotency_key="same")
    assert held(store) == 17


def test_correction_is_a_new_movement(store: Engine) -> None:
    wrong = record(store, quantity=4, idempotency_key="typo")
    fix = _reverse(store, wrong.id, "fix-typo")
    assert (fix.kind, fix.quantity, fix.nation, fix.item) == ("adjustment", 4, "BBB", "H155")
    assert "#" + str(wrong.id) in fix.reason
    assert held(store) == 20
    with Session(store) as session, session.begin():
        kept = [m.id for m in list_movements(session, nation="BBB", item="H155")]
    assert wrong.id in kept and fix.id in kept and len(kept) == 3
    with pytest.raises(UnknownStock, match="no movement"):
        _reverse(store, 10_000, "nothing")


def _reverse(engine: Engine, movement_id: int, key: str) -> MovementRecord:
    with Session(engine) as session, session.begin():
        return reverse_movement(session, movement_id, "typed 4, meant 0", "tester", key)


@pytest.mark.parametrize(("request_", "error", "words"), [
    ({"nation": "ZZZ"}, UnknownStock, "unknown nation 'ZZZ'"),
    ({"item": "NOPE"}, UnknownStock, "unknown item 'NOPE'"),
    ({"nation": "UKR"}, UnknownStock, "UKR holds no stock position for H155"),
    ({"kind": "theft"}, InvalidMovement, "kind must be one of"),
    ({"quantity": 0}, InvalidMovement, "positive quantity"),
    ({"kind": "receipt", "quantity": -2}, InvalidMovement, "positive quantity"),
    ({"kind": "adjustment", "quantity": 0}, InvalidMovement, "must change"),
    ({"quantity": 1.5}, InvalidMovement, "whole units"),
    ({"quantity": float("nan")}, InvalidMovement, "finite"),
    ({"idempotency_key": ""}, InvalidMovement, "key is required"),
])
def test_bad_requests_are_refused_clearly(
    store: Engine, request_: dict[str, Any], error: type[StoreError], words: str,
) -> None:
    with pytest.raises(error, match=words):
        record(store, **request_)
    assert count_movements(store) == 3


def test_fractional_quantities_of_non_integer_items(store: Engine) -> None:
    record(store, item="S155", quantity=0.25, idempotency_key="quarter")
    assert held(store, item="S155") == pytest.approx(100.25)
