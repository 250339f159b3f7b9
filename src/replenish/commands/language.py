"""The language of a command's words for people (the brief, printed summaries): `--lang`, else
the shell's locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else English. Files meant for
programs (summary.json, the CSVs) are always English."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from replenish import i18n
from replenish.errors import Problem, ScenarioError

LangOption = Annotated[str | None, typer.Option(
    "--lang", metavar="LANG",
    help=f"language of the words: {', '.join(i18n.LANGUAGES)} (default: the shell's LANG)")]


def command_language(lang: str | None) -> str:
    """`lang` if given (a problem if replenish does not speak it), else the shell's."""
    if lang is None:
        return i18n.from_environment(os.environ)
    if lang not in i18n.LANGUAGES:
        raise ScenarioError([Problem("--lang", None, None,
                                     f"expected one of {', '.join(i18n.LANGUAGES)}, "
                                     f"got {lang!r}")])
    return lang
