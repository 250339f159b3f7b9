"""Server commands: `serve` (the REST API under uvicorn) and `user
create/token/password/revoke/list`.

The web stack and argon2 are imported when a command runs, keeping `--help` quick.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from replenish.commands.guards import require_server_extra
from replenish.commands.store import DbOption, _session
from replenish.errors import Problem, ScenarioError

if TYPE_CHECKING:
    from replenish.api.identity import Identity
    from replenish.api.settings import ServerSettings

DaysOption = Annotated[float | None, typer.Option(
    "--days", min=0.001, max=36500, help="The token expires after this many days (default: "
    "never).")]


def register(app: typer.Typer) -> None:
    """Add `serve` and the `user` group to the main app."""
    app.command("serve")(serve)
    user_app = typer.Typer(help="Manage the server's API users and tokens.",
                           no_args_is_help=True)
    user_app.command("create")(user_create)
    user_app.command("token")(user_token)
    user_app.command("password")(user_password)
    user_app.command("revoke")(user_revoke)
    user_app.command("list")(user_list)
    app.add_typer(user_app, name="user")


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: DbOption = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64, help="Server processes (each with its own pools).")] = 1,
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log", help="Log every request (costs time under load).")] = True,
    plan: Annotated[bool, typer.Option(
        "--plan", help="Plan the store as it is before serving, so that the pages and the "
        "API open on a finished plan.")] = False,
    sweep: Annotated[Path | None, typer.Option(
        "--sweep", metavar="SWEEPDIR", help="A folder written by `replenish sweep`: the "
        "pages' risk page shows its sweep.json (sets REPLENISH_PAGES_SWEEP_DIR).")] = None,
) -> None:
    """Run the coalition REST API (OpenAPI at /openapi.json) on the store, migrating it first."""
    require_server_extra("serve")
    import uvicorn

    from replenish.commands.store import _store_errors
    from replenish.store import ENV_VAR, describe_url, upgrade

    url = _url(db)
    folder = _sweep_folder(sweep) if sweep is not None else None
    # Settings come from the environment, so every worker process finds the same store;
    # building them here first refuses bad settings before anything is migrated or listens.
    os.environ[ENV_VAR] = url
    if folder is not None:
        os.environ[SWEEP_VAR] = str(folder)
    _check_settings()
    with _store_errors(url):
        upgrade(url)
    if plan:
        _console().print(f"planned the store as it is: plan {_plan_store(url)}")
    _console().print(f"serving the store at {escape(describe_url(url))} on "
                     f"http://{host}:{port} (API under /api/v1, docs at /docs)")
    uvicorn.run("replenish.api.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info", access_log=access_log)


#: where `serve --sweep` leaves the sweep folder for every worker's page settings
SWEEP_VAR = "REPLENISH_PAGES_SWEEP_DIR"


def _sweep_folder(path: Path) -> Path:
    """The sweep folder, absolute; a path that is not a folder is refused (a sweep.json not
    written yet is the page's to say)."""
    if not path.is_dir():
        raise ScenarioError([Problem("--sweep", None, None, f"{path} is not a folder; expected "
                                     "one written by `replenish sweep ... --out SWEEPDIR`")])
    return path.resolve()


def _plan_store(url: str) -> int:
    """Plan the stored scenario and keep the plan as a finished plan job; return its id."""
    from replenish.api.planner import ignore_progress, plan_files
    from replenish.commands.store import _author
    from replenish.store.scenarios import export_scenario
    from replenish.store.server_tables import PlanJob

    with _session(url) as session:
        scenario = export_scenario(session)
    started = datetime.now(UTC)
    summary, rows = plan_files(scenario, ignore_progress)
    with _session(url) as session:
        job = PlanJob(status="done", progress=1.0, stage="done", requested_by=_author(),
                      created_at=started, started_at=started, finished_at=datetime.now(UTC),
                      summary=summary, rows=rows)
        session.add(job)
        session.flush()
        return job.id


def user_create(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, _ . @ -).")],
    role: Annotated[str, typer.Option(
        "--role", help="coordinator, nation, recipient, industry or admin.")],
    nation: Annotated[str | None, typer.Option(
        "--nation", metavar="CODE", help="The member (role nation) or recipient it acts for.",
    )] = None,
    producer: Annotated[str | None, typer.Option(
        "--producer", metavar="CODE", help="The producer (role industry) it reads for.",
    )] = None,
    db: DbOption = None,
    days: DaysOption = None,
) -> None:
    """Create an API user; its token is printed once, on the last line, and stored hashed."""
    require_server_extra("user create")
    from replenish.api.auditing import record_user_created
    from replenish.api.identity import create_user

    key = _token_key()  # bad settings are refused before the store is touched
    url = _migrated(db)
    with _session(url) as session:
        user, token = create_user(session, name, role, nation, producer, key=key,
                                  expires_at=_expiry(days))
        record_user_created(session, _operator(), user)
    bound = f" for {user.code}" if user.code else ""
    console = _console()
    console.print(f"created user {escape(user.name)} ({user.role}{escape(bound)}); "
                  "its token is shown only now, keep it secret:")
    print(token)


def user_token(
    name: Annotated[str, typer.Argument(help="The user whose token to replace.")],
    db: DbOption = None,
    days: DaysOption = None,
) -> None:
    """Rotate a user's token: a new one is printed once, on the last line; the old one ends."""
    require_server_extra("user token")
    from replenish.api.auditing import record_write
    from replenish.api.identity import rotate_token

    key = _token_key()  # bad settings are refused before the store is touched
    url = _migrated(db)
    expires_at = _expiry(days)
    with _session(url) as session:
        user, token = rotate_token(session, name, key=key, expires_at=expires_at)
        record_write(session, _operator(), "user.token", f"user:{name}",
                     {"expires_at": expires_at})
    until = f", valid until {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
    _console().print(f"new token for {escape(user.name)}{until}; the old one no longer works. "
                     "It is shown only now, keep it secret:")
    print(token)


def user_password(
    name: Annotated[str, typer.Argument(help="The user whose password to set.")],
    db: DbOption = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input "
        "instead of asking twice.")] = False,
    remove: Annotated[bool, typer.Option(
        "--remove", help="Remove the password: the user signs in with its token only.")]
    = False,
) -> None:
    """Set the password a user signs in to the pages with (its token still works too)."""
    require_server_extra("user password")
    from replenish.api.auditing import record_write
    from replenish.api.passwords import check_password_text, set_password

    password = None
    if not remove:
        password = _read_password(password_stdin)
        check_password_text(password)  # refused before the store is touched
    with _session(_migrated(db)) as session:
        user = set_password(session, name, password)
        record_write(session, _operator(), "user.password", f"user:{name}",
                     {"removed": remove})
    done = "removed the password of" if remove else "set the password of"
    _console().print(f"{done} {escape(user.name)}; its sessions in the pages have ended")


def _read_password(from_stdin: bool) -> str:
    """A password from standard input's first line, or typed twice at a hidden prompt."""
    if from_stdin:
        import sys

        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def user_revoke(
    name: Annotated[str, typer.Argument(help="The user whose token to revoke.")],
    db: DbOption = None,
) -> None:
    """Revoke a user's token; requests carrying it are refused from now on."""
    require_server_extra("user revoke")
    from replenish.api.auditing import record_write
    from replenish.api.identity import revoke_user

    with _session(_migrated(db)) as session:
        user = revoke_user(session, name)
        record_write(session, _operator(), "user.revoke", f"user:{name}", {})
    _console().print(f"revoked the token of {escape(user.name)}")


def user_list(db: DbOption = None) -> None:
    """List the API users, their roles and bindings (never their tokens)."""
    require_server_extra("user list")
    from replenish.api.identity import list_users

    with _session(_migrated(db)) as session:
        users = list_users(session)
    console = _console()
    if not users:
        console.print("no users yet: `replenish user create NAME --role ROLE`")
    for user, created, revoked in users:
        state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "active"
        console.print(f"{escape(user.name)}  {user.role}  {escape(user.code or '-')}  "
                      f"created {created:%Y-%m-%d %H:%M}  {state}", soft_wrap=True)


def _token_key() -> str:
    """The server's token key from the settings (refusing bad settings as invalid input)."""
    return _check_settings().token_key.get_secret_value()


def _expiry(days: float | None) -> datetime | None:
    """When a token made now for `days` days expires (None: never)."""
    return datetime.now(UTC) + timedelta(days=days) if days is not None else None


def _operator() -> Identity:
    """Who runs the command, as the audit log names them (an administrator at the console)."""
    from replenish.api.identity import Identity
    from replenish.commands.store import _author

    return Identity(0, _author(), "admin", None, None)


def _check_settings() -> ServerSettings:
    """Build the settings once; a bad REPLENISH_* variable is invalid input, named."""
    from pydantic import ValidationError

    from replenish.api.settings import ServerSettings

    try:
        return ServerSettings()
    except ValidationError as exc:
        raise ScenarioError([_setting_problem(e["loc"], e["msg"], e.get("input"))
                             for e in exc.errors()]) from None


def _setting_problem(loc: tuple[int | str, ...], message: str, value: object) -> Problem:
    """One bad setting: its REPLENISH_* variable and value, or the settings as a whole."""
    if not loc:
        return Problem("REPLENISH_* settings", None, None, message.removeprefix("Value error, "))
    return Problem("REPLENISH_" + "_".join(map(str, loc)).upper(), None, None,
                   f"{message}, got {value!r}")


def _url(db: Path | None) -> str:
    """The store's URL from --db or the environment."""
    from replenish.store import database_url

    return database_url(db)


def _migrated(db: Path | None) -> str:
    """The store's URL, brought to the newest revision (users live in the store)."""
    from replenish.commands.store import _store_errors
    from replenish.store import upgrade

    url = _url(db)
    with _store_errors(url):
        upgrade(url)
    return url


def _console() -> Console:
    """A console on stdout that leaves long lines unwrapped."""
    return Console(highlight=False, soft_wrap=True)

