"""Guards against a new user's mistakes, end to end through cli.run: each refuses with its exit
status and a message naming the problem, and leaves every file as it was."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from replenish.cli import run
from replenish.store import ENV_VAR

TINY = Path(__file__).parents[1] / "scenarios" / "tiny"
ORYX_ROW = ("id,vehicle_name,vehicle_type,supplier,supplier_abbr,recipient,recipient_abbr,count,"
            "is_delivered,is_soviet,proof,year_first_produced\n"
            "0,M777,Towed Artillery,United States,US,Ukraine,UA,4,True,False,x,2005.0\n")


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """A copy of the tiny scenario, free to be (not) overwritten."""
    return Path(shutil.copytree(TINY, tmp_path / "S"))


def refused(argv: list[str], capsys: pytest.CaptureFixture[str], code: int = 2) -> str:
    """Run `argv`, check it exits with `code` and no traceback; return what it printed."""
    assert run(argv) == code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return " ".join(captured.err.split())


# --- output folders that hold a scenario --------------------------------------------------


@pytest.mark.parametrize("command", [["plan", "--no-greedy"], ["compare"]])
def test_output_into_the_scenario_itself_is_refused(
    command: list[str], scenario: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    before = files(scenario)
    err = refused([command[0], str(scenario), "--out", str(scenario), *command[1:]], capsys)
    assert "--out" in err and "holds a scenario (scenario.toml)" in err
    assert files(scenario) == before


def test_plan_into_another_scenario_is_refused(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    other = Path(shutil.copytree(TINY, tmp_path / "other"))
    before = files(other)
    err = refused(["plan", str(scenario), "--out", str(other)], capsys)
    assert f"{other} holds a scenario" in err
    assert files(other) == before


def test_plan_into_a_file_is_refused(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "notes").write_text("mine\n")
    err = refused(["plan", str(scenario), "--out", str(tmp_path / "notes")], capsys)
    assert "is a file; expected a folder" in err
    assert (tmp_path / "notes").read_text() == "mine\n"


# --- commands that write a scenario ----------------------------------------------------------


@pytest.mark.parametrize("filled", ["scenario", "other files"])
def test_generate_into_a_non_empty_folder_needs_force(
    filled: str, scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    folder = scenario
    if filled == "other files":
        folder = tmp_path / "mine"
        folder.mkdir()
        (folder / "notes.txt").write_text("keep me\n")
    before = files(folder)
    argv = ["generate", "--nations", "2", "--items", "8", "--months", "3", str(folder)]
    err = refused(argv, capsys)
    assert "OUT" in err and "is not empty" in err and "--force" in err
    assert files(folder) == before
    assert run([*argv, "--force"]) == 0
    assert files(folder) != before


def test_export_over_a_scenario_needs_force(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    db = str(tmp_path / "store.db")
    assert run(["load", str(scenario), "--db", db]) == 0
    target = Path(shutil.copytree(TINY, tmp_path / "target"))
    before = files(target)
    err = refused(["export", str(target), "--db", db], capsys)
    assert "already holds scenario files (scenario.toml" in err and "--force" in err
    assert files(target) == before
    assert run(["export", str(target), "--db", db, "--force"]) == 0


def test_oryx_import_over_a_scenario_needs_force(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "oryx.csv"
    source.write_text(ORYX_ROW, encoding="utf-8")
    before = files(scenario)
    err = refused(["import", "oryx", str(source), "--out", str(scenario)], capsys)
    assert "--out" in err and "already holds scenario files" in err and "--force" in err
    assert files(scenario) == before
    assert run(["import", "oryx", str(source), "--out", str(scenario), "--force"]) == 0


def test_from_xlsx_over_a_scenario_leaves_it_as_it_was(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    before = files(scenario)
    err = refused(["scenario", "from-xlsx", str(tmp_path / "book.xlsx"), str(scenario)], capsys)
    assert "DIR" in err and "already holds scenario files" in err and "--force" in err
    assert files(scenario) == before


# --- database URLs ---------------------------------------------------------------------------

BAD_URLS = {
    "foo://x": "unknown database system 'foo'",
    "postgresql+nosuchdriver://x": "unknown driver 'nosuchdriver' for postgresql",
    "not a url": "'not a url' is not a database URL",
    "postgresql://u:secret@h:notaport/db": "is not a database URL",
    "mysql://u:secret@h/db": "the mysql driver 'mysqldb' of mysql://u:***@h/db is not installed",
}
STORE_COMMANDS = [["stock"], ["db", "upgrade"], ["load", "{S}"], ["export", "{out}"],
                  ["user", "list"], ["user", "create", "ann", "--role", "admin"], ["serve"]]


@pytest.mark.parametrize("url", list(BAD_URLS))
@pytest.mark.parametrize("command", STORE_COMMANDS, ids=" ".join)
def test_a_bad_database_url_is_invalid_input(
    url: str, command: list[str], scenario: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(ENV_VAR, url)
    monkeypatch.setitem(sys.modules, "MySQLdb", None)  # the driver missing, wherever this runs
    monkeypatch.chdir(tmp_path)
    before = files(tmp_path)
    argv = [a.format(S=scenario, out=tmp_path / "out") for a in command]
    err = refused(argv, capsys)
    assert f"{ENV_VAR}: " in err and BAD_URLS[url] in err
    assert "secret" not in err
    assert files(tmp_path) == before


# --- the server extra and settings -----------------------------------------------------------


@pytest.mark.parametrize("command", [["serve"], ["user", "create", "ann", "--role", "admin"],
                                     ["user", "list"], ["user", "revoke", "ann"]], ids=" ".join)
@pytest.mark.parametrize("module", ["fastapi", "argon2", "pydantic_settings", "uvicorn"])
def test_server_commands_without_the_server_extra_say_how_to_install_it(
    command: list[str], module: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    err = refused([*command, "--db", str(tmp_path / "store.db")], capsys)
    assert f"needs the server extra ({module} not installed)" in err
    assert "pip install 'replenish[server]'" in err
    assert not (tmp_path / "store.db").exists()


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("REPLENISH_POOL_SIZE", "abc", "REPLENISH_POOL_SIZE: Input should be a valid integer"),
    ("REPLENISH_ENVIRONMENT", "prod", "REPLENISH_ENVIRONMENT: Input should be 'development'"),
    ("REPLENISH_POOL_SIZE", "5", "settings: pool_size + max_overflow must be at least 30"),
])
def test_serve_with_a_bad_setting_is_invalid_input(
    variable: str, value: str, message: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(ENV_VAR, f"sqlite:///{tmp_path / 'unused.db'}")  # serve sets it; restored
    monkeypatch.setenv(variable, value)
    err = refused(["serve", "--db", str(tmp_path / "store.db")], capsys)
    assert message in err
    assert not (tmp_path / "store.db").exists()
