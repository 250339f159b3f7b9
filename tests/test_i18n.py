"""Languages: choosing one (browser, shell), numbers and months in each, and catalogues that
are complete and compiled from their .po."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from replenish import i18n
from replenish.plan.totals import money
from replenish.reports.brief import month_name

LOCALE = i18n.LOCALE_DIR
OTHERS = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]


@pytest.mark.parametrize(("header", "expected"), [
    ("da-DK,da;q=0.9,en;q=0.8", "da"),
    ("en-GB,en;q=0.9,da;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,da;q=0.5", "da"),
    ("da;q=0.2, en;q=0.7", "en"),
    ("da;q=0", "en"),
    ("fr", "en"),
    ("", "en"),
    (None, "en"),
    ("DA_dk", "da"),
])
def test_the_browser_s_best_language_is_chosen(header: str | None, expected: str) -> None:
    assert i18n.choose(header) == expected


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "da_DK.UTF-8"}, "da"),
    ({"LC_ALL": "da_DK.UTF-8", "LANG": "en_GB.UTF-8"}, "da"),
    ({"LC_ALL": "C.UTF-8", "LANG": "da_DK.UTF-8"}, "en"),
    ({"LANGUAGE": "fr:da", "LANG": "en_US.UTF-8"}, "da"),
    ({"LANG": "C"}, "en"),
    ({}, "en"),
])
def test_the_shell_s_locale_picks_the_language(environ: dict[str, str], expected: str) -> None:
    assert i18n.from_environment(environ) == expected


def test_numbers_money_and_months_in_english_are_as_before() -> None:
    assert i18n.number(1234567.25, 1) == "1,234,567.2"
    assert i18n.number(-1234) == "-1,234"
    assert [money(x) for x in (0, 940e3, 38.2e6, 1.55e9, 123e9)] == [
        "0", "940 k", "38.2 M", "1.55 bn", "123 bn"]
    assert [month_name(f"2027-{m:02d}") for m in (1, 3, 5, 9, 12)] == [
        "Jan 2027", "Mar 2027", "May 2027", "Sep 2027", "Dec 2027"]
    assert i18n.chart_locale() is None


def test_numbers_money_and_months_in_danish() -> None:
    with i18n.speaking("da"):
        assert i18n.number(1234567.25, 1) == "1.234.567,2"
        assert [money(x) for x in (940e3, 38.2e6, 1.55e9)] == ["940 t.", "38,2 mio.",
                                                              "1,55 mia."]
        assert month_name("2027-03") == "mar. 2027"
        assert month_name("2027-05") == "maj 2027"
        locale = i18n.chart_locale()
        assert locale is not None and locale["number"]["decimal"] == ","
        assert locale["time"]["months"][2] == "marts"
    assert i18n.language() == "en"


def test_an_unknown_language_falls_back_to_english() -> None:
    with i18n.speaking("xx"):
        assert i18n.language() == "en"
        assert i18n.gettext("Sign out") == "Sign out"


def test_danish_is_spoken_from_the_catalogue() -> None:
    with i18n.speaking("da"):
        assert i18n.gettext("Sign out") == "Log ud"
        assert i18n.ngettext("%(num)s month", "%(num)s months", 3) % {"num": 3} == "3 måneder"


@pytest.mark.parametrize("lang", OTHERS)
def test_every_message_has_a_translation(lang: str) -> None:
    """Nobody adds an English message and forgets the others: run `make messages`, then
    translate what it leaves empty or fuzzy."""
    with open(LOCALE / "messages.pot", "rb") as fh:
        template = read_po(fh)
    catalogue = _po(lang)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id)
        strings = [] if found is None else (
            [found.string] if isinstance(found.string, str) else list(found.string))
        if found is None or found.fuzzy or not strings or not all(strings):
            missing.append(message.id)
    assert missing == [], f"{lang}: not translated: {missing}"


@pytest.mark.parametrize("lang", OTHERS)
def test_the_compiled_catalogue_is_the_po(lang: str) -> None:
    """The .mo shipped with the package is the .po compiled (`make messages` compiles it)."""
    with open(_folder(lang) / "messages.mo", "rb") as fh:
        compiled = read_mo(fh)
    assert _messages(compiled) == _messages(_po(lang))


def _folder(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES"


def _po(lang: str) -> Catalog:
    with open(_folder(lang) / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def _messages(catalogue: Catalog) -> dict[object, object]:
    """Translated, non-fuzzy messages as compile writes them: id -> string(s)."""
    out: dict[object, object] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (
            message.string,)
        if all(strings):
            out[message.id if isinstance(message.id, str) else tuple(message.id)] = tuple(strings)
    return out
