"""Sustainment of a plan: idle system-months by platform and the fleet it leaves the recipient
to support, read from a plan folder written by `replenish plan`."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from replenish.errors import Problem, ScenarioError
from replenish.model import Scenario


@dataclass(frozen=True)
class PlatformIdle:
    recipient: str
    platform: str
    idle_no_ammo: float
    idle_no_crew: float
    operational_end: float
    fleet_end: float


def read_plan_csv(plan_dir: Path, name: str) -> list[dict[str, str]]:
    """Rows of one plan file; a missing or unreadable file is a clear error."""
    path = plan_dir / name
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), None, None,
                                     "missing; expected a plan folder written by "
                                     "`replenish plan`")]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(str(path), None, None, f"not UTF-8 text: {exc}")]) from None


def plan_scenario_path(plan_dir: Path) -> Path:
    """The scenario a plan was made from, as recorded in its summary.json."""
    path = plan_dir / "summary.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Path(data["scenario"])
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), None, None, "missing; expected a plan folder "
                                     "written by `replenish plan`")]) from None
    except (KeyError, TypeError, ValueError, UnicodeDecodeError):
        raise ScenarioError([Problem(str(path), None, "scenario",
                                     "expected the scenario folder the plan was made from; "
                                     "pass --scenario DIR")]) from None


def idle_by_platform(plan_dir: Path) -> list[PlatformIdle]:
    """Idle system-months (no ammunition, no crew) per platform over the horizon."""
    rows = read_plan_csv(plan_dir, "sustainment.csv")
    ammo: dict[tuple[str, str], float] = defaultdict(float)
    crew: dict[tuple[str, str], float] = defaultdict(float)
    last: dict[tuple[str, str], tuple[str, float, float]] = {}
    for r in rows:
        key = (r["recipient"], r["platform"])
        op, na, nc = float(r["operational"]), float(r["idle_no_ammo"]), float(r["idle_no_crew"])
        ammo[key] += na
        crew[key] += nc
        if key not in last or r["month"] >= last[key][0]:
            last[key] = (r["month"], op, op + nc)
    return [PlatformIdle(k[0], k[1], ammo[k], crew[k], last[k][1], last[k][2])
            for k in sorted(last)]


def delivered_platforms(plan_dir: Path, scenario: Scenario) -> dict[str, float]:
    """Platforms the plan delivers to recipients within the horizon (donations and orders)."""
    kinds = {i.code: i.kind for i in scenario.items}
    recipients = {n.code for n in scenario.recipients}
    out: dict[str, float] = defaultdict(float)
    for r in read_plan_csv(plan_dir, "donations.csv"):
        if kinds.get(r["item"]) == "platform":
            out[r["item"]] += float(r["quantity"])
    for r in read_plan_csv(plan_dir, "orders.csv"):
        if r["destination"] in recipients and kinds.get(r["item"]) == "platform":
            out[r["item"]] += float(r["quantity"])
    return dict(out)


def idle_headline(idle: list[PlatformIdle]) -> str:
    """One sentence on how usable the recipient's systems are over the plan."""
    if not idle:
        return "No systems to sustain: the scenario has no fielded systems or consumption."
    ammo = sum(p.idle_no_ammo for p in idle)
    crew = sum(p.idle_no_crew for p in idle)
    op = sum(p.operational_end for p in idle)
    fleet = sum(p.fleet_end for p in idle)
    return (f"{ammo + crew:,.0f} idle system-months over the horizon ({ammo:,.0f} without "
            f"ammunition, {crew:,.0f} waiting for a crew); {op:,.0f} of {fleet:,.0f} systems "
            f"operational in the last month.")
