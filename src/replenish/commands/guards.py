"""Guards against a new user's mistakes, checked before a command writes anything: plan files
over a scenario, a scenario over another or into a full folder, a server command without the
server extra. Each raises a domain error that cli.py turns into an exit status.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from replenish.errors import MissingExtra, Problem, ScenarioError
from replenish.scenario.reader import SCENARIO_FILES, SETTINGS_FILE

#: Top-level modules of the `server` extra (pyproject.toml) that server commands import.
SERVER_MODULES = ("fastapi", "uvicorn", "pydantic", "pydantic_settings", "argon2")


def refuse_scenario_folder(folder: Path, what: str, flag: str = "--out") -> None:
    """Refuse to write `what` (output files) into a folder that holds a scenario."""
    _refuse_a_file(folder, flag)
    if (folder / SETTINGS_FILE).exists():
        raise ScenarioError([Problem(flag, None, None, (
            f"{folder} holds a scenario ({SETTINGS_FILE}); {what} would overwrite or mix with "
            "its files: choose a folder that holds no scenario, such as a new one"))])


def refuse_scenario_files(folder: Path, force: bool, flag: str) -> None:
    """Refuse to write a scenario over the scenario files `folder` holds, unless --force."""
    _refuse_a_file(folder, flag)
    present = [name for name in SCENARIO_FILES if (folder / name).exists()]
    if present and not force:
        raise ScenarioError([Problem(flag, None, None, (
            f"{folder} already holds scenario files ({_listed(present)}); expected an empty "
            "or new folder, or --force to replace them"))])


def refuse_non_empty(folder: Path, force: bool, flag: str) -> None:
    """Refuse to write into a folder that holds anything, unless --force."""
    _refuse_a_file(folder, flag)
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if names and not force:
        raise ScenarioError([Problem(flag, None, None, (
            f"{folder} is not empty ({_listed(names)}); expected a new or empty folder, or "
            "--force to write into it anyway"))])


def require_server_extra(command: str) -> None:
    """Refuse a server command, saying how to install the extra, when a module of it is missing."""
    missing = [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingExtra(command, "server", missing)


def _listed(names: list[str], most: int = 4) -> str:
    """'a, b, c, d and 3 more'."""
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _refuse_a_file(folder: Path, flag: str) -> None:
    """A folder is expected; an existing file of that name is invalid input."""
    if folder.exists() and not folder.is_dir():
        raise ScenarioError([Problem(flag, None, None,
                                     f"{folder} is a file; expected a folder")])
