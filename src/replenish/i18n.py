"""Languages: gettext catalogues (Babel) under `replenish/locale`, chosen per request or per
command through a context variable, so that templates, charts and printed summaries all speak
the language of whoever asked.

English is the source language; a missing catalogue or message falls back to it."""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

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
