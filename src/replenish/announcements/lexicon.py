"""The item lexicon: words for materiel in English and Danish, mapped to the scenario's items.

Each data file (`data/items_en.csv`, `data/items_da.csv`, or the same names in a folder given
with `--lexicon`) has the columns `term,family,system`. `term` is a regular expression
(matched case-insensitively as whole words; write inflections and misspellings into it),
`family` the item family it names, and `system`, when set, the words of one item's name
("Skyguard", "155 mm guided round"): the item whose name holds all of them, if exactly one
does, is what the term names; otherwise its family. A term whose family the scenario does not
have is still found (so a sentence about tanks is not read as one about howitzers) but maps to
nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from replenish.announcements.gazetteer import DATA
from replenish.errors import Problem, ScenarioError
from replenish.model import Item

LEXICON_FILES = ("items_en.csv", "items_da.csv")


@dataclass(frozen=True, slots=True)
class Term:
    """One row of the lexicon, compiled."""

    pattern: re.Pattern[str]
    family: str
    system: str


@dataclass(frozen=True, slots=True)
class ItemMention:
    """Materiel named in a text: its span and what of the scenario it maps to."""

    start: int
    end: int
    family: str
    #: the scenario item, when the words name exactly one
    item: str | None
    #: the family is one of the scenario's
    known: bool


@dataclass(frozen=True)
class Lexicon:
    """The compiled terms and the scenario's items they map to."""

    terms: tuple[Term, ...]
    items: tuple[Item, ...]

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[ItemMention]:
        """Materiel named in text[start:end], longest match first, adjacent names merged."""
        end = len(text) if end is None else end
        found: list[ItemMention] = []
        for term in self.terms:
            for match in term.pattern.finditer(text, start, end):
                found.append(self._mention(term, match.start(), match.end()))
        kept: list[ItemMention] = []
        for mention in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
            if all(mention.end <= k.start or mention.start >= k.end for k in kept):
                kept.append(mention)
        return _merged(sorted(kept, key=lambda m: m.start), text)

    def _mention(self, term: Term, start: int, end: int) -> ItemMention:
        """A found term mapped to the scenario."""
        families = {item.family for item in self.items}
        item = None
        if term.system:
            words = term.system.lower().split()
            named = [i.code for i in self.items
                     if i.family == term.family and all(w in i.name.lower() for w in words)]
            item = named[0] if len(named) == 1 else None
        return ItemMention(start, end, term.family, item, term.family in families)


def read_lexicon(items: tuple[Item, ...], folder: Path | None = None) -> Lexicon:
    """The lexicon of the package's data files, or of `folder`'s, for the scenario `items`."""
    terms: list[Term] = []
    problems: list[Problem] = []
    for file in LEXICON_FILES:
        source = (folder / file) if folder is not None else DATA / file
        try:
            with source.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(source), None, None, f"cannot be read: {exc}"))
            continue
        for line, row in enumerate(rows, start=2):
            term = _term(row, str(source), line, problems)
            if term is not None:
                terms.append(term)
    if problems:
        raise ScenarioError(problems)
    return Lexicon(tuple(terms), items)


def _term(row: dict[str, str], file: str, line: int, problems: list[Problem]) -> Term | None:
    """One lexicon row compiled, or None with a problem recorded."""
    text, family = (row.get("term") or "").strip(), (row.get("family") or "").strip()
    if not text or not family:
        problems.append(Problem(file, line, "term" if not text else "family",
                                "expected a term and a family"))
        return None
    try:
        # "-systemer", "-missiler": Danish joins a name and a noun with a hyphen
        pattern = re.compile(rf"(?<![\w-])(?:{text})(?:-[^\W\d_]+)?(?![\w-])", re.IGNORECASE)
    except re.error as exc:
        problems.append(Problem(file, line, "term", f"not a regular expression: {exc}"))
        return None
    return Term(pattern, family, (row.get("system") or "").strip())


def _merged(mentions: list[ItemMention], text: str) -> list[ItemMention]:
    """Adjacent mentions of one family joined ("Skyguard air defence systems"), the item kept."""
    merged: list[ItemMention] = []
    for mention in mentions:
        last = merged[-1] if merged else None
        if (last is not None and last.family == mention.family
                and not text[last.end:mention.start].strip(" -")):
            merged[-1] = ItemMention(last.start, mention.end, last.family,
                                     last.item or mention.item, last.known)
        else:
            merged.append(mention)
    return merged
