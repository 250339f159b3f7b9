"""Putting a scenario into the store and taking it back out.

Loading turns each stock's on hand into an opening receipt in the ledger, dated the first day
of the scenario's start month; exporting rebuilds the records with on hand as the ledger now
has it, rows in the order they were loaded, so an untouched store exports what was loaded.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import func, insert, inspect, select, text
from sqlalchemy.orm import Session

from replenish.errors import ConflictError, StoreError
from replenish.ledger.projections import balances
from replenish.model import (
    Compatibility,
    Consumption,
    Fielded,
    Hub,
    Item,
    Nation,
    Pledge,
    PriceBreak,
    ProductionLine,
    Requirement,
    Route,
    Scenario,
    Settings,
    Stock,
    Training,
    parse_month,
)
from replenish.store.tables import (
    SCENARIO_TABLES,
    Base,
    CompatibilityRow,
    ConsumptionRow,
    FieldedRow,
    HubRow,
    ItemRow,
    Movement,
    NationRow,
    PledgeRow,
    PriceBreakRow,
    ProductionLineRow,
    RequirementRow,
    RouteRow,
    ScenarioSettings,
    StockPosition,
    TrainingRow,
)

#: Scenario field, the table mirroring it column for column, and its record type, in the
#: order they are filled (stocks, split between positions and ledger, go after items).
RECORD_TABLES: tuple[tuple[str, type[Base], type[Any]], ...] = (
    ("nations", NationRow, Nation), ("items", ItemRow, Item),
    ("compatibility", CompatibilityRow, Compatibility),
    ("requirements", RequirementRow, Requirement), ("pledges", PledgeRow, Pledge),
    ("lines", ProductionLineRow, ProductionLine), ("price_breaks", PriceBreakRow, PriceBreak),
    ("fielded", FieldedRow, Fielded), ("consumption", ConsumptionRow, Consumption),
    ("training", TrainingRow, Training), ("hubs", HubRow, Hub), ("routes", RouteRow, Route),
)
#: Tables counted only where the scenario has rows (most scenarios have no transport limits).
COUNTED_WHEN_GIVEN = frozenset({"hubs", "routes"})


def stored_scenario_name(session: Session) -> str | None:
    """The name of the scenario in the store, or None if the store is empty or unmigrated."""
    if not inspect(session.connection()).has_table(ScenarioSettings.__tablename__):
        return None
    return session.scalar(select(ScenarioSettings.name))


def load_scenario(
    session: Session, scenario: Scenario, author: str, replace: bool = False,
) -> dict[str, int]:
    """Store `scenario` with opening receipts for its stocks; return row counts per table.

    A store already holding a scenario is refused unless `replace`, which discards it and its
    whole ledger first. The caller owns the transaction.
    """
    existing = stored_scenario_name(session)
    if existing is not None:
        if not replace:
            held = session.scalar(select(func.count()).select_from(Movement)) or 0
            raise ConflictError(
                f"the store already holds scenario {existing!r} with {held} movements; "
                "load with --replace to discard it and its ledger"
            )
        clear_store(session)
    now = datetime.now(UTC)
    session.execute(insert(ScenarioSettings), [_settings_row(scenario.settings, author, now)])
    counts: dict[str, int] = {}
    for field, table, _ in RECORD_TABLES[:2]:
        counts[field] = _insert_records(session, table, getattr(scenario, field))
    counts["stocks"] = _insert_stocks(session, scenario.stocks)
    for field, table, _ in RECORD_TABLES[2:]:
        count = _insert_records(session, table, getattr(scenario, field))
        if count or field not in COUNTED_WHEN_GIVEN:
            counts[field] = count
    counts["movements"] = _insert_openings(session, scenario, author, now)
    return counts


def clear_store(session: Session) -> None:
    """Delete the scenario and its ledger, children first.

    PostgreSQL's append-only trigger is row-level, so it refuses DELETE of movements but not
    TRUNCATE: discarding a whole store is a deliberate act, not an edit of the record.
    """
    models: list[type[Base]] = [Movement, *reversed(SCENARIO_TABLES)]
    tables = [Base.metadata.tables[model.__tablename__] for model in models]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)}"))
        return
    for table in tables:
        session.execute(table.delete())


def export_scenario(session: Session) -> Scenario:
    """The stored scenario with each stock's on hand as the ledger now has it."""
    settings = session.scalar(select(ScenarioSettings))
    if settings is None:
        raise StoreError("the store holds no scenario: run `replenish load SCENARIO_DIR` first")
    records: dict[str, tuple[Any, ...]] = {}
    for field, table, record in RECORD_TABLES:
        rows = session.scalars(select(table).order_by(table.seq))  # type: ignore[attr-defined]
        records[field] = tuple(_to_record(record, row) for row in rows)
    return Scenario(
        settings=Settings(
            name=settings.name, start=settings.start, horizon_months=settings.horizon_months,
            procurement=cast(Any, settings.procurement),
            delivery_lead_months=settings.delivery_lead_months,
            readiness=cast(Any, settings.readiness), weights=dict(settings.weights),
        ),
        stocks=_export_stocks(session),
        **records,
    )


def _settings_row(settings: Settings, author: str, now: datetime) -> dict[str, Any]:
    """The scenario_settings row for `settings`."""
    row = asdict(settings)
    row.update(id=1, weights=dict(settings.weights), loaded_at=now, loaded_by=author)
    return row


def _insert_records(session: Session, table: type[Base], records: tuple[Any, ...]) -> int:
    """Insert one row per record (same field names), numbered in file order."""
    if records:
        rows = [{**asdict(record), "seq": seq} for seq, record in enumerate(records)]
        session.execute(insert(table), rows)
    return len(records)


def _insert_stocks(session: Session, stocks: tuple[Stock, ...]) -> int:
    """Insert the stock positions (floor and target; on hand goes to the ledger)."""
    if stocks:
        rows = [
            {"nation": s.nation, "item": s.item, "seq": seq, "floor": s.floor, "target": s.target}
            for seq, s in enumerate(stocks)
        ]
        session.execute(insert(StockPosition), rows)
    return len(stocks)


def _insert_openings(session: Session, scenario: Scenario, author: str, now: datetime) -> int:
    """One opening receipt per non-empty stock, dated the first day of the start month."""
    year, month = parse_month(scenario.settings.start)
    reason = f"opening stock of scenario {scenario.settings.name}"
    rows = [
        {
            "nation": s.nation, "item": s.item, "kind": "receipt", "quantity": s.on_hand,
            "occurred_on": date(year, month, 1), "recorded_at": now, "author": author,
            "reason": reason, "idempotency_key": f"opening:{s.nation}:{s.item}",
        }
        for s in scenario.stocks
        if s.on_hand > 0
    ]
    if rows:
        session.execute(insert(Movement), rows)
    return len(rows)


def _export_stocks(session: Session) -> tuple[Stock, ...]:
    """Stocks in load order, on hand from the whole ledger."""
    held = balances().subquery()
    query = (
        select(StockPosition, func.coalesce(held.c.on_hand, 0.0))
        .outerjoin(held, (held.c.nation == StockPosition.nation)
                   & (held.c.item == StockPosition.item))
        .order_by(StockPosition.seq)
    )
    return tuple(
        Stock(p.nation, p.item, float(quantity), float(p.floor), float(p.target))
        for p, quantity in session.execute(query)
    )


def _to_record(record: type[Any], row: Base) -> Any:
    """The domain record of type `record` that `row` stands for (fields named alike)."""
    return record(**{name: getattr(row, name) for name in record.__dataclass_fields__})
