"""The demand signal a producer receives from a plan: per line and month, what is committed,
what is only announced, the capacity, and the expansion the committed orders justify.

Definitions (also printed on the HTML page):

- committed: units ordered on the line with that production month (orders.csv) — firm,
  contracted offtake;
- announced: demand the recipients have expressed that the plan does not cover — the part of
  each requirement (requirements.csv) neither delivered on time nor late within the horizon
  (fulfilment.csv). It is spread over the lines that make the required item (or any item of
  the required family) in proportion to their base capacity (equally if all are zero), in the
  latest production month that would still deliver by `needed_by` (needed_by - lead_time,
  less the fastest route's months from the line's nation where routes.csv exists, clipped to
  the horizon). Members' own shortfalls below target are not counted;
- capacity: the line's output limit that month, base plus expansion available (production.csv);
- expansion: the capacity added by the plan that is available that month (expansions.csv).

A line's committed orders justify an expansion E when, over its expansion months A,
`sum(committed - base capacity) >= E x min(commitment_months, |A|)` (DESIGN.md; the rule is
replenish.plan.rules). The API's signal is this signal, in the months where it changes.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from replenish.errors import Problem, ScenarioError
from replenish.model.records import ProductionLine, Requirement, Scenario
from replenish.plan.reader import plan_horizon, plan_month, read_plan
from replenish.plan.records import Expansion, Order, Plan, Production
from replenish.plan.rules import justified_expansion
from replenish.scenario.writer import format_number

Row = dict[str, Any]
LineKey = tuple[str, str]

COLUMNS = ["producer", "item", "month", "committed", "announced", "capacity", "expansion"]

#: the plan files the signal is made from
SIGNAL_FILES = ("orders.csv", "production.csv", "expansions.csv", "fulfilment.csv")


@dataclass
class Offtake:
    """What a plan alone says of a line: committed orders by production month, the capacity
    added by each month, and who ordered."""

    committed: list[float]
    expansion: list[float]
    buyers: set[str] = field(default_factory=set)


@dataclass
class LineSignal:
    """The signal of one line over the horizon."""

    line: ProductionLine
    committed: list[float]
    announced: list[float]
    capacity: list[float]
    expansion: list[float]
    buyers: set[str] = field(default_factory=set)

    def justified(self, horizon: int, with_announced: bool = False) -> float:
        """Largest expansion (units/month) the committed (plus announced) offtake justifies."""
        demand = [c + (a if with_announced else 0.0)
                  for c, a in zip(self.committed, self.announced, strict=True)]
        return justified_expansion(self.line, horizon, demand)


@dataclass
class Signal:
    """Every line's signal, the plan's procurement mode and the months of the horizon."""

    procurement: str
    months: list[str]
    lines: list[LineSignal]


def plan_offtake(plan: Plan, horizon: int) -> dict[LineKey, Offtake]:
    """Per line in the plan: orders by production month and expansion available, months 0..H-1.

    Orders count in their production month; an expansion from its `available_from` on.
    """
    out: dict[LineKey, Offtake] = {}

    def line(key: LineKey) -> Offtake:
        return out.setdefault(key, Offtake([0.0] * horizon, [0.0] * horizon))

    for o in plan.orders:
        s = line((o.producer, o.item))
        s.buyers.add(o.buyer)
        if 0 <= o.production_month < horizon:
            s.committed[o.production_month] += o.quantity
    for e in plan.expansions:
        s = line((e.producer, e.item))
        for m in range(max(0, e.available_from), horizon):
            s.expansion[m] += e.added_capacity
    return out


def _serving_lines(req: Requirement, scenario: Scenario) -> list[ProductionLine]:
    items = {req.item} if req.item else set(scenario.family_items(req.family or ""))
    return [ln for ln in scenario.lines if ln.item in items]


def _route_months(scenario: Scenario, origin: str, recipient: str) -> int:
    """Months from a line's nation to a recipient over its fastest route, where routes.csv
    exists (0 without it, or where the nation has no route there)."""
    return min((r.lead_months for r in scenario.routes
                if (r.origin, r.recipient) == (origin, recipient)), default=0)


def announced_offtake(scenario: Scenario, fulfilled: dict[str, float]
                      ) -> dict[LineKey, list[float]]:
    """Unmet requirements spread over the lines that could make them (see module docstring)."""
    H = scenario.horizon
    out: dict[LineKey, list[float]] = defaultdict(lambda: [0.0] * H)
    for req in scenario.requirements:
        unmet = req.quantity - fulfilled.get(req.id, 0.0)
        lines = _serving_lines(req, scenario)
        if unmet <= 1e-9 or not lines:
            continue
        base = sum(ln.capacity for ln in lines)
        for ln in lines:
            part = unmet * (ln.capacity / base if base > 0 else 1.0 / len(lines))
            t = min(H - 1, max(0, req.needed_by - ln.lead_time
                               - _route_months(scenario, ln.nation, req.recipient)))
            out[ln.key][t] += part
    return out


def read_signal(plan_dir: Path, scenario: Scenario) -> Signal:
    """The demand signal of the plan in `plan_dir`, made from `scenario` (its source)."""
    plan_dir = Path(plan_dir)
    plan = read_plan(plan_dir, scenario.settings.start, SIGNAL_FILES)
    return build_signal(plan, scenario, plan_dir)


def _foreign_lines(plan: Plan, scenario: Scenario, folder: Path | None) -> list[Problem]:
    """A problem per line of the plan that the scenario does not have (first row naming it)."""
    lines = {ln.key for ln in scenario.lines}
    problems = []
    files: list[tuple[str, Sequence[Order | Production | Expansion]]] = [
        ("orders.csv", plan.orders), ("production.csv", plan.production),
        ("expansions.csv", plan.expansions)]
    for name, rows in files:
        first: dict[LineKey, int] = {}
        for k, r in enumerate(rows):
            first.setdefault((r.producer, r.item), k + 2)
        for (producer, item), line in first.items():
            if (producer, item) not in lines:
                problems.append(Problem(str(folder / name) if folder else name, line, "producer",
                                        f"no production line of {producer!r} for {item!r} "
                                        "in the scenario; is it the scenario this plan was "
                                        "made from?"))
    return problems


def build_signal(plan: Plan, scenario: Scenario, folder: Path | None = None) -> Signal:
    """The demand signal of `plan` (months counted from the scenario start) for its scenario."""
    problems = _foreign_lines(plan, scenario, folder)
    if problems:
        raise ScenarioError(problems)
    H = scenario.horizon
    fulfilled: dict[str, float] = defaultdict(float)
    for f in plan.fulfilment:
        fulfilled[f.requirement] += f.quantity
    announced = announced_offtake(scenario, fulfilled)
    offtake = plan_offtake(plan, H)
    signals = {}
    for key, ln in ((ln.key, ln) for ln in scenario.lines):
        off = offtake.get(key) or Offtake([0.0] * H, [0.0] * H)
        signals[key] = LineSignal(ln, off.committed, announced.get(key, [0.0] * H),
                                  [ln.capacity] * H, off.expansion, off.buyers)
    for p in plan.production:
        if 0 <= p.month < H:
            signals[(p.producer, p.item)].capacity[p.month] = p.capacity
    return Signal(plan.procurement or scenario.settings.procurement,
                  [scenario.settings.month(m) for m in range(H)], list(signals.values()))


def offtake_rows(plan: Plan, producer: str | None = None) -> list[Row]:
    """The signal as the API serves it: per line, the months in which its committed offtake
    or its added capacity changes, with both (`offtake`, `expansion`); lines of `producer`.

    Months count over the plan's horizon (from its summary), else up to the last month in
    which an order is produced or an expansion becomes available.
    """
    horizon = plan_horizon(plan)
    if horizon is None:
        months = [o.production_month for o in plan.orders]
        months += [e.available_from for e in plan.expansions]
        horizon = max(months, default=-1) + 1
    rows = []
    for (prod, item), s in sorted(plan_offtake(plan, horizon).items()):
        if producer is not None and prod != producer:
            continue
        for m in range(horizon):
            if s.committed[m] or s.expansion[m] != (s.expansion[m - 1] if m else 0.0):
                rows.append({"producer": prod, "item": item, "month": plan_month(plan, m),
                             "offtake": s.committed[m], "expansion": s.expansion[m]})
    return rows


def signal_table(signal: Signal) -> list[Row]:
    """The rows of signal.csv, one per line and month."""
    rows = []
    for s in signal.lines:
        for m, month in enumerate(signal.months):
            rows.append(dict(producer=s.line.producer, item=s.line.item, month=month,
                             committed=round(s.committed[m], 6),
                             announced=round(s.announced[m], 6),
                             capacity=round(s.capacity[m], 6),
                             expansion=round(s.expansion[m], 6)))
    return rows


def signal_rows(plan_dir: Path, scenario: Scenario) -> list[Row]:
    """signal.csv rows (producer, item, month, committed, announced, capacity, expansion)."""
    return signal_table(read_signal(plan_dir, scenario))


def line_summary(signal: Signal, horizon: int) -> list[Row]:
    """Per line: base capacity, expansion planned and justified, committed and announced."""
    out = []
    for s in signal.lines:
        line = s.line
        out.append(dict(producer=line.producer, item=line.item, base_capacity=line.capacity,
                        expansion=round(max(s.expansion, default=0.0), 6),
                        available_from=line.expansion_lead_time,
                        committed=round(sum(s.committed), 6),
                        announced=round(sum(s.announced), 6), buyers=len(s.buyers),
                        justified=s.justified(horizon),
                        justified_with_announced=s.justified(horizon, with_announced=True)))
    return out


_STYLE = """
body { font: 11px/1.35 system-ui, sans-serif; margin: 12mm; color: #111; }
h1 { font-size: 18px; margin: 0 0 4px; } p { margin: 4px 0; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: 2px 5px; text-align: right; }
th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 6px; }
.key span { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 10px; }
@page { size: A4 landscape; margin: 10mm; }
@media print { body { margin: 0; } .charts svg { break-inside: avoid; } }
"""

_DEFINITIONS = (
    "<b>Committed</b>: units ordered on the line, by production month — firm, contracted "
    "offtake. <b>Announced</b>: recipients' requirements the plan leaves unmet, spread over "
    "the lines that make the item (or its family) by base capacity, in the last production "
    "month that would still deliver on time; not yet ordered by anyone. <b>Capacity</b>: "
    "base output plus the expansion available that month. <b>Justified</b>: the largest "
    "expansion whose extra output the committed orders buy over the expansion months "
    "(orders above base output &ge; expansion &times; min(commitment months, months "
    "available)); <b>with announced</b>: the same if announced demand were ordered too.")


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"


def render_signal_html(signal: Signal, scenario: Scenario) -> str:
    """A printable one-page HTML: definitions, a table per line, and a chart per active line."""
    from replenish.reports.charts import offtake_svg

    H, month = scenario.horizon, scenario.settings.month
    head = ["producer", "item", "base/month", "expansion", "available from", "committed",
            "buyers", "justified", "with announced", "announced"]
    rows = []
    for r in line_summary(signal, H):
        cells = [r["producer"], r["item"], _number(r["base_capacity"]), _number(r["expansion"]),
                 month(r["available_from"]) if r["expansion"] else "", _number(r["committed"]),
                 str(r["buyers"]), _number(r["justified"]),
                 _number(r["justified_with_announced"]), _number(r["announced"])]
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    charts = [offtake_svg(f"{s.line.producer} {s.line.item}", signal.months, s.committed,
                          s.announced, s.capacity)
              for s in signal.lines if any(s.committed) or any(s.announced)]
    title = f"Demand signal to industry — {scenario.settings.name}"
    return "\n".join([
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(signal.procurement)} procurement, {signal.months[0]} to "
        f"{signal.months[-1]} ({H} months). Quantities in units; per month unless noted.</p>"
        if signal.months else "",
        f"<p>{_DEFINITIONS}</p>",
        "<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head)
        + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>",
        '<p class="key">Per line and month:<span style="background:#1f4e79"></span>committed'
        '<span style="background:#9dc3e6"></span>announced'
        '<span style="background:#c00000;height:2px"></span>capacity</p>',
        '<div class="charts">' + "".join(charts) + "</div>",
        "</body></html>", ""])


def write_signal(signal: Signal, scenario: Scenario, out: Path) -> dict[str, Path]:
    """Write signal.csv and signal.html into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = out / "signal.csv", out / "signal.html"
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for row in signal_table(signal):
            w.writerow([format_number(row[c]) if isinstance(row[c], float) else row[c]
                        for c in COLUMNS])
    html_path.write_text(render_signal_html(signal, scenario), encoding="utf-8")
    return {"csv": csv_path, "html": html_path}
