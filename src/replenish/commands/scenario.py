"""Commands on scenario folders: `validate`, and `scenario to-xlsx|from-xlsx` (Excel round trip)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from replenish.commands.guards import refuse_scenario_files
from replenish.model.records import Scenario
from replenish.scenario.reader import read_scenario

#: `replenish scenario ...`: commands that convert or create scenario folders.
scenario_app = typer.Typer(
    name="scenario",
    help="Convert scenario folders to and from Excel workbooks.",
    no_args_is_help=True,
)


@scenario_app.command("to-xlsx")
def to_xlsx(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Scenario folder to read.")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Workbook to write (.xlsx).")],
) -> None:
    """Write the scenario folder DIR as an Excel workbook FILE, one sheet per file."""
    from replenish.scenario.xlsx import scenario_to_xlsx  # openpyxl loads slowly; only here

    scenario_to_xlsx(directory, file)
    Console().print(f"wrote {escape(str(file))}")


@scenario_app.command("from-xlsx")
def from_xlsx(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Workbook to read (.xlsx).")],
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Scenario folder to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace scenario files in DIR.")] = False,
) -> None:
    """Write the workbook FILE as the scenario folder DIR and validate it."""
    from replenish.scenario.xlsx import xlsx_to_scenario

    refuse_scenario_files(directory, force, "DIR")
    xlsx_to_scenario(file, directory)
    Console().print(f"wrote {escape(str(directory))}: valid scenario")


# --- `replenish scenario generate` and other scenario_app commands go below this line. ---


def validate(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Scenario folder.")],
) -> None:
    """Check the scenario folder DIR; list every problem (exit 2) or summarise it."""
    print_summary(read_scenario(directory), Console())


def print_summary(scenario: Scenario, console: Console) -> None:
    """A short table of what the scenario holds."""
    settings = scenario.settings
    last = settings.month(settings.horizon_months - 1)
    table = Table(title=f"scenario {escape(settings.name)!s}: valid", show_header=False,
                  title_justify="left", box=None)
    table.add_column(style="bold")
    table.add_column()
    rows = [
        ("horizon", f"{settings.horizon_months} months, {settings.start} to {last}"),
        ("procurement", settings.procurement),
        ("nations", f"{_count(len(scenario.members), 'member')}, "
                    f"{_count(len(scenario.recipients), 'recipient')}"),
        ("items", str(len(scenario.items))),
        ("stocks", str(len(scenario.stocks))),
        ("requirements", str(len(scenario.requirements))),
        ("pledges", str(len(scenario.pledges))),
        ("production lines", str(len(scenario.lines))),
    ]
    if scenario.routes:
        rows.append(("delivery", f"{_count(len(scenario.hubs), 'hub')}, "
                                 f"{_count(len(scenario.routes), 'route')}"))
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)


def _count(n: int, noun: str) -> str:
    """'1 member', '2 members'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def register(app: typer.Typer) -> None:
    """Add `validate` to the main app and the `scenario` group of commands."""
    app.command("validate")(validate)
    app.add_typer(scenario_app, name="scenario")
