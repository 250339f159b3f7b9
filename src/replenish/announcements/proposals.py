"""The proposals folder: the one writer (`write_proposals`) and reader (`read_proposals`).

| file | columns |
|---|---|
| `pledges.csv` | `id,donor,recipient,item,family,quantity,month,status` (status `announced`) |
| `requirements.csv` | `id,recipient,item,family,quantity,needed_by,priority` |
| `orders.csv` | `id,nation,item,family,quantity,month,kind` (`order` from industry, `refill`) |
| `evidence.csv` | `proposal,file,sentence_start,sentence_end,` then `donor_start,donor_end` |
|   | and the same for recipient, item, quantity and date, then `rule,sentence` |
| `skipped.csv` | `file,sentence_start,sentence_end,reason,sentence` |
| `review.csv` | `proposal,decision,note` (decision `pending`, `edited`, `accepted`, `rejected`) |

Exactly one of item and family is set, as in a scenario; an unstated quantity is empty.
Offsets are characters of the loaded text (see text.py). For an order, `donor` is the buyer.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from replenish.announcements.extract import Proposal, Skipped
from replenish.announcements.resolve import Span
from replenish.errors import Problem, ScenarioError

PARTS = ("donor", "recipient", "item", "quantity", "date")
COLUMNS: dict[str, tuple[str, ...]] = {
    "pledges.csv": ("id", "donor", "recipient", "item", "family", "quantity", "month",
                    "status"),
    "requirements.csv": ("id", "recipient", "item", "family", "quantity", "needed_by",
                         "priority"),
    "orders.csv": ("id", "nation", "item", "family", "quantity", "month", "kind"),
    "evidence.csv": ("proposal", "file", "sentence_start", "sentence_end",
                     *(f"{part}_{end}" for part in PARTS for end in ("start", "end")),
                     "rule", "sentence"),
    "skipped.csv": ("file", "sentence_start", "sentence_end", "reason", "sentence"),
    "review.csv": ("proposal", "decision", "note"),
}
#: Proposal files by kind, and the id prefix of each.
FILE_OF_KIND = {"pledge": "pledges.csv", "requirement": "requirements.csv",
                "order": "orders.csv", "refill": "orders.csv"}
PREFIX = {"pledges.csv": "ANN-P", "requirements.csv": "ANN-R", "orders.csv": "ANN-O"}
PROPOSAL_FILES = ("pledges.csv", "requirements.csv", "orders.csv")
#: Priority given to a proposed requirement (the reviewer sets the real one).
DEFAULT_PRIORITY = "3"


@dataclass
class Proposals:
    """A proposals folder in memory: the rows of each file, as text, by column."""

    tables: dict[str, list[dict[str, str]]] = field(
        default_factory=lambda: {file: [] for file in COLUMNS})

    def find(self, proposal_id: str) -> tuple[str, dict[str, str]] | None:
        """The file and row of a proposal."""
        for file in PROPOSAL_FILES:
            for row in self.tables[file]:
                if row["id"] == proposal_id:
                    return file, row
        return None

    def decision(self, proposal_id: str) -> dict[str, str]:
        """The review row of a proposal."""
        return next(r for r in self.tables["review.csv"] if r["proposal"] == proposal_id)


def number_text(value: float | None) -> str:
    """A quantity as a cell: '4', '2.5', or empty when unstated."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{value:g}"


def build_proposals(proposals: Iterable[Proposal], skipped: Iterable[Skipped]) -> Proposals:
    """The folder's rows for what the texts yielded, numbered in reading order."""
    folder = Proposals()
    for p in proposals:
        file = FILE_OF_KIND[p.kind]
        pid = f"{PREFIX[file]}{len(folder.tables[file]) + 1:03d}"
        item, family = (p.item, "") if p.item else ("", p.family)
        quantity = number_text(p.quantity)
        month = p.month or ""
        row = {"pledges.csv": {"donor": p.donor or "", "recipient": p.recipient or "",
                               "month": month, "status": "announced"},
               "requirements.csv": {"recipient": p.recipient or "", "needed_by": month,
                                    "priority": DEFAULT_PRIORITY},
               "orders.csv": {"nation": p.donor or "", "month": month, "kind": p.kind},
               }[file]
        folder.tables[file].append({"id": pid, "item": item, "family": family,
                                    "quantity": quantity, **row})
        folder.tables["evidence.csv"].append(_evidence(pid, p))
        folder.tables["review.csv"].append({"proposal": pid, "decision": "pending", "note": ""})
    for s in skipped:
        folder.tables["skipped.csv"].append({
            "file": s.file, "sentence_start": str(s.sentence.start),
            "sentence_end": str(s.sentence.end), "reason": s.reason,
            "sentence": s.sentence.text})
    return folder


def _evidence(pid: str, p: Proposal) -> dict[str, str]:
    """The evidence row of a proposal: its sentence, each part's span and the rule."""
    row = {"proposal": pid, "file": p.file, "sentence_start": str(p.sentence.start),
           "sentence_end": str(p.sentence.end), "rule": p.rule, "sentence": p.sentence.text}
    spans: dict[str, Span | None] = {"donor": p.donor_span, "recipient": p.recipient_span,
                                     "item": p.item_span, "quantity": p.quantity_span,
                                     "date": p.date_span}
    for part, span in spans.items():
        row[f"{part}_start"] = str(span[0]) if span else ""
        row[f"{part}_end"] = str(span[1]) if span else ""
    return row


def write_proposals(folder: Path, proposals: Proposals) -> None:
    """Write every file of the proposals folder (UTF-8, '\\n' line ends)."""
    folder.mkdir(parents=True, exist_ok=True)
    for file, columns in COLUMNS.items():
        with (folder / file).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(proposals.tables[file])


def read_proposals(folder: Path) -> Proposals:
    """Read a proposals folder written by `write_proposals`; ScenarioError if it is not one."""
    if not folder.is_dir():
        raise ScenarioError([Problem(str(folder), None, None,
                                     "is not a folder of proposals (announcements read --out)")])
    proposals = Proposals()
    problems: list[Problem] = []
    for file, columns in COLUMNS.items():
        path = folder / file
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in columns if c not in (reader.fieldnames or ())]
                if missing:
                    problems.append(Problem(str(path), 1, missing[0], "expected the header "
                                            + ",".join(columns)))
                    continue
                proposals.tables[file] = [{c: row[c] or "" for c in columns} for row in reader]
        except FileNotFoundError:
            problems.append(Problem(str(path), None, None,
                                    "missing: expected a folder written by announcements read"))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(str(path), None, None, f"cannot be read: {exc}"))
    if problems:
        raise ScenarioError(problems)
    return proposals
