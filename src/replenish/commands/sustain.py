"""Usable-aid commands: `import oryx` (public data on equipment supplied to Ukraine) and
`fragmentation` (how many platform types per family the recipient must sustain).

Heavy modules are imported when a command runs, keeping `--help` quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from replenish.reports.fragmentation import FamilyMetrics
    from replenish.scenario.oryx import ImportReport


def register(app: typer.Typer) -> None:
    """Add `import oryx` and `fragmentation` to the main app."""
    import_app = typer.Typer(help="Import public data as a scenario folder.",
                             no_args_is_help=True)
    import_app.command("oryx")(import_oryx)
    app.add_typer(import_app, name="import")
    app.command("fragmentation")(fragmentation)
    app.command("sustainment")(sustainment)


def import_oryx(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Oryx CSV (donated vehicles).")],
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Scenario folder to write.")],
    start: Annotated[str, typer.Option("--start", metavar="YYYY-MM",
                                       help="First month of the horizon.")] = "2022-03",
    horizon: Annotated[int, typer.Option("--horizon", metavar="MONTHS",
                                         help="Months planned.")] = 24,
    force: Annotated[bool, typer.Option("--force", help="Replace scenario files in DIR.")]
    = False,
) -> None:
    """Import the Oryx list of heavy equipment supplied to Ukraine; report every row left out."""
    from replenish.commands.guards import refuse_scenario_files
    from replenish.scenario.oryx import import_oryx as run_import

    refuse_scenario_files(out, force, "--out")
    report = run_import(file, out, start=start, horizon_months=horizon)
    console = Console(highlight=False, soft_wrap=True)
    console.print(_import_table(report))
    console.print(f"scenario written to {report.out_dir}")
    console.print(f"rows not imported, with reasons: {report.report_path}")
    console.print(f"vehicle_type labels corrected ({len(report.corrections)}): "
                  f"{report.corrections_path}")


def _import_table(report: ImportReport) -> Table:
    """Rows imported and rejected by reason, summing to the rows of the file."""
    from replenish.scenario.oryx import REASONS

    table = Table(title=f"Oryx import of {report.source.name}")
    table.add_column("outcome", no_wrap=True)
    table.add_column("rows", justify="right")
    table.add_column("meaning")
    table.add_row("imported", str(report.imported), "fielded (delivered) or announced pledge")
    for reason, count in report.rejected_by_reason.items():
        table.add_row(reason, str(count), REASONS[reason])
    table.add_row("[bold]total[/]", f"[bold]{report.total_rows}[/]", "data rows in the file")
    return table


def fragmentation(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Scenario folder.")],
    chart: Annotated[Path | None, typer.Option("--chart", metavar="FILE",
                                               help="PNG to write (default DIR/fragmentation.png)."
                                               )] = None,
) -> None:
    """Show per family the platform types in service, effective types, munitions and systems."""
    from replenish.reports.fragmentation import fleet_metrics, plot_fragmentation, scenario_fleet
    from replenish.scenario.reader import read_scenario

    scenario = read_scenario(directory)
    metrics = fleet_metrics(scenario_fleet(scenario), scenario.item_map, scenario.compatibility)
    metrics.sort(key=lambda m: (-m.types, m.family))
    written = plot_fragmentation(metrics, chart or Path(directory) / "fragmentation.png")
    console = Console(highlight=False, soft_wrap=True)
    if not metrics:
        console.print(f"{scenario.settings.name}: no systems fielded (fielded.csv is empty).")
    else:
        console.print(_fragmentation_table(scenario.settings.name, metrics))
    console.print(f"chart written to {written}")


def _fragmentation_table(name: str, metrics: list[FamilyMetrics]) -> Table:
    """One row per family, most distinct types first."""
    table = Table(title=f"Fleet fragmentation: {name}")
    table.add_column("family", no_wrap=True)
    for column in ("distinct types", "effective types", "munitions needed", "systems"):
        table.add_column(column, justify="right")
    for m in metrics:
        table.add_row(m.family, str(m.types), f"{m.effective_types:.2f}", str(m.munitions),
                      f"{m.systems:.0f}" if m.systems.is_integer() else f"{m.systems:.2f}")
    return table


def sustainment(
    plan_dir: Annotated[Path, typer.Argument(metavar="OUT", help="Plan folder.")],
    scenario_dir: Annotated[Path | None, typer.Option(
        "--scenario", metavar="DIR", help="Scenario of the plan (default: from summary.json).")
    ] = None,
) -> None:
    """Show idle system-months by platform and the fragmentation of the fleet the plan leaves."""
    from replenish.reports.fragmentation import fleet_metrics, scenario_fleet
    from replenish.reports.sustainment import (
        delivered_platforms,
        idle_by_platform,
        idle_headline,
        plan_scenario_path,
    )
    from replenish.scenario.reader import read_scenario

    scenario = read_scenario(scenario_dir or plan_scenario_path(plan_dir))
    idle = idle_by_platform(plan_dir)
    console = Console(highlight=False, soft_wrap=True)
    table = Table(title="Idle systems by platform (system-months over the horizon)")
    for column in ("recipient", "platform", "no ammunition", "no crew", "operational at end",
                   "fleet at end"):
        table.add_column(column, justify="left" if column in ("recipient", "platform")
                         else "right")
    for p in idle:
        table.add_row(p.recipient, p.platform, f"{p.idle_no_ammo:,.0f}", f"{p.idle_no_crew:,.0f}",
                      f"{p.operational_end:,.0f}", f"{p.fleet_end:,.0f}")
    console.print(table)
    fleet = scenario_fleet(scenario, delivered_platforms(plan_dir, scenario))
    metrics = fleet_metrics(fleet, scenario.item_map, scenario.compatibility)
    metrics.sort(key=lambda m: (-m.types, m.family))
    console.print(_fragmentation_table(f"{scenario.settings.name}, fielded plus planned",
                                       metrics))
    console.print(idle_headline(idle))
