"""The Typer command line. Domain errors become exit codes here, in one place:
0 success, 1 anything refused by the store, 2 invalid input (or a missing extra), 3 infeasible
plan, 4 no plan within the time limit."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console
from rich.markup import escape
from typer._click import exceptions as click_exceptions

from replenish.commands import announce as announce_commands
from replenish.commands import brief as brief_commands
from replenish.commands import generate as generate_commands
from replenish.commands import joint as joint_commands
from replenish.commands import plan as plan_commands
from replenish.commands import scenario as scenario_commands
from replenish.commands import server as server_commands
from replenish.commands import store as store_commands
from replenish.commands import sustain as sustain_commands
from replenish.commands import sweep as sweep_commands
from replenish.errors import (
    InfeasiblePlan,
    MissingExtra,
    NoPlanInTime,
    ScenarioError,
    SchedulerUnavailable,
    StoreError,
)

app = typer.Typer(
    name="replenish",
    help="Coalition materiel planning: stocks, pledges, joint orders, expansion, sustainment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (scenario_commands, generate_commands, store_commands, plan_commands,
               joint_commands, sustain_commands, server_commands, announce_commands,
               brief_commands, sweep_commands):
    module.register(app)

err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Notes(logging.Handler):
    """Prints the scenario readers' warnings (a CSV file that is not a scenario file) on
    stderr, each once however often the folder (or a copy of it) is read."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        key = str(getattr(record, "note", record.getMessage()))
        if key not in self.seen:
            self.seen.add(key)
            err.print(f"[yellow]note[/]: {escape(record.getMessage())}")


def run(argv: list[str]) -> int:
    """Run the command line on `argv` and return the exit status (never raises)."""
    notes = _Notes()
    readers = logging.getLogger("replenish.scenario")
    readers.addHandler(notes)
    try:
        return _run(argv)
    finally:
        readers.removeHandler(notes)


def _run(argv: list[str]) -> int:
    """`run` without the notes' handler."""
    try:
        code = app(args=argv, prog_name="replenish", standalone_mode=False)
    except ScenarioError as exc:
        n = len(exc.problems)
        err.print(f"[bold red]invalid input[/]: {n} problem{'s' if n != 1 else ''}")
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False)
        return 2
    except InfeasiblePlan as exc:
        err.print("[bold red]infeasible plan[/]: these cannot be met")
        for reason in exc.reasons:
            err.print(f"  {reason}", markup=False)
        if exc.note:
            err.print(exc.note, markup=False)
        return 3
    except NoPlanInTime as exc:
        err.print(f"[bold red]no plan found[/] within the time limit of {exc.time_limit:g} s "
                  "(this is not an infeasibility)")
        for line in exc.tried:
            err.print(f"  tried: {line}", markup=False)
        err.print("raise --time-limit and plan again", markup=False)
        return 4
    except StoreError as exc:
        err.print(f"[bold red]refused[/]: {exc}", markup=True)
        return 1
    except MissingExtra as exc:
        err.print(f"[bold red]not installed[/]: {escape(str(exc))}")
        return 2
    except SchedulerUnavailable as exc:
        err.print(f"[bold red]no Dask cluster[/]: {escape(str(exc))}")
        return 2
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", getattr(exc, "code", 0)) or 0)
    except click_exceptions.NoArgsIsHelpError as exc:
        exc.show()
        return 0
    except click_exceptions.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click_exceptions.UsageError) else int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted")
        return 130
    return int(code) if isinstance(code, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
