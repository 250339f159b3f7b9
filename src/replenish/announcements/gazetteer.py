"""Gazetteers of states and of organisations that are not states, in English and Danish.

`data/states.csv` maps every form of a state's name (name, genitive, Danish name, adjective)
to the state; a state is a nation of the scenario when its name matches a `nations.csv` name
(or code). `data/organisations.csv` lists alliances, ministries, governments, ministers and
spokespeople: never donors themselves.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from replenish.model import Nation

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in a text: its span and what it names."""

    start: int
    end: int
    #: the state's English name, or an organisation's kind ("alliance", "ministry", ...)
    name: str
    #: "state" or "organisation"
    kind: str
    #: a state's form is an adjective ("Aldorian", "aldoriske")
    adjective: bool = False


@dataclass(frozen=True)
class Gazetteer:
    """Forms of states and organisations, compiled, and the scenario's nations by state."""

    states: re.Pattern[str]
    adjectives: re.Pattern[str]
    organisations: re.Pattern[str]
    state_of_form: dict[str, str]
    kind_of_form: dict[str, str]
    #: English state name (lower case) -> the scenario nation it is
    nations: dict[str, Nation]

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """States and organisations in text[start:end], in order, longest form first."""
        end = len(text) if end is None else end
        found: list[Mention] = []
        for match in self.states.finditer(text, start, end):
            found.append(Mention(match.start(), match.end(),
                                 self.state_of_form[_plain(match.group())], "state"))
        for match in self.adjectives.finditer(text, start, end):
            state = self.state_of_form.get(_plain(match.group()).lower())
            if state is not None:
                found.append(Mention(match.start(), match.end(), state, "state", True))
        for match in self.organisations.finditer(text, start, end):
            found.append(Mention(match.start(), match.end(),
                                 self.kind_of_form[_plain(match.group()).lower()],
                                 "organisation"))
        return _without_overlaps(found)

    def nation(self, mention: Mention) -> Nation | None:
        """The scenario nation a state mention names, if any."""
        return self.nations.get(mention.name.lower()) if mention.kind == "state" else None


def read_gazetteer(nations: tuple[Nation, ...], folder: Path | None = None) -> Gazetteer:
    """The gazetteer of the package's data files (or `folder`'s), tied to `nations`."""
    state_of_form: dict[str, str] = {}
    names: list[str] = []
    adjectives: list[str] = []
    for row in _rows(folder, "states.csv"):
        if row["kind"] == "adjective":
            adjectives.append(row["form"])
            state_of_form[row["form"].lower()] = row["state"]
        else:
            names.append(row["form"])
            state_of_form[row["form"]] = row["state"]
    for nation in nations:  # a scenario's own names are always known
        for form in (nation.name, f"{nation.name}'s"):
            if form not in state_of_form:
                names.append(form)
                state_of_form[form] = nation.name
    kind_of_form = {row["form"].lower(): row["kind"] for row in _rows(folder, "organisations.csv")}
    by_name = {n.name.lower(): n for n in nations} | {n.code.lower(): n for n in nations}
    return Gazetteer(
        states=_alternation(names, flags=0),
        adjectives=_alternation(adjectives, flags=re.IGNORECASE),
        organisations=_alternation(list(kind_of_form), flags=re.IGNORECASE),
        state_of_form=state_of_form, kind_of_form=kind_of_form, nations=by_name)


def _rows(folder: Path | None, file: str) -> list[dict[str, str]]:
    """Rows of one data file, from `folder` or from the package."""
    source = (folder / file) if folder is not None else DATA / file
    with source.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row.get("form")]


def _alternation(forms: list[str], flags: int) -> re.Pattern[str]:
    """One pattern matching any of `forms` as whole words, longest first."""
    ordered = sorted(set(forms), key=len, reverse=True)
    body = "|".join(re.escape(form).replace("'", "['’]") for form in ordered) or r"(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", flags)


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Mentions in text order; where two overlap the longer one stays (one sweep, so a text
    of many megabytes costs no more than its length)."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept


def _plain(form: str) -> str:
    """A form as the data files write it (a typographic apostrophe made straight)."""
    return form.replace("’", "'")
