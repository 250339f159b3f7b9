"""Patterns of announcements in English and Danish: cue verbs (aid, need, order), negation and
conditionals, quantities (digits and number words) and dates.

Each cue pattern carries a rule name, written to evidence.csv, so a reviewer can see why a
sentence was read the way it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_W = r"(?<![\w-])"
_E = r"(?![\w-])"


def _words(*alternatives: str) -> str:
    """A whole-word alternation."""
    return _W + "(?:" + "|".join(alternatives) + ")" + _E


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue word found in a sentence: what it signals and which rule found it."""

    start: int
    end: int
    #: "aid", "need" or "order"
    kind: str
    rule: str


#: (kind, rule, pattern), tried in this order; the first to claim a span keeps it.
CUES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("order", "en.order", re.compile(_words(
        r"(?<!in )order(?:s|ed|ing)?(?! to)", r"placed (?:an|a new) order",
        r"(?:has |have )?signed (?:a |an )?(?:\S+ )?contracts?", r"purchas(?:e|es|ed|ing)",
        r"buy(?:s|ing)?", r"bought", r"replenish(?:es|ed|ing)?", r"refill(?:s|ed|ing)?",
        r"restock(?:s|ed|ing)?", r"backfill(?:s|ed|ing)?"), re.I)),
    ("order", "da.order", re.compile(_words(
        r"bestill(?:er|e|te)", r"bestilt", r"indkøb(?:er|e|te|t)?", r"køb(?:er|e|te|t)",
        r"genopfyld(?:er|e|te|t|ning)", r"(?:har )?indgået (?:en )?(?:\S+ )?kontrakt",
        r"kontrakt(?:en)? med"), re.I)),
    ("need", "en.need", re.compile(_words(
        r"needs?", r"needed", r"requires?", r"required", r"(?:has |have )?asked for",
        r"is asking for", r"requests?(?:ed)?", r"calls? for", r"called for",
        r"shortage of", r"lacks?"), re.I)),
    ("need", "da.need", re.compile(_words(
        r"(?:har )?behov for", r"har brug for", r"mangler", r"efterspørger",
        r"beder om", r"bad om", r"anmoder om", r"anmodede om"), re.I)),
    ("aid", "en.aid", re.compile(_words(
        r"send(?:s|ing)?", r"sent", r"donat(?:e|es|ed|ing)", r"deliver(?:s|ed|ing)?",
        r"giv(?:e|es|ing)", r"gave", r"given", r"provid(?:e|es|ed|ing)",
        r"suppl(?:y|ies|ied|ying)", r"transfer(?:s|red|ring)?", r"pledg(?:e|es|ed|ing)",
        r"gift(?:s|ed|ing)?", r"hand(?:s|ed|ing)? over", r"dispatch(?:es|ed|ing)?",
        r"ship(?:s|ped|ping)?", r"commit(?:s|ted|ting)?", r"contribut(?:e|es|ed|ing)",
        r"promis(?:e|es|ed|ing)", r"confirm(?:s|ed|ing)?",
        r"(?:aid|support|military|donation|assistance) package (?:of|including|that includes)",
        r"approv(?:e|es|ed|ing)(?: (?:a|an|the|new|further))* (?:\w+ )?package(?: of| with)?",
        r"package (?:of|with|worth)",
        r"will include", r"includes?"), re.I)),
    ("aid", "da.aid", re.compile(_words(
        r"send(?:e|er|es|t|te)", r"doner(?:e|er|es|ede|et)", r"lever(?:e|er|es|ede|et)",
        r"give", r"giver", r"gives", r"givet", r"gav", r"overdrag(?:e|er|es|et)", r"overdrog",
        r"overfør(?:e|er|es|te|t)", r"bidrag(?:e|er|er med|e med|et med) ?",
        r"forær(?:e|er|ede)", r"lov(?:er|ede|et)",
        r"donation(?:en)? (?:af|på)", r"donationspakke(?:n)? (?:med|på|af)",
        r"(?:støtte|hjælpe)pakke(?:n)? (?:med|på|af)", r"omfatter", r"indeholder",
        r"består af"), re.I)),
)

#: Words before a cue (in its clause) that make it no announcement.
NEGATION = re.compile(_words(
    r"not(?! only)", r"never", r"no plans? to", r"won't", r"will not(?! only)", r"wouldn't",
    r"cannot",
    r"can't", r"refus(?:es|ed) to", r"declin(?:es|ed) to", r"rul(?:es|ed) out", r"rejects?",
    r"ikke", r"aldrig", r"ingen planer om", r"afvis(?:er|te) at", r"nægter at"), re.I)
CONDITIONAL = re.compile(_words(
    r"consider(?:s|ed|ing)?", r"could", r"whether", r"debat(?:e|es|ed|ing)",
    r"diskuter(?:er|ede)", r"debatter(?:er|ede)", r"might", r"(?<!in )(?<!by )(?<!of )may(?!\s+\d)",
    r"if", r"unless",
    r"weigh(?:s|ing)", r"looking into", r"discuss(?:es|ed|ing)", r"possibly", r"perhaps",
    r"explor(?:es|ing)", r"(?:is |are )?(?:reportedly|said to be) (?:planning|preparing)",
    r"overvej(?:er|ede|e)", r"kunne", r"kan", r"måske", r"muligvis", r"hvis",
    r"eventuelt", r"drøfter", r"undersøger", r"vurderer"), re.I)
#: Words after a cue that negate it ("sender ikke", "send no").
NEGATION_AFTER = re.compile(r"\s+(?:(?:heller|slet|dog|også)\s+)?(?:ikke|aldrig|no|none|not)"
                            + _E, re.I)

#: "Dozens", "more", "flere": a quantity named without a number (unstated).
UNSTATED = re.compile(_words(
    r"dozens of", r"several", r"more", r"further", r"additional", r"some", r"many",
    r"a number of", r"an unspecified number of", r"hundreds of", r"thousands of",
    r"flere", r"yderligere", r"adskillige", r"en række", r"mange", r"nogle",
    r"dusinvis af", r"snesevis af", r"hundredvis af", r"tusindvis af", r"et antal"), re.I)
#: Words allowed between a number and the materiel it counts.
_FILLER = (r"(?:(?:additional|more|new|modern|further|used|refurbished|extra|advanced|"
           r"of|the|its|their|nye|moderne|ekstra|brugte|yderligere|stk\.?|units of|"
           r"systems? of|x)\s+){0,3}")

_NUMBER_EN = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12,
}
_NUMBER_DA = {
    "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9,
    "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
    "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19, "tyve": 20, "tredive": 30,
    "fyrre": 40, "halvtreds": 50, "tres": 60, "halvfjerds": 70, "firs": 80, "halvfems": 90,
    "et dusin": 12,
}
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "hundrede": 100,
          "tusind": 1000, "tusinde": 1000, "millioner": 1_000_000}
_DA_UNITS = "en|et|to|tre|fire|fem|seks|syv|otte|ni"
_DA_TENS = "tyve|tredive|fyrre|halvtreds|tres|halvfjerds|firs|halvfems"


def _number_pattern(words: dict[str, int], danish: bool) -> re.Pattern[str]:
    """Digits (1,000 / 1.000 / 1 000) or number words, with a scale word, at the end."""
    simple = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    if danish:
        simple = rf"(?:{_DA_UNITS})og(?:{_DA_TENS})|{simple}"
    else:
        simple = rf"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|eight|nine)|{simple}"  # noqa: E501
    scale = "|".join(sorted(_SCALE, key=len, reverse=True))
    digits = r"\d{1,3}(?:[,. \u00a0]\d{3})+|\d+"
    return re.compile(
        rf"{_W}(?P<number>(?:{digits})(?:\s+(?:{scale}))?|(?:(?:a|an|et|one|{simple})\s+)?"
        rf"(?:{scale})|(?:{simple})(?:\s+(?:{scale}))?)\s+{_FILLER}\Z", re.I)


NUMBER_BEFORE = {"en": _number_pattern(_NUMBER_EN, False),
                 "da": _number_pattern(_NUMBER_DA, True)}
UNSTATED_BEFORE = re.compile(rf"{UNSTATED.pattern}\s+{_FILLER}\Z", re.I)


def number_value(words: str, language: str) -> float | None:
    """The value of a number written in digits or words ("2,000", "fireogtyve", "two hundred")."""
    text = re.sub(r"\s+", " ", words.strip().lower())
    scale = 1
    for name, factor in _SCALE.items():
        if text.endswith(" " + name) or text == name:
            scale = factor
            text = text[: -len(name)].strip() or "1"
            break
    if re.fullmatch(r"\d{1,3}(?:[,. \u00a0]\d{3})+|\d+", text):
        return float(re.sub(r"\D", "", text)) * scale
    if text in ("a", "an", "et", "en", "one"):
        return float(scale)
    table = _NUMBER_DA if language == "da" else _NUMBER_EN
    if text in table:
        return float(table[text] * scale)
    compound = re.fullmatch(rf"({_DA_UNITS})og({_DA_TENS})", text)
    if compound:
        units = 1 if compound.group(1) in ("en", "et") else _NUMBER_DA[compound.group(1)]
        return float((units + _NUMBER_DA[compound.group(2)]) * scale)
    hyphen = re.fullmatch(r"(\w+)-(\w+)", text)
    if hyphen and hyphen.group(1) in _NUMBER_EN and hyphen.group(2) in _NUMBER_EN:
        return float((_NUMBER_EN[hyphen.group(1)] + _NUMBER_EN[hyphen.group(2)]) * scale)
    return None


MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "januar": 1, "februar": 2, "marts": 3, "maj": 5, "juni": 6, "juli": 7, "oktober": 10,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
#: A date: 2027-03-04, 4 March 2027, 4. marts 2027, March 4, 2027, March 2027.
DATE = re.compile(
    rf"{_W}(?:(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{2}})(?:-\d{{2}})?"
    rf"|(?:\d{{1,2}}\.?\s+)?(?P<month>{_MONTH})\.?(?:\s+\d{{1,2}},?)?\s+(?P<year>\d{{4}}))"
    rf"{_E}", re.I)
#: A month named alone in a sentence ("by June", "i juni"): its year comes from the dateline.
MONTH_ALONE = re.compile(
    rf"{_W}(?:by|in|from|before|until|during|starting|within|i|inden|senest i|fra|fra og med|"
    rf"til|i løbet af)\s+(?:(?:the )?end of |(?:udgangen|slutningen) af )?"
    rf"(?P<month>january|february|march|april|june|july|august|september|october|november|"
    rf"december|januar|februar|marts|maj|juni|juli|oktober){_E}", re.I)

#: Enough words of one language to tell Danish from English.
_DANISH = re.compile(_words("og", "til", "af", "med", "at", "vil", "har", "ikke", "den",
                            "det", "en", "et", "er", "som", "på", "fra", "sender", "yderligere"),
                     re.I)
_ENGLISH = re.compile(_words("the", "and", "to", "of", "will", "has", "not", "is", "are",
                             "with", "from", "on", "a", "an", "send", "more"), re.I)


def language_of(text: str) -> str:
    """'da' or 'en', by counting common words in the first 20,000 characters."""
    sample = text[:20000]
    return "da" if len(_DANISH.findall(sample)) > len(_ENGLISH.findall(sample)) else "en"


#: Pronouns and nouns that stand for the speaker's own country.
SELF = re.compile(_words(r"we", r"our country", r"the country", r"vi", r"landet",
                         r"(?:the )?government", r"regeringen", r"it"), re.I)
#: Prepositions before a state that make it no donor (the place sent to, the enemy, a source).
NOT_DONOR_BEFORE = re.compile(_words(r"to", r"til", r"against", r"mod", r"from", r"fra",
                                     r"with", r"med", r"in", r"i", r"by", r"af", r"for",
                                     r"on", r"på", r"of") + r"\s+(?:the\s+)?\Z", re.I)
#: Words before a state that make it no recipient (the enemy, a place of origin).
NOT_RECIPIENT_BEFORE = re.compile(_words(r"against", r"mod", r"from", r"fra", r"by", r"af")
                                  + r"\s+(?:the\s+)?\Z", re.I)
#: Words after a state that mark it as the aggressor ("Vostaria's invasion").
AGGRESSOR_AFTER = re.compile(r"\A['’]?s?\s+(?:invasion|attacks?|aggression|war|forces|"
                             r"troops|angreb|invasion|krig|styrker)", re.I)
#: Clause boundaries inside a sentence.
CLAUSE_BREAK = re.compile(r";|,\s+(?:but|while|whereas|men|mens|although|selvom)\s|"
                          r"\s+(?:but|men)\s+", re.I)
#: Refilling one's own stocks rather than buying more.
REFILL = re.compile(_words(r"replenish\w*", r"refill\w*", r"restock\w*", r"backfill\w*",
                           r"(?:its|their|our) own stocks?", r"genopfyld\w*",
                           r"(?:egne|sine|vores) lagre"), re.I)
#: Verbs in the past: a month named alone is then this year's (or last year's), not next.
PAST = re.compile(_words(
    r"has", r"have", r"had", r"sent", r"delivered", r"donated", r"gave", r"given", r"provided",
    r"supplied", r"transferred", r"shipped", r"dispatched", r"handed over", r"har", r"havde",
    r"sendte", r"leverede", r"donerede", r"gav", r"overdrog", r"overførte"), re.I)
#: "that" / "at" opening a reported clause (a subject follows, not the verb itself).
COMPLEMENTIZER = re.compile(r"(?:,\s*|\b)(?:that|at)\s+(?=\S+\s)", re.I)
