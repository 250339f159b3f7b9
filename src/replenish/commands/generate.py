"""`replenish generate`: write a synthetic scenario of a chosen size, the same for a seed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from replenish.commands.guards import refuse_non_empty
from replenish.scenario.generator import MIN_ITEMS, generate_scenario
from replenish.scenario.writer import write_scenario


def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the scenario to (created).")],
    nations: Annotated[int, typer.Option(min=1, help="Number of member nations.")] = 8,
    items: Annotated[int, typer.Option(min=MIN_ITEMS, help="Number of items.")] = 40,
    months: Annotated[int, typer.Option(min=1, help="Horizon in months.")] = 24,
    seed: Annotated[int, typer.Option(min=0, help="Random seed; same seed, same files.")] = 1,
    recipients: Annotated[int, typer.Option(min=1, help="Number of recipients.")] = 1,
    hubs: Annotated[int, typer.Option(
        min=0, help="Transit hubs; with any, rail, road and air routes from every member to "
                    "each recipient and every item's tonnes per unit.")] = 0,
    force: Annotated[bool, typer.Option(
        "--force", help="Write into OUT even if it is not empty (its scenario files replaced).",
    )] = False,
) -> None:
    """Write a synthetic scenario (members, items, stocks, lines, needs, pledges) to OUT."""
    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} exists and is not a folder", param_hint="OUT")
    refuse_non_empty(out, force, "OUT")
    scenario = generate_scenario(nations, items, months, seed, recipients, hubs)
    try:
        write_scenario(scenario, out)
    except OSError as exc:
        message = f"cannot write to {out}: {exc.strerror}"
        raise typer.BadParameter(message, param_hint="OUT") from exc
    delivery = f", {hubs} hubs, {len(scenario.routes)} routes" if hubs else ""
    typer.echo(
        f"wrote {out}: {nations} members, {recipients} recipients, {items} items, "
        f"{months} months, {len(scenario.stocks)} stocks, {len(scenario.lines)} lines, "
        f"{len(scenario.requirements)} requirements, {len(scenario.pledges)} pledges"
        f"{delivery} (seed {seed})"
    )


def register(app: typer.Typer) -> None:
    """Add `generate` to the main app."""
    app.command("generate")(generate)
