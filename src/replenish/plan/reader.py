"""The one reader of a plan (DESIGN.md "Plan format"): typed tables, then the records of a Plan.

Everything that reads a plan — the checker, the reports, the commands and the API — reads
through here. A plan is a folder written by `write_plan`, or a mapping file name -> CSV text or
rows (the API keeps a plan's files in the database as rows). Each cell is parsed by the kind of
its column, taken from the plan's record types; what cannot be read is a `Problem` naming the
file, the line, the column and what was expected. Columns a record does not have are
ignored, and a missing optional file (`contracts.csv`, `sustainment.csv`,
`throughput.csv`) means none.

Months become integer offsets from the plan's start: summary.json's `start`, else the start of
the scenario named by its `scenario` key. `read_plan` records the start it used and the horizon
in `Plan.extra` (`plan_start`, `plan_horizon`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any, Literal

from replenish.errors import Problem, ScenarioError
from replenish.model.months import format_month, month_index, parse_month
from replenish.plan.records import (
    Contract,
    Donation,
    Expansion,
    Fulfilment,
    Order,
    Plan,
    Production,
    StockLevel,
    SustainmentRow,
    Throughput,
)
from replenish.scenario.writer import format_number

#: code, optional code, number, optional number, month (YYYY-MM), true/false, free text
Kind = Literal["code", "opt", "num", "optnum", "month", "bool", "text"]
Row = dict[str, Any]
Rows = Sequence[Mapping[str, Any]]
#: a plan given as file name ('orders.csv' or 'orders') -> CSV text or rows; summary.json may
#: be given as its text or as the parsed object
PlanFiles = Mapping[str, str | Rows | Mapping[str, Any]]
Source = Path | PlanFiles

SUMMARY = "summary.json"
#: the message of a Problem for a file a plan must have and does not
FILE_MISSING = "file missing"
#: summary.json keys that summary_dict derives from the rows, so not kept in Plan.extra
DERIVED_KEYS = frozenset({"objective_terms", "requirements", "readiness", "cost", "expansion",
                          "expansion_cost", "lines_expanded", "idle_system_months",
                          "floor_breaches", "spending", "start", "horizon_months",
                          "delivery"})


@dataclass(frozen=True)
class PlanFile:
    """A plan file: its record type, the Plan attribute it fills, whether a plan must have it."""

    record: type
    attribute: str | None
    required: bool = True

    @property
    def columns(self) -> dict[str, Kind]:
        """Column name -> kind, from the record's fields."""
        return _kinds(self.record)

    @property
    def defaults(self) -> dict[str, Any]:
        """Columns a file may lack, and the value each then takes."""
        return {f.name: f.default for f in dataclasses.fields(self.record)
                if f.default is not dataclasses.MISSING}

    @property
    def mandatory(self) -> list[str]:
        """Columns without a default: a file without them cannot be read."""
        return [c for c in self.columns if c not in self.defaults]


PLAN_FILES: dict[str, PlanFile] = {
    "donations.csv": PlanFile(Donation, "donations"),
    "orders.csv": PlanFile(Order, "orders"),
    "production.csv": PlanFile(Production, "production"),
    "expansions.csv": PlanFile(Expansion, "expansions"),
    "stocks.csv": PlanFile(StockLevel, "stocks"),
    "fulfilment.csv": PlanFile(Fulfilment, "fulfilment"),
    "sustainment.csv": PlanFile(SustainmentRow, "sustainment", required=False),
    "contracts.csv": PlanFile(Contract, "contracts", required=False),
    "throughput.csv": PlanFile(Throughput, "throughput", required=False),
}

# the kind of a column from its field's annotation: every int of a plan record is a month
_KIND_OF_TYPE: dict[str, Kind] = {"str": "code", "str | None": "opt", "float": "num",
                                  "float | None": "optnum", "int": "month", "bool": "bool"}


@cache
def _kinds(record: type) -> dict[str, Kind]:
    """Column -> kind of a record: a field's metadata "kind", else from its annotation."""
    return {f.name: f.metadata.get("kind") or _KIND_OF_TYPE[str(f.type)]
            for f in dataclasses.fields(record)}


# --- cells -------------------------------------------------------------------------------

def _code(text: str) -> str:
    if not text:
        raise ValueError("expected a code, got an empty cell")
    return text


def _opt(text: str) -> str | None:
    return text or None


def _num(text: str) -> float:
    if not text:
        raise ValueError("expected a number, got an empty cell")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {text!r}")
    return value


def _optnum(text: str) -> float | None:
    return _num(text) if text else None


@lru_cache(maxsize=4096)
def _month(text: str, *, start: str) -> int:
    if not text:
        raise ValueError("expected a month as YYYY-MM, got an empty cell")
    return month_index(text, start)


def _bool(text: str) -> bool:
    if text in ("true", "false"):
        return text == "true"
    raise ValueError(f"expected true or false, got {text!r}")


def _text(text: str) -> str:
    return text


_PARSERS: dict[Kind, Callable[[str], Any]] = {"code": _code, "opt": _opt, "num": _num,
                                              "optnum": _optnum, "bool": _bool, "text": _text}


def _cell_text(value: Any) -> str:
    """A stored value (JSON: text, number, true/false, null) as the cell the writer writes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value) if math.isfinite(value) else str(value)
    return str(value)


# --- tables ------------------------------------------------------------------------------

def _lookup(files: PlanFiles, name: str) -> Any:
    """The entry of plan file `name` in a mapping ('orders.csv' or 'orders'), None if absent."""
    value = files.get(name)
    return files.get(name.removesuffix(".csv").removesuffix(".json")) if value is None else value


def missing_files(files: PlanFiles, names: Collection[str]) -> list[str]:
    """The files of `names` that a plan must have and the stored plan `files` lacks."""
    return [n for n in names if PLAN_FILES[n].required and _lookup(files, n) is None]


def _read_text(folder: Path, name: str, problems: list[Problem]) -> str | None:
    path = folder / name
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        if PLAN_FILES[name].required:
            problems.append(Problem(str(path), None, None, FILE_MISSING))
        return None
    except UnicodeDecodeError as exc:
        problems.append(Problem(str(path), None, None, f"not UTF-8 text: {exc}"))
    except OSError as exc:
        problems.append(Problem(str(path), None, None, f"cannot be read: {exc.strerror}"))
    return None


#: a plan file's header (None: stored rows, nothing to check) and (line, cells) per row
Cells = tuple[list[str] | None, list[tuple[int, list[str]]]]


def _cells(source: Source, name: str, problems: list[Problem]) -> tuple[str, Cells] | None:
    """The file as problems name it and its cells; None (a problem if required) if absent."""
    if isinstance(source, Path):
        text = _read_text(source, name, problems)
        return None if text is None else (str(source / name), _csv_cells(text))
    value = _lookup(source, name)
    if value is None:
        if PLAN_FILES[name].required:
            problems.append(Problem(name, None, None, FILE_MISSING))
        return None
    return name, _csv_cells(value) if isinstance(value, str) else _row_cells(value)


def _csv_cells(text: str) -> Cells:
    """The header (line 1) of CSV `text` and the line and cells of each row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    return header, [(reader.line_num, cells) for cells in reader if cells]


def _row_cells(rows: Rows) -> Cells:
    """Stored rows as the cells the writer would have written (line 2 is the first row)."""
    if not rows:
        return None, []
    header = list(dict.fromkeys(k for row in rows for k in row))
    return header, [(line, [_cell_text(row.get(k)) for k in header])
                    for line, row in enumerate(rows, start=2)]


def _parser(kind: Kind, start: str) -> Callable[[str], Any]:
    """The parser of one cell of `kind`; its ValueError says what was expected."""
    return partial(_month, start=start) if kind == "month" else _PARSERS[kind]


def read_table(source: Source, name: str, start: str, problems: list[Problem]) -> list[Row]:
    """Typed rows of plan file `name` (column -> value, and `_line`); bad cells are problems.

    A row with a cell that cannot be read is left out, with one problem per bad cell.
    """
    found = _cells(source, name, problems)
    if found is None:
        return []
    file, (header, cells) = found
    spec = PLAN_FILES[name]
    position = {h: i for i, h in reversed(list(enumerate(header or [])))}
    missing = [c for c in spec.mandatory if header is not None and c not in position]
    if missing:
        problems.append(Problem(file, 1, None, f"missing columns {', '.join(missing)}; "
                                               f"expected {', '.join(spec.columns)}"))
        return []
    defaults = spec.defaults
    columns = [(c, position.get(c), _parser(kind, start)) for c, kind in spec.columns.items()]
    rows: list[Row] = []
    for line, texts in cells:
        row: Row = {"_line": line}
        n, ok = len(texts), True
        for column, i, parse in columns:
            if i is None:
                row[column] = defaults[column]
                continue
            try:
                row[column] = parse(texts[i].strip() if i < n else "")
            except ValueError as exc:
                problems.append(Problem(file, line, column, str(exc)))
                ok = False
        if ok:
            rows.append(row)
    return rows


def read_tables(source: Source, start: str, problems: list[Problem],
                names: Collection[str] | None = None) -> dict[str, list[Row]]:
    """Typed rows of each plan file in `names` (default: all of PLAN_FILES)."""
    return {name: read_table(source, name, start, problems)
            for name in (PLAN_FILES if names is None else names)}


def records(name: str, rows: Sequence[Row]) -> list[Any]:
    """The typed rows of plan file `name` as its records (Donation, Order, ..., Contract)."""
    record = PLAN_FILES[name].record
    columns = list(PLAN_FILES[name].columns)
    return [record(*[row[c] for c in columns]) for row in rows]


# --- summary.json and the start month ---------------------------------------------------

def read_summary(source: Source, problems: list[Problem]) -> dict[str, Any] | None:
    """The plan's summary.json as an object; None if absent (a problem for a folder)."""
    if isinstance(source, Path):
        path = source / SUMMARY
        try:
            text: Any = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(Problem(str(path), None, None, FILE_MISSING))
            return None
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), None, None, f"cannot be read: {exc}"))
            return None
        file = str(path)
    else:
        text, file = _lookup(source, SUMMARY), SUMMARY
        if text is None:
            return None
    try:
        data = json.loads(text) if isinstance(text, str) else text
    except ValueError as exc:
        problems.append(Problem(file, getattr(exc, "lineno", None), None,
                                f"not valid JSON: {exc}"))
        return None
    if not isinstance(data, Mapping):
        problems.append(Problem(file, None, None, "expected a JSON object"))
        return None
    return dict(data)


def plan_scenario_path(folder: Path) -> Path:
    """The scenario a plan was made from, as summary.json records it (ScenarioError if not)."""
    problems: list[Problem] = []
    summary = read_summary(folder, problems)
    if summary is None:
        raise ScenarioError(problems)
    name = summary.get("scenario")
    if not isinstance(name, str) or not name:
        raise ScenarioError([Problem(str(folder / SUMMARY), None, "scenario",
                                     "expected the scenario folder the plan was made from; "
                                     "pass --scenario DIR")])
    return Path(name)


def _calendar(source: Source, summary: Mapping[str, Any] | None, problems: list[Problem]
              ) -> tuple[str | None, int | None]:
    """The plan's start month and horizon: summary.json's, else its scenario's.

    A mapping (a stored plan) that names neither counts from the first month its files name.
    """
    from replenish.scenario.reader import read_settings_dict

    data: Mapping[str, Any] = summary or {}
    file = str(source / SUMMARY) if isinstance(source, Path) else SUMMARY
    if "start" not in data and isinstance(data.get("scenario"), str):
        try:
            data = read_settings_dict(Path(data["scenario"]))
        except ScenarioError as exc:
            problems.append(Problem(file, None, "start", "no start month, and the scenario "
                                    f"it names cannot be read: {exc.problems[0]}"))
            return None, None
    start, horizon = data.get("start"), data.get("horizon_months")
    if not isinstance(horizon, int) or isinstance(horizon, bool) or horizon < 0:
        horizon = None
    if "start" not in data and not isinstance(source, Path):
        return _earliest_month(source), horizon
    try:
        parse_month(start if isinstance(start, str) else "")
    except ValueError:
        if summary is not None:     # a folder without summary.json is a problem already
            problems.append(Problem(file, None, "start", 'expected "start": "YYYY-MM", or '
                                    '"scenario": the scenario folder the plan was made from'))
        return None, None
    return str(start), horizon


def _earliest_month(files: PlanFiles) -> str | None:
    """The first month any plan file names: the origin of months when no start is known."""
    earliest: tuple[int, int] | None = None
    for name, spec in PLAN_FILES.items():
        months = [c for c, k in spec.columns.items() if k == "month"]
        value = _lookup(files, name)
        if value is None or not months:
            continue
        header, rows = _csv_cells(value) if isinstance(value, str) else _row_cells(value)
        where = [i for i, h in enumerate(header or []) if h in months]
        for _, cells in rows:
            for i in where:
                try:
                    ym = parse_month(cells[i] if i < len(cells) else "")
                except ValueError:
                    continue
                earliest = ym if earliest is None else min(earliest, ym)
    return None if earliest is None else f"{earliest[0]:04d}-{earliest[1]:02d}"


# --- the plan ----------------------------------------------------------------------------

def read_plan(source: Source, start: str | None = None,
              files: Collection[str] | None = None) -> Plan:
    """The plan in folder (or mapping) `source` as records, months counted from `start`.

    `start` defaults to the plan's own (summary.json's, else its scenario's). `files` limits
    what is read ('orders.csv' or 'orders'); the other tables are left empty. Raises
    ScenarioError with every problem found.
    """
    problems: list[Problem] = []
    summary = read_summary(source, problems)
    if start is None:
        start, horizon = _calendar(source, summary, problems)
    else:
        horizon = (summary or {}).get("horizon_months")
    names = [n for n in PLAN_FILES
             if files is None or n in files or n.removesuffix(".csv") in files]
    if start is None:
        if not problems:
            problems.append(Problem(SUMMARY, None, "start", "no start month, and no month in "
                                                            "the plan files"))
        raise ScenarioError(problems)
    tables = read_tables(source, start, problems, names)
    if problems:
        raise ScenarioError(problems)
    return plan_from_tables(tables, summary or {}, start,
                            horizon if isinstance(horizon, int) else None)


def _summary_field(summary: Mapping[str, Any], key: str, kind: type, default: Any,
                   problems: list[Problem]) -> Any:
    """summary[key] if of type `kind`; absent or null: `default`; else a problem."""
    value = summary.get(key)
    if value is None:
        return default
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    problems.append(Problem(SUMMARY, None, key, f"expected {kind.__name__}, got {value!r}"))
    return default


def plan_from_tables(tables: Mapping[str, Sequence[Row]], summary: Mapping[str, Any],
                     start: str, horizon: int | None, problems: list[Problem] | None = None
                     ) -> Plan:
    """A Plan from typed tables (read_tables) and its summary; start and horizon in `extra`."""
    problems = [] if problems is None else problems
    s = summary
    status = _summary_field(s, "status", str, "", problems)
    plan = Plan(method=_summary_field(s, "method", str, status, problems), status=status,
                objective=_summary_field(s, "objective", float, math.nan, problems),
                procurement=_summary_field(s, "procurement", str, "", problems),
                binding=_summary_field(s, "binding", list, [], problems),
                timings=_summary_field(s, "timings", dict, {}, problems))
    if problems:
        raise ScenarioError(problems)
    own = {f.name for f in dataclasses.fields(Plan)}
    plan.extra = {k: v for k, v in s.items() if k not in own and k not in DERIVED_KEYS}
    plan.extra["start"] = start
    if horizon is not None:
        plan.extra["horizon_months"] = horizon
    for name, rows in tables.items():
        attribute = PLAN_FILES[name].attribute
        if attribute is not None:
            setattr(plan, attribute, records(name, rows))
    return plan


def plan_start(plan: Plan) -> str:
    """The month (YYYY-MM) a read plan's month offsets count from."""
    return str(plan.extra["start"])


def plan_horizon(plan: Plan) -> int | None:
    """A read plan's horizon in months, if its summary or scenario states it."""
    horizon = plan.extra.get("horizon_months")
    return horizon if isinstance(horizon, int) else None


def plan_month(plan: Plan, index: int) -> str:
    """Month `index` of a read plan as YYYY-MM."""
    return format_month(index, plan_start(plan))
