"""Read the announcements of a text: sentence by sentence, clause by clause, each cue (an
announcing verb, a need, an order from industry) with the materiel it governs.

A cue under a negation ("will not send", "vil ikke sende") or a conditional ("considering",
"overvejer at sende", "could") proposes nothing; it is recorded as skipped, with the reason,
like every other sentence that names materiel but could not be read as a proposal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from replenish.announcements import patterns
from replenish.announcements.gazetteer import Gazetteer
from replenish.announcements.lexicon import ItemMention, Lexicon
from replenish.announcements.patterns import Cue
from replenish.announcements.resolve import (
    Found,
    Refusal,
    Span,
    TextFacts,
    month_in,
    quantity_before,
    read_facts,
    recipient_in,
    state_after,
    subject_before,
)
from replenish.announcements.text import Sentence, Text, split_sentences

#: Longer "sentences" (a text without full stops) are not read: every cue in one is matched
#: against every name in it.
MAX_SENTENCE = 3000
#: Proposals of one kind, donor, recipient and family compared pairwise for repeats.
DEDUP_GROUP = 200


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed pledge, requirement or order, with the spans of the words it came from.

    `kind` is "pledge" (donor gives to recipient), "requirement" (the recipient needs) or
    "order" / "refill" (the donor field holds the member buying for its own stocks).
    """

    kind: str
    file: str
    sentence: Sentence
    donor: str | None
    recipient: str | None
    item: str | None
    family: str
    quantity: float | None
    month: str | None
    rule: str
    donor_span: Span | None = None
    recipient_span: Span | None = None
    item_span: Span | None = None
    quantity_span: Span | None = None
    date_span: Span | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A sentence (or part) that names materiel but proposes nothing, and why."""

    file: str
    sentence: Sentence
    reason: str


@dataclass(frozen=True, slots=True)
class Reading:
    """What one text yields."""

    proposals: list[Proposal]
    skipped: list[Skipped]


@dataclass(frozen=True, slots=True)
class _Context:
    """What a list's opening sentence gives its entries: donor, recipient, month, rule."""

    donor: Found
    recipient: Found | None
    rule: str


@dataclass(frozen=True)
class Reader:
    """The gazetteer and lexicon a text is read with."""

    gazetteer: Gazetteer
    lexicon: Lexicon

    def read(self, source: Text) -> Reading:
        """Every proposal of the text `source`, and what was skipped."""
        text = source.text
        facts = read_facts(text, self.gazetteer)
        out = Reading([], [])
        context: _Context | None = None
        for sentence in split_sentences(text):
            if sentence.end - sentence.start > MAX_SENTENCE:
                out.skipped.append(Skipped(source.name, replace(sentence, text=sentence.text[
                    :200]), f"{sentence.end - sentence.start} characters without a sentence "
                    "end: not read"))
                context = None
                continue
            if sentence.is_entry and context is not None:
                self._read_entry(source, sentence, facts, context, out)
                continue
            context = self._read_sentence(source, sentence, facts, out)
        return Reading(_deduplicated(out.proposals), out.skipped)

    def _read_sentence(self, source: Text, sentence: Sentence, facts: TextFacts,
                       out: Reading) -> _Context | None:
        """Read each clause of a sentence; return the list context it opens, if any."""
        context = None
        start = sentence.start
        bounds = [m.start() + sentence.start
                  for m in patterns.CLAUSE_BREAK.finditer(sentence.text)] + [sentence.end]
        for end in bounds:
            opened = self._read_clause(source, sentence, start, end, facts, out)
            context = opened or context
            start = end
        return context if sentence.opens_list else None

    def _read_clause(self, source: Text, sentence: Sentence, start: int, end: int,
                     facts: TextFacts, out: Reading) -> _Context | None:
        """Proposals of one clause: each cue with the materiel after it (before the next)."""
        text = source.text
        cues = find_cues(text, start, end)
        if not cues:
            return None
        items = self.lexicon.find(text, start, end)
        context = None
        for index, cue in enumerate(cues):
            window = cues[index - 1].end if index else start
            stop = cues[index + 1].start if index + 1 < len(cues) else end
            governed = [m for m in items if (m.start >= cue.end or index == 0)
                        and m.start < stop and not (m.start < cue.end and m.end > cue.start)]
            reason = _modality(text, window, cue)
            if reason:
                if governed:
                    out.skipped.append(Skipped(source.name, sentence, reason))
                continue
            actor = (subject_before(text, start, cue.start, self.gazetteer, facts)
                     or state_after(text, cue.end, end, self.gazetteer))
            region = (window, stop)
            if cue.kind == "aid" and isinstance(actor, Found | None):
                context = self._aid(source, sentence, (start, end), region, cue, governed,
                                    facts, actor, out) or context
            elif cue.kind == "need":
                self._need(source, sentence, (start, end), region, cue, governed, facts, actor,
                           out)
            elif isinstance(actor, Found) and actor.nation.role == "member" and governed:
                for mention in governed:
                    self._propose(source, sentence, (start, end), region, mention, facts, out,
                                  _order_kind(text[start:end]), actor, None, cue.rule)
            elif governed:
                why = actor.reason if isinstance(actor, Refusal) else "no member buying"
                out.skipped.append(Skipped(source.name, sentence, why))
        return context

    def _aid(self, source: Text, sentence: Sentence, clause: Span, region: Span, cue: Cue,
             governed: list[ItemMention], facts: TextFacts, actor: Found | None,
             out: Reading) -> _Context | None:
        """Pledges of one aid cue; the list context it opens when its sentence ends in ':'."""
        donor = actor or facts.speaker
        if donor is None or donor.nation.role != "member":
            if governed:
                why = "no donor named" if donor is None else (
                    f"{donor.nation.name} is not a member")
                out.skipped.append(Skipped(source.name, sentence, why))
            return None
        recipient = (recipient_in(source.text, cue.end, clause[1], self.gazetteer)
                     or recipient_in(source.text, clause[0], clause[1], self.gazetteer)
                     or recipient_in(source.text, sentence.start, sentence.end, self.gazetteer)
                     or facts.recipient)
        for mention in governed:
            self._propose(source, sentence, clause, region, mention, facts, out, "pledge",
                          donor, recipient, cue.rule)
        return _Context(donor, recipient, cue.rule) if sentence.opens_list else None

    def _need(self, source: Text, sentence: Sentence, clause: Span, region: Span, cue: Cue,
              governed: list[ItemMention], facts: TextFacts, actor: Found | Refusal | None,
              out: Reading) -> None:
        """Requirements of one need cue: the needing nation must be a scenario recipient."""
        needing = actor if isinstance(actor, Found) else None
        if needing is not None and needing.nation.role != "recipient":
            needing = None
        text = source.text
        if needing is None and actor is not None and patterns.SELF.search(
                text, clause[0], cue.start):
            needing = facts.recipient
        if needing is None:
            if governed:
                out.skipped.append(Skipped(source.name, sentence, "no recipient in need"))
            return
        for mention in governed:
            self._propose(source, sentence, clause, region, mention, facts, out,
                          "requirement", None, needing, cue.rule)

    def _read_entry(self, source: Text, sentence: Sentence, facts: TextFacts,
                    context: _Context, out: Reading) -> None:
        """A line of a list opened by an announcing sentence: its materiel and quantity."""
        mentions = self.lexicon.find(source.text, sentence.start, sentence.end)
        if mentions:  # an entry names one thing; what follows it says what it is for
            whole = (sentence.start, sentence.end)
            self._propose(source, sentence, whole, whole, mentions[0], facts, out, "pledge",
                          context.donor, context.recipient, context.rule + "+list")

    def _propose(self, source: Text, sentence: Sentence, clause: Span, region: Span,
                 mention: ItemMention, facts: TextFacts, out: Reading, kind: str,
                 donor: Found | None, recipient: Found | None, rule: str) -> None:
        """One proposal for `mention` (its date looked for in `region`, the cue's words), or a
        skipped note when it cannot be one."""
        text = source.text
        words = text[mention.start:mention.end]
        if not mention.known:
            out.skipped.append(Skipped(source.name, sentence,
                                       f"{words!r}: no item or family of the scenario"))
            return
        if recipient is None and kind in ("pledge", "requirement"):
            out.skipped.append(Skipped(source.name, sentence, "no recipient named"))
            return
        quantity = quantity_before(text, clause[0], mention.start, facts.language)
        past = kind != "requirement" and bool(  # a need's month is a deadline, never past
            patterns.PAST.search(text, region[0], min(region[1], mention.start)))
        dated = (month_in(text, mention.start, region[1], facts.dateline, past)
                 or month_in(text, region[0], mention.start, facts.dateline, past)
                 or facts.dateline)
        out.proposals.append(Proposal(
            kind=kind, file=source.name, sentence=sentence,
            donor=donor.nation.code if donor else None,
            recipient=recipient.nation.code if recipient else None,
            item=mention.item, family=mention.family, quantity=quantity.value,
            month=dated.month if dated else None, rule=rule,
            donor_span=donor.span if donor else None,
            recipient_span=recipient.span if recipient else None,
            item_span=(mention.start, mention.end), quantity_span=quantity.span,
            date_span=dated.span if dated else None))


def find_cues(text: str, start: int, end: int) -> list[Cue]:
    """Cues in text[start:end], in order; where two overlap the one tried first stays."""
    found: list[Cue] = []
    for kind, rule, pattern in patterns.CUES:
        for match in pattern.finditer(text, start, end):
            if all(match.end() <= c.start or match.start() >= c.end for c in found):
                found.append(Cue(match.start(), match.end(), kind, rule))
    return sorted(found, key=lambda c: c.start)


def _modality(text: str, window: int, cue: Cue) -> str | None:
    """'negated' or 'conditional' when the words before (or just after) the cue say so."""
    before = text[window:cue.start]
    # "kan i dag oplyse, at Aldorien sender": before "that"/"at" is the reporting frame, where
    # only a real doubt counts ("may decide that"), not "kan oplyse" ("can announce")
    said = list(patterns.COMPLEMENTIZER.finditer(before))
    frame, before = (before[:said[-1].start()], before[said[-1].end():]) if said else ("", before)
    if patterns.NEGATION.search(before) or patterns.NEGATION_AFTER.match(
            text, cue.end, cue.end + 20):
        return f"negated: {text[cue.start:cue.end]!r} is not an announcement"
    doubts = [m.group().lower() for m in patterns.CONDITIONAL.finditer(frame)]
    if (patterns.CONDITIONAL.search(before) or any(d not in ("kan", "can") for d in doubts)
            or patterns.CONDITIONAL.search(text[cue.start:cue.end])):
        return f"conditional: {text[cue.start:cue.end]!r} is not an announcement"
    return None


def _order_kind(clause: str) -> str:
    """'refill' where the clause speaks of refilling own stocks, else 'order' (from industry)."""
    return "refill" if patterns.REFILL.search(clause) else "order"


def _deduplicated(proposals: list[Proposal]) -> list[Proposal]:
    """Drop repeats (a headline and its story): a proposal with nothing that another of the
    same kind, donor, recipient and family does not say more precisely. Past DEDUP_GROUP
    proposals of one group only exact repeats are dropped (the comparison is quadratic)."""
    groups: dict[tuple[str, str | None, str | None, str], list[int]] = {}
    for index, p in enumerate(proposals):
        groups.setdefault((p.kind, p.donor, p.recipient, p.family), []).append(index)
    dropped: set[int] = set()
    for members in groups.values():
        if len(members) > DEDUP_GROUP:
            seen: set[tuple[str | None, float | None, str | None]] = set()
            for index in members:
                p = proposals[index]
                if (p.item, p.quantity, p.month) in seen:
                    dropped.add(index)
                seen.add((p.item, p.quantity, p.month))
            continue
        for index in members:
            p = proposals[index]
            if any(_covers(proposals[j], p) and (j < index or not _covers(p, proposals[j]))
                   for j in members if j != index):
                dropped.add(index)
    return [p for index, p in enumerate(proposals) if index not in dropped]


def _covers(q: Proposal, p: Proposal) -> bool:
    """q says everything p says (same parties and family; p's item and quantity, if any)."""
    return (q.kind == p.kind and q.donor == p.donor and q.recipient == p.recipient
            and q.family == p.family and (p.item is None or q.item == p.item)
            and (p.quantity is None or q.quantity == p.quantity)
            and (p.month == q.month or p.quantity is None))

