"""Fleet fragmentation: how many platform types a recipient operates per family, and what that
costs in distinct munitions to supply. Many types in small numbers each mean many training
pipelines, spare-part chains and ammunition lines; the effective number of types (the inverse
Herfindahl index of fleet shares) discounts types fielded only in token numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from replenish.model.records import Compatibility, Item, Scenario


@dataclass(frozen=True, slots=True)
class FamilyMetrics:
    """Fragmentation of one family of the fleet."""

    family: str
    types: int               # distinct platform types with quantity > 0
    effective_types: float   # 1 / sum(share_i^2) of the fleet shares within the family
    munitions: int           # distinct munitions compatible with any fielded platform
    systems: float           # total platforms fielded in the family


def effective_types(quantities: Iterable[float]) -> float:
    """Inverse Herfindahl index of the positive quantities: 1 / sum of squared shares."""
    positive = [q for q in quantities if q > 0]
    total = sum(positive)
    if total <= 0:
        return 0.0
    return 1.0 / sum((q / total) ** 2 for q in positive)


def fleet_metrics(fleet: Mapping[str, float], items: Mapping[str, Item],
                  compatibility: Iterable[Compatibility]) -> list[FamilyMetrics]:
    """Per family (sorted by name): distinct types, effective types, munitions, systems.

    Only platforms with a positive quantity count; a fleet code missing from `items` is a
    programming error (ValueError), since scenarios are validated before this is called.
    """
    unknown = sorted(code for code in fleet if code not in items)
    if unknown:
        raise ValueError(f"fleet platforms not among the items: {', '.join(unknown)}")
    by_family: dict[str, dict[str, float]] = {}
    for code, quantity in fleet.items():
        item = items[code]
        if quantity > 0 and item.kind == "platform":
            by_family.setdefault(item.family, {})[code] = quantity
    fits: dict[str, set[str]] = {}
    for link in compatibility:
        fits.setdefault(link.platform, set()).add(link.munition)
    metrics = []
    for family in sorted(by_family):
        platforms = by_family[family]
        munitions = set().union(*(fits.get(code, set()) for code in platforms))
        metrics.append(FamilyMetrics(family, len(platforms),
                                     effective_types(platforms.values()), len(munitions),
                                     sum(platforms.values())))
    return metrics


def scenario_fleet(scenario: Scenario, extra_deliveries: Mapping[str, float] | None = None,
                   recipient: str | None = None) -> dict[str, float]:
    """Systems in service with the recipient(s) (fielded.csv), plus planned deliveries."""
    fleet: dict[str, float] = {}
    for row in scenario.fielded:
        if recipient is None or row.recipient == recipient:
            fleet[row.platform] = fleet.get(row.platform, 0.0) + row.quantity
    for code, quantity in (extra_deliveries or {}).items():
        fleet[code] = fleet.get(code, 0.0) + quantity
    return fleet


def plot_fragmentation(metrics: Iterable[FamilyMetrics], path: Path) -> Path:
    """Write a PNG bar chart: per family, distinct and effective platform types side by side."""
    rows = list(metrics)
    figure = Figure(figsize=(max(6.0, 0.7 * len(rows) + 2.0), 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    width = 0.4
    axes.bar([x - width / 2 for x in positions], [m.types for m in rows], width,
             label="distinct types")
    axes.bar([x + width / 2 for x in positions], [m.effective_types for m in rows], width,
             label="effective types (1 / Herfindahl)")
    axes.set_xticks(positions, [m.family for m in rows], rotation=45, ha="right")
    axes.set_xlabel("family")
    axes.set_ylabel("platform types")
    axes.set_title("Fleet fragmentation by family")
    if rows:
        axes.legend()
    else:
        axes.text(0.5, 0.5, "no fielded platforms", ha="center", va="center",
                  transform=axes.transAxes)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", dpi=100)
    return path
