"""Precision and recall of `announcements read`, per field, on the project's test texts.

    .venv/bin/python bench/announcements.py [--texts DIR...] [--scenario DIR]

Reads every text of each DIR (default: tests/announcements/texts and its heldout, heldout2
and heldout3 folders) against the demo scenario and compares with DIR/expected.csv, written
by hand before the reader was run on it. A proposal is matched to an expected one of
the same file and kind whose item words are the same words at the same place of the text.
For each field, a true positive is a matched proposal with the expected non-empty value; a
false positive a non-empty value that is not one (unmatched proposals included); a false
negative an expected non-empty value not found.
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
from collections import Counter
from pathlib import Path

from replenish.announcements.reading import make_reader
from replenish.announcements.text import Text, load_text
from replenish.scenario.reader import read_scenario

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "tests/announcements/texts"
FIELDS = ("donor", "recipient", "item_or_family", "quantity", "month", "status")


def predicted(texts: Path, scenario: Path) -> list[dict[str, str]]:
    """Every proposal of the texts, as rows with the words of its item."""
    reader = make_reader(read_scenario(scenario))
    rows = []
    for path in sorted(texts.iterdir()):
        if path.suffix not in (".txt", ".html"):
            continue
        text = load_text(path)
        assert isinstance(text, Text), text
        for p in reader.read(text).proposals:
            start, end = p.item_span or (0, 0)
            rows.append({"file": path.name, "kind": p.kind, "donor": p.donor or "",
                         "recipient": p.recipient or "",
                         "item_or_family": p.item or p.family,
                         "quantity": f"{p.quantity:g}" if p.quantity is not None else "",
                         "month": p.month or "",
                         "status": "announced" if p.kind == "pledge" else "",
                         "key": f"{start}:{text.text[start:end]}"})
    return rows


def expected(texts: Path) -> list[dict[str, str]]:
    """The hand-written expected proposals, keyed like `predicted` rows."""
    rows = []
    with (texts / "expected.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = load_text(texts / row["file"])
            assert isinstance(text, Text), text
            start = text.text.index(row["item_words"].partition("@")[0])
            rows.append({**row, "item_or_family": row["item"] or row["family"],
                         "status": "announced" if row["kind"] == "pledge" else "",
                         "key": f"{start}:{row['item_words'].partition('@')[0]}"})
    return rows


def score(pred: list[dict[str, str]], gold: list[dict[str, str]]) -> dict[str, Counter[str]]:
    """True positives, false positives and false negatives per field (and per proposal); each
    expected proposal is matched to at most one proposed."""
    unmatched = list(gold)
    counts: dict[str, Counter[str]] = {f: Counter() for f in ("proposal", *FIELDS)}
    for p in pred:
        g = next((g for g in unmatched if _key(g) == _key(p)), None)
        if g is not None:
            unmatched.remove(g)
        counts["proposal"]["tp" if g else "fp"] += 1
        for field in FIELDS:
            if g is not None and p[field] and p[field] == g[field]:
                counts[field]["tp"] += 1
            elif p[field]:
                counts[field]["fp"] += 1
            if g is not None and g[field] and p[field] != g[field]:
                counts[field]["fn"] += 1
    for g in unmatched:
        counts["proposal"]["fn"] += 1
        for field in FIELDS:
            counts[field]["fn"] += 1 if g[field] else 0
    return counts


def _key(row: dict[str, str]) -> tuple[str, str, str]:
    """What matches a proposal to an expected one: file, kind, item words and their place."""
    return row["file"], row["kind"], row["key"]


def table(title: str, counts: dict[str, Counter[str]]) -> None:
    """Print one markdown table of counts, precision and recall per field."""
    print(f"\n{title}\n")
    print("| field | TP | FP | FN | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for field, c in counts.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
        print(f"| {field} | {c['tp']} | {c['fp']} | {c['fn']} | {precision:.2f} | {recall:.2f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=Path, nargs="+", default=[
        TEXTS, TEXTS / "heldout", TEXTS / "heldout2", TEXTS / "heldout3"])
    parser.add_argument("--scenario", type=Path, default=ROOT / "examples/coalition")
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}")
    total: dict[str, Counter[str]] = {}
    for folder in args.texts:
        pred, gold = predicted(folder, args.scenario), expected(folder)
        counts = score(pred, gold)
        for field, c in counts.items():
            total[field] = total.get(field, Counter()) + c
        files = len([p for p in folder.iterdir() if p.suffix in (".txt", ".html")])
        table(f"{folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}: "
              f"{files} texts, {len(gold)} expected proposals, {len(pred)} proposed", counts)
        left = list(gold)
        for p in pred:
            g = next((g for g in left if _key(g) == _key(p)), None)
            if g is None:
                print("extra:", *_key(p), file=sys.stderr)
            else:
                left.remove(g)
        for g in left:
            print("missed:", *_key(g), file=sys.stderr)
    if len(args.texts) > 1:
        table("all sets together", total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
