"""Languages: gettext catalogues (Babel) under `replenish/locale`, chosen per request or per
command through a context variable, so that templates, charts and printed summaries all speak
the language of whoever asked.

English is the source language; a missing catalogue or message falls back to it."""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
#: the languages replenish speaks, the source language first
LANGUAGES = ("en", "da")
DEFAULT = "en"

_current: ContextVar[str] = ContextVar("replenish_language", default=DEFAULT)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalogue of `language` (English and unknown languages: none, the source text)."""
    if language == DEFAULT:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def language() -> str:
    """The language of the current request or command."""
    return _current.get()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Run a block in `lang` (one of LANGUAGES; anything else falls back to English)."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """`message` in the current language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message in the current language."""
    return translations(_current.get()).ngettext(singular, plural, n)


_ = gettext


def install(env: object) -> None:
    """Give a Jinja2 environment `_`, `gettext` and `ngettext` in the current language
    (newstyle: `{{ _("Stock at %(month)s", month=m) }}` formats after translating)."""
    from jinja2 import Environment

    assert isinstance(env, Environment)
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it (for constants made at import
    time; translate them with `gettext` where they are shown)."""
    return message


def choose(accept_language: str | None) -> str:
    """The best of LANGUAGES for a browser's Accept-Language header ('da-DK,da;q=0.9,en;q=0.8'),
    English if none fits."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().replace("_", "-").split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, i, primary))
    return min(ranked)[2] if ranked else DEFAULT


def from_environment(environ: Mapping[str, str]) -> str:
    """The language of a shell's locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG as gettext reads
    them: 'da_DK.UTF-8' is Danish), English if it names none of LANGUAGES."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        for choice in value.split(":"):
            primary = choice.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            if primary in LANGUAGES:
                return primary
        return DEFAULT
    return DEFAULT


def _swap_symbols(text: str) -> str:
    """A number formatted the English way ('1,234.5') with the current language's separators."""
    lang = _current.get()
    if lang == DEFAULT:
        return text
    from babel.numbers import get_decimal_symbol, get_group_symbol

    table = {",": get_group_symbol(lang), ".": get_decimal_symbol(lang)}
    return "".join(table.get(c, c) for c in text)


def number(value: float, digits: int = 0) -> str:
    """`value` to `digits` decimals with thousands grouped: '12,345.6' in English, '12.345,6'
    in Danish (the digits are Python's rounding in every language, so they agree)."""
    return _swap_symbols(f"{value:,.{digits}f}")


def percent(share: float, digits: int = 0) -> str:
    """A share as a percentage: '85%' in English, '85 %' in Danish (Babel's pattern)."""
    from babel.numbers import format_percent

    return number(100 * share, digits) + str(format_percent(0, locale=_current.get()))[1:]


def significant(value: float, digits: int = 3) -> str:
    """`value` to `digits` significant figures, grouped: '38.2', '1.55' ('38,2' in Danish)."""
    return _swap_symbols(f"{value:,.{digits}g}")


def month_label(month: str) -> str:
    """'2027-03' as people read it: 'Mar 2027', in Danish 'mar. 2027'."""
    import datetime

    from babel.dates import format_date

    year, _dash, m = month.partition("-")
    return str(format_date(datetime.date(int(year), int(m), 1), "MMM y", locale=_current.get()))


def chart_locale() -> dict[str, Any] | None:
    """The current language's number and time formats for a Vega-Lite `config.locale` (d3's
    locale definitions), None in English (Vega's own default)."""
    lang = _current.get()
    if lang == DEFAULT:
        return None
    from babel import Locale
    from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol

    loc = Locale.parse(lang)
    months, days = loc.months["format"], loc.days["format"]
    week = (6, 0, 1, 2, 3, 4, 5)  # d3 starts on Sunday, Babel numbers Monday 0
    return {
        "number": {"decimal": get_decimal_symbol(lang), "thousands": get_group_symbol(lang),
                   "grouping": [3], "currency": ["", ""],
                   # what follows the number in a percentage: ' %' (no-break space) in Danish
                   "percent": str(format_percent(0, locale=lang))[1:]},
        "time": {"dateTime": "%A %e %B %Y %X", "date": "%d.%m.%Y", "time": "%H:%M:%S",
                 "periods": ["AM", "PM"],
                 "days": [days["wide"][d] for d in week],
                 "shortDays": [days["abbreviated"][d] for d in week],
                 "months": [months["wide"][m] for m in range(1, 13)],
                 "shortMonths": [months["abbreviated"][m] for m in range(1, 13)]},
    }


def language_name(lang: str) -> str:
    """A language's name in itself, as a switch shows it: 'English', 'Dansk'."""
    from babel import Locale

    name = str(Locale.parse(lang).get_display_name(lang) or lang)
    return name[:1].upper() + name[1:]
