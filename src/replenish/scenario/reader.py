"""Read a scenario folder (CSV files and scenario.toml) into typed records.

Every problem in every file is collected before one ScenarioError is raised. Files are UTF-8
(a BOM is accepted). The canonical form, written by `write_raw_table` and `write_settings`
(UTF-8 without BOM, '\\n' line ends, minimal quoting), reads back byte for byte, which is what
makes the Excel round trip lossless.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import logging
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomli_w

from replenish.errors import Problem, ScenarioError
from replenish.model.records import DEFAULT_WEIGHTS, Scenario, Settings
from replenish.scenario import validate
from replenish.scenario.delivery import check_delivery
from replenish.scenario.schema import SETTINGS, TABLES, Table
from replenish.scenario.validate import ParsedTable, Row, convert_cell, expected, is_month

SETTINGS_FILE = "scenario.toml"
SCENARIO_FILES: tuple[str, ...] = (SETTINGS_FILE, *(t.file for t in TABLES))
#: CSV files replenish itself writes beside a scenario (`import oryx`): not scenario files,
#: but no mistake either.
COMPANION_FILES = frozenset({"import-report.csv", "import-corrections.csv"})

#: Notes on what a reader leaves alone (a CSV file it does not know); the command line prints
#: them on stderr.
log = logging.getLogger(__name__)

#: Records of a CSV file: (physical line where each starts, raw cells); blank lines left out.
RawRecords = list[tuple[int, list[str]]]

_TOML_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\(at end of document\)$")


def read_scenario(path: Path) -> Scenario:
    """Read and validate the scenario folder `path`; raise ScenarioError naming every problem."""
    _check_folder(path)
    note_unknown_files(path)
    problems: list[Problem] = []
    settings = _read_settings(path, problems)
    present = {table.file for table in TABLES if (path / table.file).is_file()}
    parsed = {}
    for table in TABLES:
        records = _read_table_records(path, table.file, table.required, problems)
        parsed[table.file] = parse_table(table.with_files(present), records, problems)
    validate.check_scenario(parsed, settings, problems)
    check_delivery(parsed, present, problems)
    if problems or settings is None:
        raise ScenarioError(sort_problems(problems))
    return validate.build_scenario(settings, parsed)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then line (file-level problems first)."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0))


def read_raw_records(path: Path) -> dict[str, RawRecords]:
    """The CSV files present in folder `path`, as raw records with their line numbers."""
    _check_folder(path)
    note_unknown_files(path)
    problems: list[Problem] = []
    tables: dict[str, RawRecords] = {}
    for table in TABLES:
        if (path / table.file).is_file():
            records = _load_csv(path / table.file, table.file, problems)
            if records is not None:
                tables[table.file] = records
    if problems:
        raise ScenarioError(sort_problems(problems))
    return tables


def unknown_file_notes(path: Path) -> list[str]:
    """A note for each CSV file in folder `path` that is not a scenario file (its rows would
    vanish unseen), naming the closest scenario file if one is close."""
    known = [name.removesuffix(".csv") for name in SCENARIO_FILES if name.endswith(".csv")]
    try:
        files = sorted(p.name for p in path.iterdir() if p.suffix.lower() == ".csv")
    except OSError:
        return []  # an unlistable folder: reading its files says why
    notes = []
    for file in files:
        if file.removesuffix(".csv") in known or file in COMPANION_FILES:
            continue
        # stems, not names: a shared ".csv" would make "notes.csv" close to "routes.csv"
        close = difflib.get_close_matches(file[:-4].lower(), known, n=1, cutoff=0.75)
        hint = f"did you mean {close[0]}.csv?" if close else "it is ignored"
        notes.append(f"{file} is not a scenario file; {hint}")
    return notes


def note_unknown_files(path: Path) -> None:
    """Log a warning for each CSV file of folder `path` that is not a scenario file (the note
    without the folder as `note`, so that a copy of the folder read again is not noted twice)."""
    for note in unknown_file_notes(path):
        log.warning("%s: %s", path, note, extra={"note": note})


def read_raw_tables(path: Path) -> dict[str, list[list[str]]]:
    """The CSV files present in folder `path`: file name -> rows of raw cells, header first."""
    return {file: [cells for _, cells in rows] for file, rows in read_raw_records(path).items()}


def read_settings_dict(path: Path) -> dict[str, Any]:
    """The parsed, unvalidated scenario.toml of folder `path` (ScenarioError if unreadable)."""
    _check_folder(path)
    problems: list[Problem] = []
    loaded = _load_toml(path / SETTINGS_FILE, problems)
    if loaded is None:
        raise ScenarioError(problems)
    return loaded[0]


def write_raw_table(path: Path, rows: Iterable[list[str]]) -> None:
    """Write `rows` as canonical CSV: UTF-8 without BOM, '\\n' line ends, minimal quoting."""
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)


def write_settings(path: Path, data: Mapping[str, Any]) -> None:
    """Write scenario.toml canonically with tomli_w."""
    path.write_bytes(tomli_w.dumps(dict(data)).encode("utf-8"))


def _check_folder(path: Path) -> None:
    """Refuse a path that is not an existing folder, as a clean ScenarioError."""
    if not path.exists():
        raise ScenarioError([Problem(str(path), None, None,
                                     "does not exist; expected a scenario folder")])
    if not path.is_dir():
        raise ScenarioError([Problem(str(path), None, None,
                                     "is not a folder; expected a scenario folder")])


def _read_table_records(folder: Path, file: str, required: bool,
                        problems: list[Problem]) -> RawRecords | None:
    """Records of one table; [] for a missing optional file, None for a missing required one."""
    if not (folder / file).is_file():
        if required:
            problems.append(Problem(file, None, None,
                                    f"missing required file; expected {file} in the folder"))
            return None
        return []
    return _load_csv(folder / file, file, problems)


def _decode(data: bytes, file: str, problems: list[Problem]) -> str | None:
    """UTF-8 text of `data` (BOM dropped), or None with a problem naming the line."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(file, line, None,
                                f"byte 0x{data[exc.start]:02x} is not UTF-8 text; "
                                "expected the file saved as UTF-8"))
        return None


def _read_bytes(path: Path, file: str, problems: list[Problem]) -> bytes | None:
    """The bytes of `path`, or None with a problem if the system refuses to read it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        problems.append(Problem(file, None, None, f"cannot be read ({exc.strerror})"))
        return None


def _load_csv(path: Path, file: str, problems: list[Problem]) -> RawRecords | None:
    """Parse one CSV file into records with their starting line; None if unreadable."""
    data = _read_bytes(path, file, problems)
    text = None if data is None else _decode(data, file, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    records: RawRecords = []
    previous = 0
    try:
        for cells in reader:
            if cells:
                records.append((previous + 1, cells))
            previous = reader.line_num
    except csv.Error as exc:
        problems.append(Problem(file, reader.line_num or 1, None,
                                f"not readable as CSV ({exc}); expected comma-separated text"))
        return None
    return records


def parse_table(table: Table, records: list[tuple[int, list[str]]] | None,
                problems: list[Problem]) -> ParsedTable:
    """Convert the raw records of one file (header first); None means the file is unusable."""
    if records is None:
        return ParsedTable(table, usable=False)
    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not records:
        if table.required:
            problems.append(Problem(table.file, 1, None, "no header row; expected the columns "
                                    + ",".join(table.names)))
        return ParsedTable(table, usable=not table.required)
    header_line, header = records[0]
    positions, usable = _read_header(table, header_line, header, problems)
    parsed = ParsedTable(table, usable=usable)
    for line, cells in records[1:]:
        parsed.rows.append(Row(line, _convert_row(table, positions, line, cells, problems)))
        extra = [c for c in cells[len(header):] if c.strip()]
        if extra:
            problems.append(Problem(table.file, line, None,
                                    f"{len(cells)} cells but the header has {len(header)}; "
                                    "expected no more cells than header columns"))
    return parsed


def _read_header(table: Table, line: int, header: list[str],
                 problems: list[Problem]) -> tuple[dict[str, int], bool]:
    """Column positions of the declared columns, and whether every required one is there."""
    names = [cell.strip() for cell in header]
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in positions and name in table.names:
            problems.append(Problem(table.file, line, name,
                                    f"column appears twice; expected it once (first at "
                                    f"position {positions[name] + 1})"))
        positions.setdefault(name, index)
    missing = [c.name for c in table.columns if c.required and c.name not in positions]
    for name in missing:
        problems.append(Problem(table.file, line, name, "missing column; expected a header "
                                "with " + ",".join(table.names)))
    return positions, not missing


def _convert_row(table: Table, positions: dict[str, int], line: int, cells: list[str],
                 problems: list[Problem]) -> dict[str, Any]:
    """The converted cells of one row; bad or empty required cells are reported and left out."""
    values: dict[str, Any] = {}
    for column in table.columns:
        index = positions.get(column.name)
        if index is None and column.required:
            continue
        text = cells[index].strip() if index is not None and index < len(cells) else ""
        if not text:
            if column.required:
                problems.append(Problem(table.file, line, column.name,
                                        f"empty cell; expected {expected(column)}"))
            else:
                values[column.name] = (None if column.default is None
                                       else convert_cell(column, column.default))
            continue
        try:
            values[column.name] = convert_cell(column, text)
        except ValueError as exc:
            problems.append(Problem(table.file, line, column.name, str(exc)))
    return values


def _load_toml(path: Path, problems: list[Problem]) -> tuple[dict[str, Any], str] | None:
    """The parsed scenario.toml and its text, or None with a problem."""
    if not path.is_file():
        problems.append(Problem(SETTINGS_FILE, None, None,
                                "missing required file; expected scenario.toml with "
                                "name, start and horizon_months"))
        return None
    return load_toml(path, SETTINGS_FILE, problems)


def load_toml(path: Path, file: str, problems: list[Problem]
              ) -> tuple[dict[str, Any], str] | None:
    """The parsed TOML file at `path` (named `file` in problems) and its text, or None with a
    problem (unreadable, not UTF-8, not valid TOML: with its line and column)."""
    data = _read_bytes(path, file, problems)
    text = None if data is None else _decode(data, file, problems)
    if text is None:
        return None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        line = int(where.group(1)) if where else text.count("\n") + 1
        column = where.group(2) if where else None
        reason = _TOML_END.sub("", _TOML_WHERE.sub("", message)).strip()
        problems.append(Problem(file, line, column,
                                f"not valid TOML: {reason}; expected key = value lines"))
    except RecursionError:
        problems.append(Problem(file, None, None, "not valid TOML: nested too deeply"))
    return None


def _read_settings(folder: Path, problems: list[Problem]) -> Settings | None:
    """Validated settings of scenario.toml, or None (with problems) if they are unusable."""
    loaded = _load_toml(folder / SETTINGS_FILE, problems)
    if loaded is None:
        return None
    data, text = loaded
    found: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "weights":
            continue
        if key not in SETTINGS:
            found.append(_setting_problem(text, key, f"unknown key; expected one of "
                                                     f"{', '.join(SETTINGS)} or [weights]"))
            continue
        message = _setting_error(key, value)
        if message:
            found.append(_setting_problem(text, key, message))
        else:
            values[key] = value
    for key, (_, default, _) in SETTINGS.items():
        if key not in data and default is None:
            found.append(Problem(SETTINGS_FILE, None, key, f"missing key; expected {key} = ..."))
    weights = _read_weights(data.get("weights", {}), text, found)
    problems.extend(found)
    if found:
        return None
    return Settings(weights=weights, **values)


def _setting_error(key: str, value: Any) -> str | None:
    """Why `value` is not valid for settings key `key`, or None."""
    kind = SETTINGS[key][0]
    if kind.startswith("enum:"):
        choices = kind.removeprefix("enum:").split(",")
        ok = value in choices
        wanted = "one of " + ", ".join(f'"{c}"' for c in choices)
    elif kind == "int":
        low = 1 if key == "horizon_months" else 0
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
        wanted = "a positive integer" if low else "a non-negative integer"
    elif kind == "month":
        ok = isinstance(value, str) and is_month(value)
        wanted = 'a month as "YYYY-MM"'
    else:
        ok = isinstance(value, str)
        wanted = "a quoted string"
    return None if ok else f"expected {wanted}, got {toml_shown(value)}"


def _read_weights(raw: Any, text: str, problems: list[Problem]) -> dict[str, float]:
    """The [weights] table as floats; problems for unknown keys and bad values."""
    if not isinstance(raw, dict):
        problems.append(_setting_problem(text, "weights", "expected a [weights] table"))
        return {}
    weights: dict[str, float] = {}
    for key, value in raw.items():
        if key not in DEFAULT_WEIGHTS:
            problems.append(_setting_problem(
                text, f"weights.{key}",
                f"unknown weight; expected one of {', '.join(DEFAULT_WEIGHTS)}"))
        elif (isinstance(value, bool) or not isinstance(value, int | float)
              or not math.isfinite(value) or value < 0):
            problems.append(_setting_problem(
                text, f"weights.{key}",
                f"expected a non-negative number, got {toml_shown(value)}"))
        else:
            weights[key] = float(value)
    return weights


def _setting_problem(text: str, key: str, message: str) -> Problem:
    """A problem on settings key `key` (dotted for tables), at the line where it is written."""
    return Problem(SETTINGS_FILE, key_line(text, key), key, message)


def key_line(text: str, dotted: str) -> int | None:
    """The line of a TOML text where `dotted` (e.g. 'weights.floor') is assigned, if found."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1)
            continue
        assigned = re.match(r"\s*([A-Za-z0-9_.\"' -]+?)\s*=", line)
        if assigned:
            name = assigned.group(1).replace('"', "").replace("'", "").replace(" ", "")
            full = f"{current}.{name}" if current else name
            if full == dotted:
                return number
    return None


def toml_shown(value: Any) -> str:
    """A short rendering of a TOML value for a message."""
    shown = repr(value) if isinstance(value, str) else str(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
