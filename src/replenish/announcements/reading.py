"""Read statements against a scenario: every file checked first, then each one read."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from replenish.announcements.extract import Proposal, Reader, Skipped
from replenish.announcements.gazetteer import read_gazetteer
from replenish.announcements.lexicon import read_lexicon
from replenish.announcements.proposals import Proposals, build_proposals
from replenish.announcements.text import Text, decode_text, load_text
from replenish.errors import Problem, ScenarioError
from replenish.model import Item, Nation, Scenario


def make_reader(scenario: Scenario, lexicon: Path | None = None) -> Reader:
    """A reader with the package's gazetteers and the lexicon (of `lexicon` if given)."""
    return reader_for(scenario.nations, scenario.items, lexicon)


def reader_for(nations: Sequence[Nation], items: Sequence[Item],
               lexicon: Path | None = None) -> Reader:
    """A reader for these nations and items (a scenario's, or a store's)."""
    return Reader(read_gazetteer(tuple(nations)), read_lexicon(tuple(items), lexicon))


def read_files(files: Sequence[Path], scenario: Scenario, encoding: str = "utf-8",
               lexicon: Path | None = None) -> Proposals:
    """The proposals of `files`; ScenarioError naming every file that is not a statement."""
    texts: list[Text] = []
    problems: list[Problem] = []
    for path in files:
        loaded = load_text(path, encoding)
        if isinstance(loaded, Problem):
            problems.append(loaded)
        else:
            texts.append(loaded)
    if problems:
        raise ScenarioError(problems)
    return read_texts(texts, make_reader(scenario, lexicon))


def read_bodies(bodies: Sequence[tuple[str, bytes]], reader: Reader) -> Proposals:
    """The proposals of texts given as (name, bytes), as the API receives them."""
    texts: list[Text] = []
    problems: list[Problem] = []
    for name, data in bodies:
        decoded = decode_text(name, data)
        if isinstance(decoded, Problem):
            problems.append(decoded)
        else:
            texts.append(decoded)
    if problems:
        raise ScenarioError(problems)
    return read_texts(texts, reader)


def read_texts(texts: Sequence[Text], reader: Reader) -> Proposals:
    """The proposals of loaded texts, numbered across all of them in order."""
    proposals: list[Proposal] = []
    skipped: list[Skipped] = []
    for text in texts:
        reading = reader.read(text)
        proposals += reading.proposals
        skipped += reading.skipped
    return build_proposals(proposals, skipped)
