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
  clipped to the horizon). Members' own shortfalls below target are not counted;
- capacity: the line's output limit that month, base plus expansion available (production.csv);
- expansion: the capacity added by the plan that is available that month (expansions.csv).

A line's committed orders justify an expansion E when, over its expansion months A,
`sum(committed - base capacity) >= E x min(commitment_months, |A|)` (DESIGN.md).
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from replenish.errors import Problem, ScenarioError
from replenish.model.months import month_index
from replenish.model.records import ProductionLine, Requirement, Scenario
from replenish.scenario.writer import format_number

Row = dict[str, Any]
LineKey = tuple[str, str]

COLUMNS = ["producer", "item", "month", "committed", "announced", "capacity", "expansion"]

# Columns read from the plan folder, by file; kinds: code, num, month.
_PLAN_COLUMNS: dict[str, dict[str, str]] = {
    "orders.csv": {"buyer": "code", "producer": "code", "item": "code",
                   "production_month": "month", "quantity": "num"},
    "production.csv": {"producer": "code", "item": "code", "month": "month", "capacity": "num"},
    "expansions.csv": {"producer": "code", "item": "code", "added_capacity": "num",
                       "available_from": "month"},
    "fulfilment.csv": {"requirement": "code", "quantity": "num"},
}


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
        line = self.line
        months = range(line.expansion_lead_time, horizon)
        k = min(line.commitment_months, len(months))
        if k == 0 or line.max_expansion <= 0:
            return 0.0
        demand = [c + (a if with_announced else 0.0)
                  for c, a in zip(self.committed, self.announced, strict=True)]
        excess = sum(demand[t] - line.capacity for t in months)
        e = min(line.max_expansion, max(0.0, excess) / k)
        return round(e, 6) if e >= line.min_expansion - 1e-9 and e > 0 else 0.0


@dataclass
class Signal:
    """Every line's signal, the plan's procurement mode and the months of the horizon."""

    procurement: str
    months: list[str]
    lines: list[LineSignal]


def _parse(kind: str, text: str, start: str) -> Any:
    if not text:
        raise ValueError("empty cell")
    if kind == "num":
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {text!r}")
        return value
    if kind == "month":
        return month_index(text, start)
    return text


def _read(path: Path, columns: dict[str, str], start: str, problems: list[Problem]) -> list[Row]:
    """Typed rows of one plan file; what cannot be read becomes a Problem."""
    if not path.is_file():
        problems.append(Problem(str(path), None, None, "missing; expected a plan folder "
                                                       "written by `replenish plan`"))
        return []
    rows: list[Row] = []
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(Problem(str(path), 1, None,
                                    f"missing columns {', '.join(missing)}"))
            return []
        for line, raw in enumerate(reader, start=2):
            try:
                rows.append({"_line": line} | {c: _parse(k, (raw.get(c) or "").strip(), start)
                                               for c, k in columns.items()})
            except ValueError as exc:
                problems.append(Problem(str(path), line, None, str(exc)))
    return rows


def _procurement(plan_dir: Path, scenario: Scenario) -> str:
    """The plan's procurement mode from summary.json, else the scenario's."""
    try:
        data = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return scenario.settings.procurement
    mode = data.get("procurement") if isinstance(data, dict) else None
    return mode if isinstance(mode, str) else scenario.settings.procurement


def _serving_lines(req: Requirement, scenario: Scenario) -> list[ProductionLine]:
    items = {req.item} if req.item else set(scenario.family_items(req.family or ""))
    return [ln for ln in scenario.lines if ln.item in items]


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
            t = min(H - 1, max(0, req.needed_by - ln.lead_time))
            out[ln.key][t] += part
    return out


def read_signal(plan_dir: Path, scenario: Scenario) -> Signal:
    """The demand signal of the plan in `plan_dir`, made from `scenario` (its source)."""
    plan_dir = Path(plan_dir)
    problems: list[Problem] = []
    start, H = scenario.settings.start, scenario.horizon
    t = {name: _read(plan_dir / name, cols, start, problems)
         for name, cols in _PLAN_COLUMNS.items()}
    lines = {ln.key: ln for ln in scenario.lines}
    for name in ("orders.csv", "production.csv", "expansions.csv"):
        unknown: dict[LineKey, int] = {}
        for r in t[name]:
            unknown.setdefault((r["producer"], r["item"]), r["_line"])
        for (producer, item), line in unknown.items():
            if (producer, item) not in lines:
                problems.append(Problem(str(plan_dir / name), line, "producer",
                                        f"no production line of {producer!r} for {item!r} "
                                        "in the scenario; is it the scenario this plan was "
                                        "made from?"))
    if problems:
        raise ScenarioError(problems)
    fulfilled: dict[str, float] = defaultdict(float)
    for r in t["fulfilment.csv"]:
        fulfilled[r["requirement"]] += r["quantity"]
    announced = announced_offtake(scenario, fulfilled)
    signals = {k: LineSignal(ln, [0.0] * H, announced.get(k, [0.0] * H),
                             [ln.capacity] * H, [0.0] * H) for k, ln in lines.items()}
    for r in t["orders.csv"]:
        s = signals[(r["producer"], r["item"])]
        s.buyers.add(r["buyer"])
        if 0 <= r["production_month"] < H:
            s.committed[r["production_month"]] += r["quantity"]
    for r in t["expansions.csv"]:
        s = signals[(r["producer"], r["item"])]
        for m in range(max(0, r["available_from"]), H):
            s.expansion[m] += r["added_capacity"]
    for r in t["production.csv"]:
        if 0 <= r["month"] < H:
            signals[(r["producer"], r["item"])].capacity[r["month"]] = r["capacity"]
    return Signal(_procurement(plan_dir, scenario), [scenario.settings.month(m)
                                                     for m in range(H)], list(signals.values()))


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
