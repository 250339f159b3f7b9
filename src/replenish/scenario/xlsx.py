"""Excel round trip of a scenario folder, for planners who work in spreadsheets.

One sheet per CSV file (named after the file), a `scenario` sheet of key/value rows for
scenario.toml (weights as `weights.<key>`) and a read-only README describing every column,
all derived from schema.py. Cells hold numbers only where the number reads back as exactly
the text of the CSV, so CSV -> xlsx -> CSV gives back canonical files byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from replenish.errors import Problem, ScenarioError
from replenish.model.records import DEFAULT_WEIGHTS
from replenish.scenario.reader import (
    SCENARIO_FILES,
    SETTINGS_FILE,
    read_raw_records,
    read_scenario,
    read_settings_dict,
    sort_problems,
    write_settings,
)
from replenish.scenario.schema import SETTINGS, TABLE_BY_FILE, TABLES

SCENARIO_SHEET = "scenario"
README_SHEET = "README"
_INTEGER = re.compile(r"0|-?[1-9]\d{0,14}")
_WHOLE = re.compile(r"[+-]?\d{1,18}")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def cell_value(text: str) -> str | int | float:
    """The cell for CSV text `text`: a number when it reads back as exactly `text`, else text."""
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and cell_text(number) == text:
        return number
    return text


def cell_text(value: object) -> str:
    """The CSV text of a cell value read from a workbook (None is an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value:%Y-%m}" if value.day == 1 else value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def scenario_to_xlsx(dir: Path, file: Path) -> None:
    """Write the scenario folder `dir` as the workbook `file`; the files need only be readable."""
    tables = read_raw_records(dir)
    settings = read_settings_dict(dir) if (dir / SETTINGS_FILE).is_file() else None
    if settings is None and not tables:
        raise ScenarioError([Problem(str(dir), None, None,
                                     "holds no scenario files; expected scenario.toml and CSVs")])
    if file.suffix.lower() != ".xlsx":
        raise ScenarioError([Problem(str(file), None, None, "expected a file name ending .xlsx")])
    problems = list(_unstorable(tables, settings))
    if problems:
        raise ScenarioError(sort_problems(problems))
    book = Workbook()
    book.remove(book.active)
    if settings is not None:
        _fill(book.create_sheet(SCENARIO_SHEET), _settings_rows(settings), text_columns=(0, 1, 2))
    for table in TABLES:
        if table.file in tables:
            rows = [cells for _, cells in tables[table.file]]
            _fill(book.create_sheet(_sheet(table.file)), rows, text_columns=())
    _add_readme(book.create_sheet(README_SHEET))
    file.parent.mkdir(parents=True, exist_ok=True)
    book.save(file)


def xlsx_to_scenario(file: Path, dir: Path) -> None:
    """Write the workbook `file` as the scenario folder `dir`, then validate it.

    Scenario files in `dir` that the workbook has no sheet for are removed, so the folder is
    exactly the workbook. Problems name the sheet and row: file "BOOK.xlsx[sheet]".
    """
    book = _load(file)
    problems: list[Problem] = []
    settings, setting_rows = _settings_from_sheet(book, file.name, problems)
    tables = {f"{ws.title}.csv": _sheet_rows(ws) for ws in book.worksheets
              if f"{ws.title}.csv" in TABLE_BY_FILE}
    problems.extend(_check_sheets(book, file.name))
    if problems:
        raise ScenarioError(sort_problems(problems))
    if dir.exists() and not dir.is_dir():
        raise ScenarioError([Problem(str(dir), None, None, "is not a folder; expected a folder")])
    dir.mkdir(parents=True, exist_ok=True)
    for name in SCENARIO_FILES:
        if name != SETTINGS_FILE and name not in tables:
            (dir / name).unlink(missing_ok=True)
    write_settings(dir / SETTINGS_FILE, settings)
    line_rows = {name: _write_rows(dir / name, rows) for name, rows in tables.items()}
    try:
        read_scenario(dir)
    except ScenarioError as exc:
        located = [_locate(p, file.name, line_rows, setting_rows) for p in exc.problems]
        raise ScenarioError(sort_problems(located)) from None


def _sheet(csv_file: str) -> str:
    """The sheet name of a CSV file."""
    return csv_file.removesuffix(".csv")


def _unstorable(tables: dict[str, list[tuple[int, list[str]]]],
                settings: dict[str, Any] | None) -> Iterator[Problem]:
    """Cells holding characters a workbook cannot keep (control characters, carriage returns)."""
    message = "holds a control character or carriage return; expected text Excel can store"
    for file, records in tables.items():
        header = records[0][1] if records else []
        for line, cells in records:
            for index, cell in enumerate(cells):
                if ILLEGAL_CHARACTERS_RE.search(cell) or "\r" in cell:
                    column = header[index] if index < len(header) else None
                    yield Problem(file, line, column, message)
    for key, value in _flatten(settings or {}):
        if isinstance(value, str) and (ILLEGAL_CHARACTERS_RE.search(value) or "\r" in value):
            yield Problem(SETTINGS_FILE, None, key, message)


def _flatten(data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Key/value pairs of nested TOML tables, keys dotted ('weights.floor')."""
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _settings_rows(settings: dict[str, Any]) -> list[list[Any]]:
    """Rows of the scenario sheet: header, then key, typed value, description."""
    rows: list[list[Any]] = [["key", "value", "description"]]
    for key, value in _flatten(settings):
        rows.append([key, _setting_cell(value), _setting_help(key)])
    return rows


def _setting_cell(value: Any) -> Any:
    """A TOML value as a cell: strings stay text, numbers and booleans stay typed."""
    if isinstance(value, bool) or (isinstance(value, float) and math.isfinite(value)):
        return value
    if isinstance(value, int) and abs(value) < 10**15:
        return value
    return value if isinstance(value, str) else str(value)


def _setting_help(key: str) -> str:
    """The description of a settings key for the scenario and README sheets."""
    if key in SETTINGS:
        return SETTINGS[key][2]
    weight = key.removeprefix("weights.")
    if weight in DEFAULT_WEIGHTS:
        return f"objective weight (default {DEFAULT_WEIGHTS[weight]:g})"
    return ""


def _fill(ws: Worksheet, rows: list[list[Any]], text_columns: Iterable[int]) -> None:
    """Write rows (header first) to `ws`, numbers where lossless, with a bold frozen header."""
    as_text = set(text_columns)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            typed = value if r == 1 or (c - 1) in as_text or not isinstance(value, str) \
                else cell_value(value)
            cell = ws.cell(row=r, column=c, value=typed)
            if isinstance(typed, str):
                cell.data_type = "s"  # text, even when it starts with '=' like a formula
            if r == 1:
                cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    _fit_columns(ws, rows)


def _fit_columns(ws: Worksheet, rows: list[list[Any]]) -> None:
    """Set column widths from the longest cell of the first rows, within readable bounds."""
    widths: dict[int, int] = {}
    for row in rows[:500]:
        for c, value in enumerate(row, start=1):
            longest = max((len(part) for part in str(value or "").split("\n")), default=0)
            widths[c] = max(widths.get(c, 0), longest)
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)


def _add_readme(ws: Worksheet) -> None:
    """A protected sheet describing every settings key and column, from schema.py."""
    rows: list[list[Any]] = [["sheet", "column", "type", "unit", "required", "default",
                              "choices", "description"]]
    for key, (kind, default, text) in SETTINGS.items():
        rows.append([SCENARIO_SHEET, key, kind.split(":")[0], "", _yes(default is None),
                     "" if default is None else str(default),
                     kind.partition(":")[2].replace(",", ", "), text])
    for key, weight in DEFAULT_WEIGHTS.items():
        rows.append([SCENARIO_SHEET, f"weights.{key}", "number", "", "no", f"{weight:g}", "",
                     "objective weight"])
    for table in TABLES:
        for column in table.columns:
            rows.append([_sheet(table.file), column.name, column.type, column.unit,
                         _yes(column.required), column.default or "",
                         ", ".join(column.choices), column.description])
    _fill(ws, rows, text_columns=range(8))
    ws.protection.sheet = True


def _yes(flag: bool) -> str:
    """A flag as the README sheet shows it."""
    return "yes" if flag else "no"


def _load(file: Path) -> Workbook:
    """Open the workbook `file` for reading values, as a ScenarioError if it cannot be."""
    if not file.is_file():
        raise ScenarioError([Problem(str(file), None, None, "does not exist; expected a .xlsx")])
    try:
        with warnings.catch_warnings():
            # Excel features openpyxl does not read (validations, extensions) are irrelevant.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(file, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        raise ScenarioError([Problem(str(file), None, None,
                                     f"not readable as an Excel workbook ({exc}); "
                                     "expected a .xlsx file")]) from None


def _check_sheets(book: Workbook, name: str) -> Iterator[Problem]:
    """Problems for unknown sheets and missing required ones."""
    known = [SCENARIO_SHEET, *(_sheet(t.file) for t in TABLES)]
    for ws in book.worksheets:
        if ws.title not in known and ws.title != README_SHEET:
            yield Problem(f"{name}[{ws.title}]", None, None,
                          f"unknown sheet; expected one of {', '.join(known)} or README")
    titles = set(book.sheetnames)
    for sheet in [SCENARIO_SHEET, *(_sheet(t.file) for t in TABLES if t.required)]:
        if sheet not in titles:
            yield Problem(name, None, None, f"missing sheet; expected a sheet named {sheet!r}")


def _sheet_rows(ws: Worksheet) -> list[list[str]]:
    """The rows of a table sheet as CSV cells: as wide as the header, trailing blank rows off."""
    rows = [[cell_text(v) for v in row] for row in ws.iter_rows(min_row=1, min_col=1,
                                                                    values_only=True)]
    while rows and not any(rows[-1]):
        rows.pop()
    width = _used(rows[0]) if rows else 0
    return [row[: max(width, _used(row))] + [""] * (width - len(row)) for row in rows]


def _used(row: list[str]) -> int:
    """The number of cells up to the last non-empty one."""
    return max((i + 1 for i, cell in enumerate(row) if cell), default=0)


def _write_rows(path: Path, rows: list[list[str]]) -> dict[int, int]:
    """Write rows as canonical CSV; return the sheet row of each record's first line."""
    out = io.StringIO()
    row_of_line: dict[int, int] = {}
    line = 1
    for number, row in enumerate(rows, start=1):
        record = io.StringIO()
        csv.writer(record, lineterminator="\n").writerow(row)  # as reader.write_raw_table
        text = record.getvalue()
        row_of_line[line] = number
        line += len(io.StringIO(text, newline="").readlines())
        out.write(text)
    path.write_bytes(out.getvalue().encode("utf-8"))
    return row_of_line


def _settings_from_sheet(book: Workbook, name: str,
                         problems: list[Problem]) -> tuple[dict[str, Any], dict[str, int]]:
    """The scenario sheet as a TOML dict, and the row of each key (for locating problems)."""
    data: dict[str, Any] = {}
    rows: dict[str, int] = {}
    if SCENARIO_SHEET not in book.sheetnames:
        return data, rows
    where = f"{name}[{SCENARIO_SHEET}]"
    sheet = book[SCENARIO_SHEET]
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        key = cell_text(row[0] if row else None).strip()
        value = row[1] if len(row) > 1 else None
        if not key or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key in rows:
            problems.append(Problem(where, number, key, f"key repeated; already on row "
                                    f"{rows[key]}, expected each key once"))
            continue
        rows[key] = number
        if not _insert(data, key, _setting_value(key, value)):
            problems.append(Problem(where, number, key, "key clashes with another key; "
                                    "expected a plain key or a table.key"))
    return data, rows


def _insert(data: dict[str, Any], dotted: str, value: Any) -> bool:
    """Put `value` at the dotted key in nested dicts; False when a key is both value and table."""
    *tables, key = dotted.split(".")
    for table in tables:
        data = data.setdefault(table, {})
        if not isinstance(data, dict):
            return False
    if key in data:
        return False
    data[key] = value
    return True


def _setting_value(key: str, value: Any) -> Any:
    """A scenario-sheet cell as the TOML value its key expects, when that is unambiguous."""
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        value = cell_text(value)  # a date typed into Excel: "YYYY-MM" when it is a month
    kind = SETTINGS[key][0] if key in SETTINGS else ""
    if key.startswith("weights."):
        text = cell_text(value).strip()
        is_number = not isinstance(value, bool) and _NUMBER.fullmatch(text) is not None
        return float(text) if is_number else value
    if kind == "int":
        text = cell_text(value).strip()
        return int(text) if not isinstance(value, bool) and _WHOLE.fullmatch(text) else value
    if kind and not isinstance(value, str):
        return cell_text(value)
    return value


def _locate(problem: Problem, book: str, line_rows: dict[str, dict[int, int]],
            setting_rows: dict[str, int]) -> Problem:
    """A problem found in the written folder, re-addressed to its sheet and row."""
    if problem.file == SETTINGS_FILE:
        row = setting_rows.get(problem.column or "")
        return Problem(f"{book}[{SCENARIO_SHEET}]", row, problem.column, problem.message)
    if problem.file in TABLE_BY_FILE:
        row = line_rows.get(problem.file, {}).get(problem.line or 0, problem.line)
        return Problem(f"{book}[{_sheet(problem.file)}]", row, problem.column, problem.message)
    return problem
