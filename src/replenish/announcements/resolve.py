"""Resolve the parts of an announcement: the speaker's country, donor, recipient, quantity and
month, each with the span of the words it came from."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from replenish.announcements import patterns
from replenish.announcements.gazetteer import Gazetteer, Mention
from replenish.model import Nation

#: A span of the text: (start, end) character offsets.
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Found:
    """A nation resolved from the text, with the words that named it."""

    nation: Nation
    span: Span


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why no donor (or needing nation) could be taken from the words before a cue."""

    reason: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Dated:
    """A month (YYYY-MM) and the words it came from."""

    month: str
    span: Span


@dataclass(frozen=True, slots=True)
class TextFacts:
    """What holds for a whole text: its language, dateline, speaker and main recipient."""

    language: str
    dateline: Dated | None
    speaker: Found | None
    recipient: Found | None


def read_facts(text: str, gazetteer: Gazetteer) -> TextFacts:
    """Language, dateline (first date of the text), speaker and most named recipient."""
    mentions = gazetteer.find(text)
    return TextFacts(patterns.language_of(text), first_date(text), _speaker(text, mentions,
                     gazetteer), _main_recipient(text, mentions, gazetteer))


def first_date(text: str) -> Dated | None:
    """The first full date of the text (its dateline, in a statement)."""
    match = patterns.DATE.search(text)
    return _dated(match) if match else None


def _dated(match: re.Match[str]) -> Dated | None:
    """A DATE match as a month, or None for an impossible month."""
    if match.group("iso_y"):
        year, month = int(match.group("iso_y")), int(match.group("iso_m"))
    else:
        year, month = int(match.group("year")), patterns.MONTHS[match.group("month").lower()]
    if not 1 <= month <= 12:
        return None
    return Dated(f"{year:04d}-{month:02d}", (match.start(), match.end()))


def month_in(text: str, start: int, end: int, dateline: Dated | None,
             past: bool = False) -> Dated | None:
    """A date named in text[start:end] ("by June 2027", "i juni"), or None. A month named
    alone takes the dateline's year; one before the dateline's month is next year's, unless
    the statement speaks of the past ("has sent in February")."""
    match = patterns.DATE.search(text, start, end)
    if match and (dated := _dated(match)):
        return dated
    alone = patterns.MONTH_ALONE.search(text, start, end)
    if alone and dateline is not None:
        year, now = int(dateline.month[:4]), int(dateline.month[5:])
        month = patterns.MONTHS[alone.group("month").lower()]
        if month < now and not past:
            year += 1
        elif month > now and past:
            year -= 1
        return Dated(f"{year:04d}-{month:02d}", alone.span("month"))
    return None


def _speaker(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> Found | None:
    """The country speaking: the state of the first ministry or government named with one,
    else the first member state named."""
    for index, mention in enumerate(mentions):
        if mention.kind == "organisation" and mention.name != "alliance":
            state = attached_state(text, mentions, index)
            nation = gazetteer.nation(state) if state else None
            if state and nation:
                return Found(nation, (state.start, state.end))
    for mention in mentions:
        nation = gazetteer.nation(mention)
        if nation is not None and nation.role == "member":
            return Found(nation, (mention.start, mention.end))
    return None


def attached_state(text: str, mentions: list[Mention], index: int) -> Mention | None:
    """The state an organisation belongs to: "Aldorian government", "Aldoriens regering",
    "Ministry of Defence of Aldoria", "Forsvarsministeriet i Aldorien"."""
    org = mentions[index]
    if index > 0:
        before = mentions[index - 1]
        if before.kind == "state" and re.fullmatch(r"\s*(?:the\s+)?", text[before.end:org.start]):
            return before
    if index + 1 < len(mentions):
        after = mentions[index + 1]
        if after.kind == "state" and re.fullmatch(r"\s+(?:of|i)\s+(?:the\s+)?",
                                                  text[org.end:after.start]):
            return after
    return None


def _main_recipient(text: str, mentions: list[Mention], gazetteer: Gazetteer) -> Found | None:
    """The scenario recipient named most often (not as the enemy), first mention as evidence."""
    counts: Counter[str] = Counter()
    first: dict[str, Found] = {}
    for mention in mentions:
        nation = gazetteer.nation(mention)
        if nation is None or nation.role != "recipient" or not can_receive(text, mention):
            continue
        counts[nation.code] += 1
        first.setdefault(nation.code, Found(nation, (mention.start, mention.end)))
    if not counts:
        return None
    return first[counts.most_common(1)[0][0]]


def can_receive(text: str, mention: Mention) -> bool:
    """A state is no recipient where it is the enemy or the source ("against X", "X's war")."""
    before = text[max(0, mention.start - 40):mention.start]
    after = text[mention.end:mention.end + 40]
    return not (patterns.NOT_RECIPIENT_BEFORE.search(before)
                or patterns.AGGRESSOR_AFTER.match(after))


def recipient_in(text: str, start: int, end: int, gazetteer: Gazetteer) -> Found | None:
    """The first scenario recipient named in text[start:end] that can receive."""
    for mention in gazetteer.find(text, start, end):
        nation = gazetteer.nation(mention)
        if nation is not None and nation.role == "recipient" and can_receive(text, mention):
            return Found(nation, (mention.start, mention.end))
    return None


def subject_before(text: str, start: int, end: int, gazetteer: Gazetteer,
                   facts: TextFacts) -> Found | Refusal | None:
    """The actor of a cue at `end`: the nearest state, organisation or pronoun before it.

    An alliance is refused; a ministry, government, minister, spokesperson or pronoun stands
    for its own state, or for the speaker's country. None when no actor is named.
    """
    mentions = gazetteer.find(text, start, end)
    candidates: list[tuple[int, Mention | None, Span]] = [
        (m.end, m, (m.start, m.end)) for m in mentions
        if not (m.kind == "state" and _not_actor(text, start, m))]
    for match in patterns.SELF.finditer(text, start, end):
        if not any(m.start <= match.start() < m.end for m in mentions):
            candidates.append((match.end(), None, match.span()))
    if not candidates:
        return None
    _, mention, span = max(candidates, key=lambda c: c[0])
    if mention is not None and mention.kind == "state":
        nation = gazetteer.nation(mention)
        if nation is None:
            return Refusal(f"{text[span[0]:span[1]]} is not a nation of the scenario", span)
        return Found(nation, span)
    if mention is not None and mention.name == "alliance":
        return Refusal(f"{text[span[0]:span[1]]} is an organisation, not a state", span)
    if mention is not None:
        state = attached_state(text, mentions, mentions.index(mention))
        nation = gazetteer.nation(state) if state else None
        if state and nation:
            return Found(nation, (state.start, state.end))
    # "Bravania's minister said the country ...": the member named earlier in the clause
    for earlier in reversed(mentions):
        nation = gazetteer.nation(earlier)
        if nation is not None and nation.role == "member" and not _not_actor(text, start,
                                                                             earlier):
            return Found(nation, (earlier.start, earlier.end))
    if facts.speaker is None:
        return Refusal(f"{text[span[0]:span[1]]!r}: the speaker's country is not named", span)
    return facts.speaker


def _not_actor(text: str, start: int, mention: Mention) -> bool:
    """A state after "to", "against", "from"… or named as the aggressor is not the actor."""
    before = text[max(start, mention.start - 30):mention.start]
    return bool(patterns.NOT_DONOR_BEFORE.search(before)
                or patterns.AGGRESSOR_AFTER.match(text[mention.end:mention.end + 40]))


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity before a mention of materiel: its value (None = unstated) and span."""

    value: float | None
    span: Span | None


def quantity_before(text: str, start: int, item_start: int, language: str) -> Quantity:
    """The number counting the materiel at `item_start`, looked for just before it."""
    lo = max(start, item_start - 80)
    before = text[lo:item_start]
    for lang in dict.fromkeys((language, "en")):
        match = patterns.NUMBER_BEFORE[lang].search(before)
        if match is None:
            continue
        value = patterns.number_value(match.group("number"), lang)
        if value is not None:
            return Quantity(value, (lo + match.start("number"), lo + match.end("number")))
    return Quantity(None, None)


def state_after(text: str, start: int, end: int, gazetteer: Gazetteer) -> Found | None:
    """A member named right after a cue, as Danish puts the subject ("sender Elvarien")."""
    mentions = gazetteer.find(text, start, min(end, start + 40))
    if mentions and not text[start:mentions[0].start].strip():
        nation = gazetteer.nation(mentions[0])
        if nation is not None and nation.role == "member":
            return Found(nation, (mentions[0].start, mentions[0].end))
    return None
