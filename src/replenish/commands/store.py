"""Store commands: `db upgrade`, `load`, `export` and `stock` (the ledger's view of stocks).

The store and scenario modules are imported when a command runs, keeping `--help` quick.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from replenish.errors import Problem, ScenarioError, StoreError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from replenish.ledger import Position

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", metavar="PATH", dir_okay=False,
        help="SQLite file of the store (default: $REPLENISH_DATABASE_URL, else a file in the "
        "user data folder).",
    ),
]
ScenarioDir = Annotated[Path, typer.Argument(metavar="DIR", help="Scenario folder.")]

#: Two spaces between columns, a rule under the header, no outer frame.
TABLE_STYLE: dict[str, Any] = {
    "box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False, "collapse_padding": True,
}
STATUS_STYLE = {"below floor": "bold red", "below target": "yellow", "at target": "green"}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def register(app: typer.Typer) -> None:
    """Add `db upgrade`, `load`, `export` and `stock` to the main app."""
    db_app = typer.Typer(help="Maintain the store's database.", no_args_is_help=True)
    db_app.command("upgrade")(db_upgrade)
    app.add_typer(db_app, name="db")
    app.command("load")(load)
    app.command("export")(export)
    app.command("stock")(stock)


def db_upgrade(db: DbOption = None) -> None:
    """Create or migrate the store's tables to the newest revision."""
    from replenish.store import database_url, describe_url, upgrade

    url = database_url(db)
    with _store_errors(url):
        revision = upgrade(url)
    _console().print(f"store at {escape(describe_url(url))} is at revision {revision}")


def load(
    directory: ScenarioDir,
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Discard the stored scenario and its ledger first."),
    ] = False,
) -> None:
    """Validate a scenario folder and load it into the store; stocks become opening receipts."""
    from replenish.scenario.reader import read_scenario
    from replenish.store import database_url, describe_url, upgrade
    from replenish.store.scenarios import load_scenario

    scenario = read_scenario(directory)
    url = database_url(db)
    with _store_errors(url):
        upgrade(url)
    with _session(url) as session:
        counts = load_scenario(session, scenario, author=_author(), replace=replace)
    labels = {"lines": "production lines", "movements": "opening receipts"}
    listed = ", ".join(f"{n} {labels.get(name, name.replace('_', ' '))}"
                       for name, n in counts.items())
    _console().print(
        f"loaded scenario [bold]{escape(scenario.settings.name)}[/] into "
        f"{escape(describe_url(url))}: {listed}",
    )


def export(
    directory: ScenarioDir,
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace scenario files in DIR.")]
    = False,
) -> None:
    """Write the stored scenario to a folder, stocks on hand as the ledger now has them."""
    from replenish.commands.guards import refuse_scenario_files
    from replenish.scenario.writer import write_scenario
    from replenish.store import database_url
    from replenish.store.scenarios import export_scenario

    refuse_scenario_files(directory, force, "DIR")
    url = database_url(db)
    with _session(_existing(url)) as session:
        scenario = export_scenario(session)
    write_scenario(scenario, directory)
    _console().print(
        f"exported scenario [bold]{escape(scenario.settings.name)}[/] to {escape(str(directory))}",
    )


def stock(
    nation: Annotated[
        str | None, typer.Option("--nation", metavar="CODE", help="Only this nation."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="YYYY-MM-DD", help="Count movements up to this day."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Show members' stocks on hand against their readiness floors and targets."""
    from replenish.ledger import stock_positions
    from replenish.store import database_url

    day = _parse_day(as_of)
    url = database_url(db)
    with _session(_existing(url)) as session:
        positions = stock_positions(session, nation=nation, as_of=day)
    console = _console()
    if not positions:
        console.print(f"{nation or 'The coalition'} holds no stock positions.", markup=False)
        return
    console.print(_stock_table(positions, nation, day, console.width), soft_wrap=False)
    if nation is None:
        console.print(_nation_totals(positions), soft_wrap=False)
    console.print(_summary(positions))


def _console(stderr: bool = False) -> Console:
    """A console on the current stdout (or stderr) that leaves long lines unwrapped."""
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _parse_day(text: str | None) -> date | None:
    """The --as-of day; anything but a real YYYY-MM-DD day is invalid input (exit 2)."""
    if text is None:
        return None
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        problem = Problem("--as-of", None, None, f"expected a day as YYYY-MM-DD, got {text!r}")
        raise ScenarioError([problem]) from None


def _existing(url: str) -> str:
    """`url` if it holds a scenario; otherwise refuse, saying to run `replenish load` first."""
    from replenish.store import describe_url
    from replenish.store.engine import sqlite_path
    from replenish.store.scenarios import stored_scenario_name

    path = sqlite_path(url)
    if path is None or path.exists():
        with _session(url) as session:
            if stored_scenario_name(session) is not None:
                return url
    raise StoreError(
        f"the store at {describe_url(url)} holds no scenario yet: "
        "run `replenish load SCENARIO_DIR` first"
    )


@contextmanager
def _session(url: str) -> Iterator[Session]:
    """A session in one transaction on a short-lived engine (committed unless it raises)."""
    from sqlalchemy.orm import Session

    from replenish.store import make_engine

    with _store_errors(url):
        engine = make_engine(url)
        try:
            with Session(engine) as session, session.begin():
                yield session
        finally:
            engine.dispose()


@contextmanager
def _store_errors(url: str) -> Iterator[None]:
    """Turn a database failure (unreachable server, corrupt file) into a refusal, not a trace."""
    from sqlalchemy.exc import SQLAlchemyError

    from replenish.store import describe_url

    try:
        yield
    except SQLAlchemyError as exc:
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(f"the store at {describe_url(url)} failed: {cause}") from exc


def _author() -> str:
    """Who is loading, for the ledger's author column."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def _stock_table(
    positions: list[Position], nation: str | None, day: date | None, width: int,
) -> Table:
    """One row per position, nation by nation, coloured by status, fitted to `width`."""
    from replenish.ledger.projections import format_quantity as q

    when = f"as of {day.isoformat()}" if day else "all movements recorded"
    table = Table(title=f"Stock position — {nation or 'coalition'}, {when}",
                  title_justify="left", **TABLE_STYLE)
    rows = [(p, [q(p.on_hand), q(p.floor), q(p.target),
                 q(p.gap_to_target) if p.gap_to_target > 0 else "—"]) for p in positions]
    # Codes, numbers and statuses keep their full width; the family column gives way.
    headers = ("nation", "item", "on hand", "floor", "target", "gap to\ntarget", "status")
    columns = [[p.nation for p in positions], [p.item for p in positions]]
    columns += [[r[1][n] for r in rows] for n in range(4)] + [["below target"]]
    widths = [max(len(v) for v in [*h.split("\n"), *c]) for h, c in zip(headers, columns,
                                                                         strict=True)]
    family = max(6, *(len(p.family) for p in positions))
    family = max(min(family, width - sum(widths) - 2 * len(headers) - 1), 6)
    for n, header in enumerate(headers):
        if n == 2:
            table.add_column("family", width=family, no_wrap=True, overflow="ellipsis")
        table.add_column(header, width=widths[n], no_wrap=True,
                         justify="right" if 2 <= n <= 5 else "left")
    for n, (p, numbers) in enumerate(rows):
        first = n == 0 or rows[n - 1][0].nation != p.nation
        last = n == len(rows) - 1 or rows[n + 1][0].nation != p.nation
        table.add_row(p.nation if first else "", p.item, p.family, *numbers,
                      f"[{STATUS_STYLE[p.status]}]{p.status}[/]", end_section=last)
    return table


def _nation_totals(positions: list[Position]) -> Table:
    """Per nation: how many positions, and how many below floor, below target, at target."""
    table = Table(title="Per nation", title_justify="left", **TABLE_STYLE)
    table.add_column("nation", no_wrap=True)
    table.add_column("positions", justify="right")
    for status, style in STATUS_STYLE.items():
        table.add_column(status, justify="right", style=style)
    for group in _by_nation(positions):
        counts = [str(sum(p.status == status for p in group)) for status in STATUS_STYLE]
        table.add_row(group[0].nation, str(len(group)), *counts)
    return table


def _by_nation(positions: list[Position]) -> list[list[Position]]:
    """Positions split into runs of one nation (they come sorted by nation)."""
    groups: list[list[Position]] = []
    for p in positions:
        if groups and groups[-1][0].nation == p.nation:
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _summary(positions: list[Position]) -> str:
    """The closing line: how many positions and nations, and how many of each status."""
    nations = len({p.nation for p in positions})
    statuses = [
        f"[{style}]{sum(p.status == status for p in positions)} {status}[/]"
        for status, style in STATUS_STYLE.items()
    ]
    plural = "s" if nations != 1 else ""
    return f"{len(positions)} positions of {nations} nation{plural}: {', '.join(statuses)}"
