"""Review proposals: edit a field, reject, or accept into a scenario folder.

Accepting appends rows to the scenario's pledges.csv (as `announced` pledges) or
requirements.csv, and only after the scenario with those rows appended has been read and
validated in a copy: the scenario is never rewritten, and never changed when a row is wrong.
Orders and refills are recorded for the demand signal; a scenario has no file for them.
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from replenish.announcements.proposals import COLUMNS, Proposals
from replenish.errors import Problem, ScenarioError
from replenish.scenario.reader import read_scenario
from replenish.scenario.schema import TABLES

_OPEN = ("pending", "edited")
_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def _lookup(proposals: Proposals, pid: str, flag: str) -> tuple[str, dict[str, str]]:
    """The file and row of proposal `pid`, or a ScenarioError naming the flag."""
    found = proposals.find(pid)
    if found is None:
        raise ScenarioError([Problem(flag, None, None, f"no proposal {pid!r}")])
    return found


def edit(proposals: Proposals, pid: str, assignment: str) -> None:
    """Apply `field=value` to proposal `pid` (any column but its id); it becomes 'edited'."""
    file, row = _lookup(proposals, pid, "--set")
    name, sep, value = assignment.partition("=")
    name, value = name.strip(), value.strip()
    columns = [c for c in COLUMNS[file] if c != "id"]
    problem = None
    if not sep or name not in columns:
        problem = f"expected FIELD=VALUE with FIELD one of {', '.join(columns)}"
    elif name == "quantity" and value and not _non_negative(value):
        problem = f"quantity {value!r} is not a non-negative number"
    elif name in ("month", "needed_by") and value and not _MONTH.fullmatch(value):
        problem = f"{name} {value!r} is not a month YYYY-MM"
    elif name in ("donor", "recipient", "nation", "item", "family") and value and (
            not _CODE.fullmatch(value)):
        problem = f"{value!r} is not a code"
    if problem:
        raise ScenarioError([Problem("--set", None, f"{pid} {name}", problem)])
    _check_open(proposals, pid, "--set")
    row[name] = value
    if name in ("item", "family") and value:  # exactly one of the two
        row["family" if name == "item" else "item"] = ""
    proposals.decision(pid)["decision"] = "edited"


def reject(proposals: Proposals, pid: str, note: str = "") -> None:
    """Mark proposal `pid` rejected."""
    _lookup(proposals, pid, "--reject")
    _check_open(proposals, pid, "--reject")
    proposals.decision(pid).update(decision="rejected", note=note)


def accept(proposals: Proposals, pids: Sequence[str], scenario: Path) -> list[str]:
    """Append proposals `pids` to `scenario` once validated; return the files appended to."""
    rows: dict[str, list[dict[str, str]]] = {}
    problems: list[Problem] = []
    for pid in pids:
        file, row = _lookup(proposals, pid, "--accept")
        _check_open(proposals, pid, "--accept")
        made = _scenario_row(file, row, problems)
        if made is not None:
            rows.setdefault(file, []).append(made)
    if problems:
        raise ScenarioError(problems)
    _validate_with(scenario, rows)
    for file, new in rows.items():
        _append(scenario / file, new)
    for pid in pids:
        proposals.decision(pid).update(decision="accepted", note=f"appended to {scenario}")
    return sorted(rows)


def _scenario_row(file: str, row: dict[str, str], problems: list[Problem]
                  ) -> dict[str, str] | None:
    """The scenario row of a proposal, or None with problems saying what to set first."""
    pid = row["id"]
    if file not in ("pledges.csv", "requirements.csv"):
        problems.append(Problem("--accept", None, pid, (
            f"{pid} is an {row.get('kind', 'order')} of a member for its own stocks: recorded "
            "for the demand signal, not a pledge or requirement; reject it or leave it")))
        return None
    needed = (("donor", "recipient", "item", "quantity", "month") if file == "pledges.csv"
              else ("recipient", "quantity", "needed_by", "priority"))
    for name in needed:
        if not row[name]:
            hint = (f" (it names the family {row['family']}: choose an item)"
                    if name == "item" and row["family"] else "")
            problems.append(Problem("--accept", None, f"{pid} {name}",
                                    f"{name} is not stated{hint}: set it first with "
                                    f"--set {pid} {name}=VALUE"))
    if file == "pledges.csv":
        return {k: row[k] for k in ("id", "donor", "recipient", "item", "quantity", "month")} | {
            "status": "announced"}
    return {k: row[k] for k in ("id", "recipient", "item", "family", "quantity", "needed_by",
                                "priority")}


def _validate_with(scenario: Path, rows: dict[str, list[dict[str, str]]]) -> None:
    """Read the scenario with `rows` appended, in a copy; raise its problems, if any."""
    read_scenario(scenario)  # the scenario itself must be valid before anything is added
    with tempfile.TemporaryDirectory(prefix="replenish-accept-") as tmp:
        copy = Path(shutil.copytree(scenario, Path(tmp) / "scenario"))
        for file, new in rows.items():
            _append(copy / file, new)
        try:
            read_scenario(copy)
        except ScenarioError as exc:
            raise ScenarioError([
                Problem(str(scenario / p.file) if not Path(p.file).is_absolute() else p.file,
                        p.line, p.column, p.message + " (in the rows accepted)")
                for p in exc.problems]) from None


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    """Append `rows` under the file's own header (written first if the file is new)."""
    if path.exists():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None) or []
        ends_open = path.read_bytes()[-1:] not in (b"\n", b"")
    else:
        header = next(t.names for t in TABLES if t.file == path.name)
        path.write_text(",".join(header) + "\n", encoding="utf-8")
        ends_open = False
    with path.open("a", encoding="utf-8", newline="") as handle:
        if ends_open:
            handle.write("\n")
        writer = csv.writer(handle, lineterminator="\n")
        for row in rows:
            writer.writerow([row.get(column.strip(), "") for column in header])


def _check_open(proposals: Proposals, pid: str, flag: str) -> None:
    """Refuse to change a proposal already accepted or rejected."""
    decision = proposals.decision(pid)["decision"]
    if decision not in _OPEN:
        raise ScenarioError([Problem(flag, None, pid, f"{pid} is already {decision}")])


def _non_negative(value: str) -> bool:
    """Whether `value` is a non-negative finite number."""
    try:
        number = float(value)
    except ValueError:
        return False
    return 0 <= number < float("inf")
