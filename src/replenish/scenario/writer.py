"""Write a scenario folder in canonical form: the one byte-exact layout that the store's export
and the xlsx round trip compare against (DESIGN.md, "Scenario format")."""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from replenish.model.months import format_month
from replenish.model.records import Scenario, Settings
from replenish.scenario.schema import SETTINGS, TABLES, Column, Table

#: The Scenario attribute holding each table's records, in file order.
RECORDS: dict[str, str] = {
    "nations.csv": "nations",
    "items.csv": "items",
    "compatibility.csv": "compatibility",
    "stocks.csv": "stocks",
    "requirements.csv": "requirements",
    "pledges.csv": "pledges",
    "production_lines.csv": "lines",
    "price_breaks.csv": "price_breaks",
    "fielded.csv": "fielded",
    "consumption.csv": "consumption",
    "training.csv": "training",
    "hubs.csv": "hubs",
    "routes.csv": "routes",
}

_NUMERIC = frozenset({"quantity", "money", "int", "priority"})


def format_number(x: float) -> str:
    """Canonical text of a number: integral values as plain integers ("12"), others the
    shortest decimal that reads back to the same float, never in exponent notation."""
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"cannot write the non-finite number {x!r}")
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def format_cell(value: Any, column: Column, start: str) -> str:
    """Canonical text of one cell; months are offsets from `start`, None is an empty cell."""
    if value is None:
        return ""
    if column.type == "month":
        return format_month(int(value), start)
    if column.type == "bool":
        return "true" if value else "false"
    if column.type in _NUMERIC:
        return format_number(value)
    return str(value)


def format_table(table: Table, records: tuple[Any, ...], start: str) -> str:
    """The CSV text of one table: header in schema order, one row per record, "\\n" endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.names)
    columns = table.columns
    for record in records:
        writer.writerow([format_cell(getattr(record, c.name), c, start) for c in columns])
    return buffer.getvalue()


def format_settings(settings: Settings) -> str:
    """The text of scenario.toml: every setting key, then [weights] (sorted) if any are set."""
    data: dict[str, Any] = {key: getattr(settings, key) for key in SETTINGS}
    if settings.weights:
        data["weights"] = {key: float(settings.weights[key]) for key in sorted(settings.weights)}
    return tomli_w.dumps(data)


def write_scenario(scenario: Scenario, path: Path) -> None:
    """Write `scenario` to the folder `path` (created if needed) in canonical form.

    Required tables are always written; an optional table without rows is not, and a stale
    file of that name is removed so the folder reads back as exactly this scenario. A column
    that goes with another file (items' `tonnes_per_unit` with routes.csv) is written only
    where that file is.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    start = scenario.settings.start
    (path / "scenario.toml").write_text(
        format_settings(scenario.settings), encoding="utf-8", newline=""
    )
    written = {t.file for t in TABLES if t.required or getattr(scenario, RECORDS[t.file])}
    for table in TABLES:
        target = path / table.file
        if table.file not in written:
            target.unlink(missing_ok=True)
            continue
        records: tuple[Any, ...] = getattr(scenario, RECORDS[table.file])
        text = format_table(table.with_files(written), records, start)
        target.write_text(text, encoding="utf-8", newline="")
