"""The Typer command line. Domain errors become exit codes here, in one place:
0 success, 2 invalid input, 3 infeasible plan, 1 anything refused by the store."""

from __future__ import annotations

import sys

import click
import typer
from rich.console import Console

from replenish.commands import plan as plan_commands
from replenish.commands import scenario as scenario_commands
from replenish.commands import server as server_commands
from replenish.commands import store as store_commands
from replenish.commands import sustain as sustain_commands
from replenish.errors import InfeasiblePlan, ScenarioError, StoreError

app = typer.Typer(
    name="replenish",
    help="Coalition materiel planning: stocks, pledges, joint orders, expansion, sustainment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (scenario_commands, store_commands, plan_commands, sustain_commands,
               server_commands):
    module.register(app)

err = Console(stderr=True, highlight=False, soft_wrap=True)


def run(argv: list[str]) -> int:
    """Run the command line on `argv` and return the exit status (never raises)."""
    try:
        app(args=argv, prog_name="replenish", standalone_mode=False)
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
        return 3
    except StoreError as exc:
        err.print(f"[bold red]refused[/]: {exc}", markup=True)
        return 1
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError) else exc.exit_code
    except click.exceptions.Abort:
        err.print("aborted")
        return 130
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
