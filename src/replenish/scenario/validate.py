"""Cell conversion, per-row rules and cross-file checks of a scenario, derived from schema.py.

A parsed row keeps only the cells that converted: a missing value means its problem is already
reported, so every check that needs it is skipped rather than cascading into bogus errors. A
table that could not be read at all is not `usable`, and nothing is checked against it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from replenish.errors import Problem
from replenish.model import records
from replenish.model.months import month_index, parse_month
from replenish.model.records import Scenario, Settings
from replenish.scenario.schema import TABLE_BY_FILE, Column, Table

_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_WHOLE = re.compile(r"[+-]?\d{1,18}")
_BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}

#: What each column type expects, as said in messages.
EXPECTED: dict[str, str] = {
    "code": "a code of 1 to 64 letters, digits, '_', '.' or '-'",
    "text": "some text",
    "month": "a month as YYYY-MM",
    "quantity": "a non-negative number",
    "money": "a non-negative amount",
    "int": "a non-negative whole number",
    "priority": "a whole number from 1 (highest) to 5",
    "bool": "true or false (also yes/no, 1/0)",
}

#: Scenario field and record class built from each file; fields are matched by column name.
RECORDS: dict[str, tuple[str, type[Any]]] = {
    "nations.csv": ("nations", records.Nation),
    "items.csv": ("items", records.Item),
    "compatibility.csv": ("compatibility", records.Compatibility),
    "stocks.csv": ("stocks", records.Stock),
    "requirements.csv": ("requirements", records.Requirement),
    "pledges.csv": ("pledges", records.Pledge),
    "production_lines.csv": ("lines", records.ProductionLine),
    "price_breaks.csv": ("price_breaks", records.PriceBreak),
    "fielded.csv": ("fielded", records.Fielded),
    "consumption.csv": ("consumption", records.Consumption),
    "training.csv": ("training", records.Training),
    "hubs.csv": ("hubs", records.Hub),
    "routes.csv": ("routes", records.Route),
}

#: Columns naming another record: what they must name (a nation of some role, or an item kind).
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "compatibility.csv": (("munition", "munition"), ("platform", "platform")),
    "stocks.csv": (("nation", "member"), ("item", "item")),
    "requirements.csv": (("recipient", "recipient"), ("item", "item")),
    "pledges.csv": (("donor", "member"), ("recipient", "recipient"), ("item", "item")),
    "production_lines.csv": (("nation", "nation"), ("item", "item")),
    "price_breaks.csv": (("item", "item"),),
    "fielded.csv": (("recipient", "recipient"), ("platform", "platform")),
    "consumption.csv": (("recipient", "recipient"), ("munition", "munition"),
                        ("platform", "platform")),
    "training.csv": (("platform", "platform"),),
    "hubs.csv": (("nation", "nation"),),
    "routes.csv": (("origin", "member"), ("recipient", "recipient")),
}

#: Quantities that must be whole when the item named in the given column is integer.
WHOLE_QUANTITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "stocks.csv": ("item", ("on_hand", "floor", "target")),
    "requirements.csv": ("item", ("quantity",)),
    "pledges.csv": ("item", ("quantity",)),
    "fielded.csv": ("platform", ("quantity",)),
}


@dataclass
class Row:
    """One data row: its line and the cells that converted, by column name."""

    line: int
    values: dict[str, Any]


@dataclass
class ParsedTable:
    """A table's converted rows; `usable` when its header was complete (others may refer to it)."""

    table: Table
    rows: list[Row] = field(default_factory=list)
    usable: bool = True


def convert_cell(column: Column, text: str) -> Any:
    """The typed value of a non-empty, stripped cell; ValueError says what was expected."""
    kind = column.type
    if kind == "code":
        ok = _CODE.fullmatch(text) is not None
        value: Any = text
    elif kind == "month":
        value = text
        ok = is_month(text)
    elif kind in ("quantity", "money"):
        value = _number(text)
        ok = value is not None and value >= 0
    elif kind in ("int", "priority"):
        value = _whole(text)
        low, high = (1, 5) if kind == "priority" else (0, math.inf)
        ok = value is not None and low <= value <= high
    elif kind == "bool":
        value = _BOOLS.get(text.lower())
        ok = value is not None
    elif kind == "enum":
        value = text
        ok = text in column.choices
    else:
        return text
    if not ok:
        raise ValueError(f"expected {expected(column)}, got {shown(text)}")
    return value


def expected(column: Column) -> str:
    """What a cell of `column` must hold, for messages."""
    if column.type == "enum":
        return "one of " + ", ".join(column.choices)
    return EXPECTED.get(column.type, "a value")


def number(value: float) -> str:
    """A number as a person would write it (12, 2.5)."""
    return f"{value:.15g}"


def shown(text: object) -> str:
    """A short quoted rendering of a value for messages."""
    quoted = repr(text)
    return quoted if len(quoted) <= 42 else quoted[:39] + "..."


def check_scenario(tables: dict[str, ParsedTable], settings: Settings | None,
                   problems: list[Problem]) -> None:
    """Every rule beyond single cells: keys, row rules, references, whole numbers, horizon."""
    catalogue = Catalogue.of(tables)
    for parsed in tables.values():
        _check_keys(parsed, problems)
        rule = ROW_RULES.get(parsed.table.file)
        for row in parsed.rows:
            found = rule(row.values) if rule else None
            if found:
                problems.append(Problem(parsed.table.file, row.line, found[0], found[1]))
            _check_references(parsed.table.file, row, catalogue, problems)
            _check_whole(parsed.table.file, row, catalogue, problems)
            if settings is not None:
                _check_horizon(parsed.table, row, settings, problems)


def _check_keys(parsed: ParsedTable, problems: list[Problem]) -> None:
    """Report rows repeating an earlier row's key, naming the earlier line."""
    key = parsed.table.key
    seen: dict[tuple[Any, ...], int] = {}
    for row in parsed.rows:
        if not all(name in row.values for name in key):
            continue
        value = tuple(row.values[name] for name in key)
        if value in seen:
            shown_key = ", ".join(f"{n} {row.values[n]!r}" for n in key)
            problems.append(Problem(parsed.table.file, row.line, key[0],
                                    f"duplicate {shown_key}, already on line {seen[value]}; "
                                    f"expected each {'/'.join(key)} once"))
        else:
            seen[value] = row.line


def _floor_within_target(values: dict[str, Any]) -> tuple[str, str] | None:
    """stocks.csv: 0 <= floor <= target (an empty target is the floor)."""
    floor, target = values.get("floor"), values.get("target")
    if floor is not None and target is not None and floor > target:
        return "floor", (f"floor {number(floor)} is above target {number(target)}; "
                         "expected floor <= target")
    return None


def _one_of_item_family(values: dict[str, Any]) -> tuple[str, str] | None:
    """requirements.csv: exactly one of item and family."""
    if "item" not in values or "family" not in values:
        return None
    given = (values["item"] is not None) + (values["family"] is not None)
    if given != 1:
        return "item", f"{'both' if given else 'neither'} item and family given; expected one"
    return None


def _expansion_range(values: dict[str, Any]) -> tuple[str, str] | None:
    """production_lines.csv: min_expansion <= max_expansion."""
    low, high = values.get("min_expansion"), values.get("max_expansion")
    if low is not None and high is not None and low > high:
        return ("min_expansion", f"min_expansion {number(low)} is above max_expansion "
                f"{number(high)}; expected min_expansion <= max_expansion")
    return None


ROW_RULES: dict[str, Callable[[dict[str, Any]], tuple[str, str] | None]] = {
    "stocks.csv": _floor_within_target,
    "requirements.csv": _one_of_item_family,
    "production_lines.csv": _expansion_range,
}


@dataclass
class Catalogue:
    """What other files may name. A None map means its file is unusable and goes unchecked;
    an incomplete one (some code cell was bad) reports wrong kinds but not unknown codes."""

    roles: dict[str, str | None] | None
    kinds: dict[str, str | None] | None
    integer: dict[str, bool | None] | None
    families: dict[str, list[str]] | None
    lines: set[tuple[str, str]] | None
    complete: dict[str, bool]

    @classmethod
    def of(cls, tables: dict[str, ParsedTable]) -> Catalogue:
        """Collect codes from nations, items and production lines (first row of a code wins)."""
        nations, items = tables["nations.csv"], tables["items.csv"]
        lines = tables["production_lines.csv"]
        roles = _first(nations, "code", lambda v: v.get("role")) if nations.usable else None
        kinds = _first(items, "code", lambda v: v.get("kind")) if items.usable else None
        integer = _first(items, "code", item_integer) if items.usable else None
        families: dict[str, list[str]] | None = None
        if items.usable:
            families = {}
            for row in items.rows:
                if "family" in row.values and "code" in row.values:
                    families.setdefault(row.values["family"], []).append(row.values["code"])
        keys = None
        if lines.usable:
            keys = {(r.values["producer"], r.values["item"]) for r in lines.rows
                    if "producer" in r.values and "item" in r.values}
        complete = {"nations": _complete(nations, ("code",)),
                    "items": _complete(items, ("code", "family")),
                    "lines": _complete(lines, ("producer", "item"))}
        return cls(roles, kinds, integer, families, keys, complete)


def _complete(parsed: ParsedTable, columns: tuple[str, ...]) -> bool:
    """Whether every row of `parsed` has good cells in `columns`."""
    return all(all(c in row.values for c in columns) for row in parsed.rows)


def _first(parsed: ParsedTable, key: str, get: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    """Map each code in column `key` of `parsed` to `get(values)` of its first row."""
    found: dict[str, Any] = {}
    for row in parsed.rows:
        if key in row.values:
            found.setdefault(row.values[key], get(row.values))
    return found


def item_integer(values: dict[str, Any]) -> bool | None:
    """Whether an items.csv row is integer: its cell, else true for platforms; None if unknown."""
    if values.get("integer") is not None:
        return bool(values["integer"])
    if "integer" in values and "kind" in values:
        return bool(values["kind"] == "platform")
    return None


def _check_references(file: str, row: Row, catalogue: Catalogue,
                      problems: list[Problem]) -> None:
    """Report codes that name no nation, item, family or production line of the right kind."""
    for column, target in REFERENCES.get(file, ()):
        value = row.values.get(column)
        message = None if value is None else _reference_error(target, value, catalogue)
        if message:
            problems.append(Problem(file, row.line, column, message))
    family = row.values.get("family") if file == "requirements.csv" else None
    if (family is not None and catalogue.families is not None and catalogue.complete["items"]
            and family not in catalogue.families):
        problems.append(Problem(file, row.line, "family",
                                f"family {family!r} has no items; expected a family of items.csv"))
    if file == "price_breaks.csv" and catalogue.lines is not None and catalogue.complete["lines"]:
        key = (row.values.get("producer"), row.values.get("item"))
        if None not in key and key not in catalogue.lines:
            problems.append(Problem(file, row.line, "producer",
                                    f"no production line of {key[0]!r} for {key[1]!r}; "
                                    "expected a producer and item of production_lines.csv"))


def _reference_error(target: str, code: str, catalogue: Catalogue) -> str | None:
    """Why `code` is not a `target` (nation, member, recipient, item, platform, munition)."""
    if target in ("nation", "member", "recipient"):
        if catalogue.roles is None:
            return None
        if code not in catalogue.roles:
            if not catalogue.complete["nations"]:
                return None
            return f"unknown nation {code!r}; expected a code of nations.csv"
        role = catalogue.roles[code]
        if target != "nation" and role is not None and role != target:
            return f"{code!r} is a {role}; expected a {target} of nations.csv"
        return None
    if catalogue.kinds is None:
        return None
    if code not in catalogue.kinds:
        if not catalogue.complete["items"]:
            return None
        return f"unknown item {code!r}; expected a code of items.csv"
    kind = catalogue.kinds[code]
    if target != "item" and kind is not None and kind != target:
        return f"item {code!r} is a {kind}; expected an item of kind {target}"
    return None


def _check_whole(file: str, row: Row, catalogue: Catalogue, problems: list[Problem]) -> None:
    """Report fractional quantities of integer items (or of families of integer items)."""
    if file not in WHOLE_QUANTITIES or catalogue.integer is None:
        return
    item_column, columns = WHOLE_QUANTITIES[file]
    item = row.values.get(item_column)
    family = row.values.get("family") if file == "requirements.csv" else None
    if item is not None:
        codes, what = [item], f"integer item {item!r}"
    elif family is not None and catalogue.families is not None and catalogue.complete["items"]:
        codes, what = catalogue.families.get(family, []), f"family {family!r} of integer items"
    else:
        return
    integer = catalogue.integer
    if not codes or not all(integer.get(code) for code in codes):
        return
    for column in columns:
        value = row.values.get(column)
        if value is not None and not float(value).is_integer():
            problems.append(Problem(file, row.line, column,
                                    f"{number(value)} is not whole; expected a whole number "
                                    f"for {what}"))


def _check_horizon(table: Table, row: Row, settings: Settings, problems: list[Problem]) -> None:
    """Report months outside the horizon 0..H-1."""
    last = settings.month(settings.horizon_months - 1)
    for column in table.columns:
        value = row.values.get(column.name)
        if column.type != "month" or value is None:
            continue
        if not 0 <= month_index(value, settings.start) < settings.horizon_months:
            problems.append(Problem(table.file, row.line, column.name,
                                    f"{value} is outside the horizon; expected a month from "
                                    f"{settings.start} to {last}"))


def build_scenario(settings: Settings, tables: dict[str, ParsedTable]) -> Scenario:
    """Typed records of fully valid tables, in file order."""
    parts: dict[str, tuple[Any, ...]] = {}
    for file, (name, record) in RECORDS.items():
        fields = {f.name for f in dataclasses.fields(record)}
        rows = [_resolved(file, row.values, settings) for row in tables[file].rows]
        parts[name] = tuple(record(**{k: v for k, v in r.items() if k in fields}) for r in rows)
    return Scenario(settings=settings, **parts)


def _resolved(file: str, values: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Row values with defaults that depend on other cells filled, and months as offsets."""
    out = dict(values)
    if file == "items.csv":
        out["integer"] = item_integer(values)
    if file == "stocks.csv" and out.get("target") is None:
        out["target"] = out["floor"]
    for column in TABLE_BY_FILE[file].columns:
        if column.type == "month":
            out[column.name] = month_index(out[column.name], settings.start)
    return out


def is_month(text: str) -> bool:
    """Whether `text` is a YYYY-MM month."""
    try:
        parse_month(text)
    except ValueError:
        return False
    return True


def _number(text: str) -> float | None:
    """A finite number written plainly (no underscores, nan or inf), or None."""
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value + 0.0 if math.isfinite(value) else None


def _whole(text: str) -> int | None:
    """A whole number (also written like 3.0), or None."""
    if _WHOLE.fullmatch(text):
        return int(text)
    value = _number(text)
    return int(value) if value is not None and value.is_integer() else None
