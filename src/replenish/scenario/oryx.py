"""Import the public Oryx list of heavy equipment supplied to Ukraine as a scenario folder.

The list is real and dirty. Every data row is either imported or reported with a reason in
`import-report.csv`; nothing is dropped silently and nothing is invented: members' stocks are
unknown (stocks.csv holds only its header) and every unit_cost is 0. Names are classified by
the project's table `oryx_families.csv` (pattern -> family, kind, corrected vehicle_type and the
munitions of that calibre, read from the name itself).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from replenish.errors import Problem, ScenarioError
from replenish.model.months import parse_month
from replenish.model.records import (
    Compatibility,
    Fielded,
    Item,
    Nation,
    Pledge,
    Scenario,
    Settings,
)
from replenish.scenario.writer import write_scenario

FAMILIES_CSV = Path(__file__).with_name("oryx_families.csv")
SCENARIO_NAME = "Oryx: heavy equipment supplied to Ukraine (public data)"
RECIPIENT = "UA"
REPORT_FILE = "import-report.csv"
CORRECTIONS_FILE = "import-corrections.csv"
COLUMNS = ("id", "vehicle_name", "vehicle_type", "supplier", "supplier_abbr", "recipient",
           "recipient_abbr", "count", "is_delivered")
MUNITION_FAMILY = "ammunition"

#: Why a row is not imported, in the order the checks run (a row gets the first that applies).
REASONS: dict[str, str] = {
    "malformed_row": "the row does not have one field per header column",
    "count_zero": "count is 0 (the scraper failed to parse a number)",
    "count_unparseable": "count is not a whole non-negative number",
    "empty_name": "the vehicle name is empty once cleaned",
    "supplier_none": "supplier NONE: no supplying nation is known",
    "supplier_nato": "supplier NATO: an alliance, not a member nation",
    "supplier_missing": "no supplier",
    "recipient_not_ukraine": "supplied to a recipient other than Ukraine",
    "bad_id": "the row id is empty or cannot be part of a code",
    "duplicate_id": "the id was already used by an earlier row",
    "delivery_unparseable": "is_delivered is not True or False",
    "unmapped_name": "no pattern of oryx_families.csv matches the name",
    "munition": "a munition (missile, loitering munition), not a platform in service",
    "count_from_name": "the count equals a number of two or more digits in the name (misparse)",
}

_CODE_CHARS = re.compile(r"[^A-Za-z0-9_.-]+")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_NUMBER = re.compile(r"\d{2,}")


@dataclass(frozen=True, slots=True)
class Family:
    """One row of oryx_families.csv: how names matching `pattern` are classified."""

    line: int
    pattern: re.Pattern[str]
    family: str
    kind: str
    corrected_type: str
    munitions: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class Rejection:
    """A data row not imported, and why (`reason` is a key of REASONS)."""

    row: int
    id: str
    vehicle_name: str
    supplier: str
    count: str
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Correction:
    """An imported row whose Oryx vehicle_type label is wrong."""

    row: int
    id: str
    vehicle_name: str
    vehicle_type: str
    corrected_type: str
    note: str


@dataclass(frozen=True)
class ImportReport:
    """What an Oryx import did: the scenario written, rows rejected and labels corrected."""

    source: Path
    out_dir: Path
    total_rows: int
    imported: int
    scenario: Scenario
    rejected: tuple[Rejection, ...] = ()
    corrections: tuple[Correction, ...] = ()

    @property
    def report_path(self) -> Path:
        return self.out_dir / REPORT_FILE

    @property
    def corrections_path(self) -> Path:
        return self.out_dir / CORRECTIONS_FILE

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        """Number of rejected rows per reason, in the order of REASONS, omitting zeros."""
        counts = Counter(r.reason for r in self.rejected)
        return {reason: counts[reason] for reason in REASONS if counts[reason]}


@dataclass
class _Accepted:
    """A row that passed every check, with its cleaned fields."""

    row: int
    id: str
    name: str
    vehicle_type: str
    supplier: str
    supplier_abbr: str
    quantity: int
    delivered: bool
    family: Family


@dataclass
class _Sorted:
    accepted: list[_Accepted] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    recipient_name: str = "Ukraine"


def clean_name(text: str) -> str:
    """The vehicle name without the scraper's stray quotes and asterisks, spaces collapsed."""
    return " ".join(re.sub(r"[*'\"]", "", text).split())


def sanitise_code(text: str) -> str:
    """A code ([A-Za-z0-9_.-]{1,64}) from free text: accents dropped, other runs -> '_'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _CODE_CHARS.sub("_", ascii_text).strip("_")[:64]


def _unique(code: str, taken: set[str]) -> str:
    """`code` (or 'item' if empty), suffixed -2, -3, ... until not in `taken`; then taken."""
    base = code or "item"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: 64 - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


def read_families(path: Path = FAMILIES_CSV) -> list[Family]:
    """Read the mapping table; every bad row is reported with its line."""
    rows = _read_csv(path, ("pattern", "family", "kind", "corrected_type", "munitions", "note"))
    families: list[Family] = []
    problems: list[Problem] = []
    for line, row in rows:
        if row is None:
            problems.append(Problem(path.name, line, None, "expected one field per column"))
            continue
        pattern, family, kind, corrected, munitions, note = row
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            problems.append(Problem(path.name, line, "pattern", f"bad regex: {exc}"))
            continue
        codes = tuple(m for m in munitions.split(";") if m)
        if kind not in ("platform", "munition"):
            problems.append(Problem(path.name, line, "kind", "expected platform or munition"))
        for column, value in [("family", family), *(("munitions", c) for c in codes)]:
            if not _CODE.match(value):
                problems.append(Problem(path.name, line, column, f"{value!r} is not a code"))
        families.append(Family(line, regex, family, kind, corrected, codes, note))
    if problems:
        raise ScenarioError(problems)
    return families


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, list[str] | None]]:
    """Rows of a UTF-8 CSV as (line, fields in `required` order), fields None where the row
    does not have one field per header column; ScenarioError if the file cannot be read or
    lacks a required column."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as exc:
        problem = Problem(str(path), None, None, f"cannot read: {exc.strerror or exc}")
        raise ScenarioError([problem]) from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ScenarioError([Problem(str(path), line, None, "not UTF-8 text")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise ScenarioError([Problem(str(path), 1, None,
                                         f"missing column(s) {', '.join(missing)}; expected "
                                         f"a header with {', '.join(required)}")])
        order = [header.index(c) for c in required]
        return [(reader.line_num, [r[i] for i in order] if len(r) == len(header) else None)
                for r in reader]
    except csv.Error as exc:
        raise ScenarioError([Problem(str(path), reader.line_num, None, str(exc))]) from None


def _check_row(fields: list[str], accepted_ids: dict[str, int],
               families: list[Family]) -> Family | tuple[str, str]:
    """The family of a row that passes every check, or (reason, detail) for the first failed."""
    id_, raw_name, _, supplier, abbr, _, recipient_abbr, count_text, delivered = fields
    count_text = count_text.strip()
    if not re.fullmatch(r"\d+", count_text, re.ASCII):
        return "count_unparseable", f"count {count_text!r}"
    count = int(count_text)
    if count == 0:
        return "count_zero", ""
    name = clean_name(raw_name)
    if not name:
        return "empty_name", ""
    if supplier.strip().upper() in ("NONE", "NATO"):
        return f"supplier_{supplier.strip().lower()}", ""
    if not supplier.strip() or not sanitise_code(abbr or supplier):
        return "supplier_missing", ""
    if recipient_abbr.strip() != RECIPIENT:
        return "recipient_not_ukraine", f"recipient {recipient_abbr.strip()!r}"
    id_ = id_.strip()
    if not id_ or sanitise_code(id_) != id_:
        return "bad_id", f"id {id_!r}"
    if id_ in accepted_ids:
        return "duplicate_id", f"id {id_} already imported from line {accepted_ids[id_]}"
    if delivered.strip().lower() not in ("true", "false"):
        return "delivery_unparseable", f"is_delivered {delivered!r}"
    family = next((f for f in families if f.pattern.search(name)), None)
    if family is None:
        return "unmapped_name", ""
    if family.kind != "platform":
        return "munition", f"family {family.family}"
    if str(count) in _NUMBER.findall(name):
        return "count_from_name", f"count {count} appears in the name"
    return family


def _sort_rows(path: Path, families: list[Family]) -> tuple[_Sorted, int]:
    """Every data row of the Oryx CSV, accepted or rejected; and the number of data rows."""
    rows = _read_csv(path, COLUMNS)
    result = _Sorted()
    ids: dict[str, int] = {}
    for line, fields in rows:
        if fields is None:
            result.rejected.append(Rejection(line, "", "", "", "", "malformed_row"))
            continue
        outcome = _check_row(fields, ids, families)
        id_, name, type_, supplier, abbr, recipient, _, count, delivered = fields
        if isinstance(outcome, Family):
            ids[id_.strip()] = line
            result.accepted.append(_Accepted(
                line, id_.strip(), clean_name(name), type_, supplier.strip(), abbr.strip(),
                int(count), delivered.strip().lower() == "true", outcome))
            result.recipient_name = recipient.strip() or result.recipient_name
        else:
            result.rejected.append(Rejection(line, id_, name, supplier, count, *outcome))
    return result, len(rows)


def _build_items(accepted: list[_Accepted], families: list[Family]
                 ) -> tuple[dict[str, str], list[Item], list[Compatibility]]:
    """Platform items (one per cleaned name), the munitions their names imply, compatibility."""
    taken = {m for f in families for m in f.munitions}  # munition codes are reserved
    code_of: dict[str, str] = {}
    platforms: list[Item] = []
    munitions: dict[str, Item] = {}
    links: list[Compatibility] = []
    for row in accepted:
        if row.name in code_of:
            continue
        code = code_of[row.name] = _unique(sanitise_code(row.name), taken)
        platforms.append(Item(code, row.name, row.family.family, "platform", 0.0, True))
        for munition in row.family.munitions:
            munitions.setdefault(munition, Item(munition, munition.replace("-", " "),
                                                MUNITION_FAMILY, "munition", 0.0, False))
            links.append(Compatibility(munition, code))
    return code_of, platforms + list(munitions.values()), links


def _build_scenario(sorted_rows: _Sorted, families: list[Family], start: str,
                    horizon_months: int) -> Scenario:
    """The scenario records of the accepted rows."""
    accepted = sorted_rows.accepted
    code_of, items, links = _build_items(accepted, families)
    nation_of: dict[str, str] = {}
    taken = {RECIPIENT}
    for row in accepted:
        if row.supplier not in nation_of:
            nation_of[row.supplier] = _unique(sanitise_code(row.supplier_abbr or row.supplier),
                                              taken)
    nations = [Nation(code, name, "member") for name, code in nation_of.items()]
    nations.append(Nation(RECIPIENT, sorted_rows.recipient_name, "recipient"))
    fielded: dict[str, float] = {}
    pledges: list[Pledge] = []
    for row in accepted:
        item = code_of[row.name]
        if row.delivered:
            fielded[item] = fielded.get(item, 0.0) + row.quantity
        else:
            pledges.append(Pledge(f"oryx-{row.id}", nation_of[row.supplier], RECIPIENT, item,
                                  float(row.quantity), 0, "announced"))
    return Scenario(
        settings=Settings(SCENARIO_NAME, start, horizon_months),
        nations=tuple(nations),
        items=tuple(items),
        stocks=(),
        compatibility=tuple(links),
        pledges=tuple(pledges),
        fielded=tuple(Fielded(RECIPIENT, p, q) for p, q in fielded.items()),
    )


def _corrections(accepted: list[_Accepted]) -> list[Correction]:
    """Imported rows whose vehicle_type differs from the mapping's corrected_type."""
    return [Correction(r.row, r.id, r.name, r.vehicle_type, r.family.corrected_type,
                       r.family.note)
            for r in accepted
            if r.family.corrected_type and r.vehicle_type != r.family.corrected_type]


def _write_rows(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    """Write a small CSV report with "\\n" line endings."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _check_settings(start: str, horizon_months: int) -> None:
    """Refuse a bad start month or horizon as input errors."""
    problems = []
    try:
        parse_month(start)
    except ValueError as exc:
        problems.append(Problem("--start", None, None, str(exc)))
    if horizon_months < 1:
        problems.append(Problem("--horizon", None, None, "expected at least 1 month"))
    if problems:
        raise ScenarioError(problems)


def import_oryx(csv_path: Path, out_dir: Path, start: str = "2022-03",
                horizon_months: int = 24, families: Path = FAMILIES_CSV) -> ImportReport:
    """Write the Oryx CSV as a scenario folder plus import-report.csv and
    import-corrections.csv; every data row is imported or reported, never both."""
    csv_path, out_dir = Path(csv_path), Path(out_dir)
    _check_settings(start, horizon_months)
    table = read_families(families)
    sorted_rows, total = _sort_rows(csv_path, table)
    accepted, rejected = sorted_rows.accepted, sorted_rows.rejected
    assert len(accepted) + len(rejected) == total, "a row was neither imported nor reported"
    scenario = _build_scenario(sorted_rows, table, start, horizon_months)
    corrections = _corrections(accepted)
    write_scenario(scenario, out_dir)
    _write_rows(out_dir / REPORT_FILE,
                ("row", "id", "vehicle_name", "supplier", "count", "reason", "detail"),
                ((r.row, r.id, r.vehicle_name, r.supplier, r.count, r.reason, r.detail)
                 for r in rejected))
    _write_rows(out_dir / CORRECTIONS_FILE,
                ("row", "id", "vehicle_name", "vehicle_type", "corrected_type", "note"),
                ((c.row, c.id, c.vehicle_name, c.vehicle_type, c.corrected_type, c.note)
                 for c in corrections))
    return ImportReport(csv_path, out_dir, total, len(accepted), scenario, tuple(rejected),
                        tuple(corrections))
