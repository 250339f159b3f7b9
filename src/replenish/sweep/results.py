"""A sweep's results: quantiles over the runs done, written as sweep.json, runs.csv and
quantiles.csv (each replaced whole, never left half-written).

Quantiles of numbers interpolate between runs (numpy's default). Quantiles of months are
runs' own months: the q-quantile is the earliest month by which at least a share q of the
runs are back (numpy's "inverted_cdf"); a run never back within the horizon counts as later
than any month, and a quantile that lands on such a run is None, "not within the horizon".
So P90 is the late end.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from replenish.model.records import Scenario
from replenish.scenario.writer import format_number
from replenish.sweep.metrics import RunResult

QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}
FILES = ("sweep.json", "runs.csv", "quantiles.csv")


def number_quantiles(values: Sequence[float | None]) -> dict[str, float | None]:
    """P10, P50 and P90 of the values given (None where there are none)."""
    have = [v for v in values if v is not None]
    if not have:
        return dict.fromkeys(QUANTILES)
    q = np.quantile(np.asarray(have, dtype=float), list(QUANTILES.values()))
    return {k: round(float(v), 6) for k, v in zip(QUANTILES, q, strict=True)}


def month_quantiles(values: Sequence[int | None]) -> dict[str, int | None]:
    """P10, P50 and P90 of months, None (not within the horizon) counting as the latest."""
    if not values:
        return dict.fromkeys(QUANTILES)
    ranked = sorted(math.inf if v is None else v for v in values)
    out: dict[str, int | None] = {}
    for key, q in QUANTILES.items():
        v = ranked[max(0, math.ceil(q * len(ranked) - 1e-9) - 1)]
        out[key] = None if v == math.inf else int(v)
    return out


def _labels(scenario: Scenario, q: dict[str, int | None]) -> dict[str, str | None]:
    return {k: None if v is None else scenario.settings.month(v) for k, v in q.items()}


def _series(rows: list[Sequence[float | None]], horizon: int) -> dict[str, list[float | None]]:
    per_month = [number_quantiles([r[t] for r in rows]) for t in range(horizon)]
    return {k: [m[k] for m in per_month] for k in QUANTILES}


def headline(scenario: Scenario, done: list[RunResult]) -> str:
    """The coalition's month back at floor, at P10, P50 and P90."""
    if not done:
        return "no run finished"
    q = _labels(scenario, month_quantiles([r.coalition_back_at_floor for r in done]))
    shown = [f"{k.upper()} {v or 'not within the horizon'}" for k, v in q.items()]
    return "back at floor: " + ", ".join(shown)


def sweep_dict(scenario: Scenario, mode: str, seed: int, runs: int,
               uncertainty: dict[str, Any], results: dict[int, RunResult]) -> dict[str, Any]:
    """sweep.json: the quantiles over the runs done, and the runs that failed."""
    done = [results[k] for k in sorted(results) if results[k].status == "done"]
    failed = [{"run": k, "error": results[k].error} for k in sorted(results)
              if results[k].status == "failed"]
    members = [m.code for m in scenario.members]
    priorities = list(dict.fromkeys(k for r in done for k in r.on_time))
    h = scenario.horizon
    return {
        "scenario": scenario.settings.name, "mode": mode, "seed": seed, "runs": runs,
        "done": len(done), "failed": failed, "start": scenario.settings.start,
        "horizon_months": h, "months": [scenario.settings.month(t) for t in range(h)],
        "uncertainty": uncertainty,
        "on_time": {p: number_quantiles([r.on_time.get(p) for r in done]) for p in priorities},
        "back_at_floor": {m: _labels(scenario, month_quantiles(
            [r.back_at_floor.get(m) for r in done])) for m in members},
        "back_at_target": {m: _labels(scenario, month_quantiles(
            [r.back_at_target.get(m) for r in done])) for m in members},
        "idle_system_months": number_quantiles([r.idle_system_months for r in done]),
        "cost": {m: number_quantiles([r.cost.get(m, 0.0) for r in done]) for m in members},
        "series": {"below_target_value": _series([r.below_target_value for r in done], h),
                   "on_time_share": _series([r.on_time_share for r in done], h)},
        "headline": headline(scenario, done),
    }


def runs_rows(scenario: Scenario, runs: int, results: dict[int, RunResult]) -> list[list[str]]:
    """runs.csv: one row per run, done, failed or not run (an interrupted sweep)."""
    members = [m.code for m in scenario.members]
    priorities = sorted({p for r in results.values() for p in r.on_time if p != "all"}, key=int)
    header = ["run", "status", "on_time_all", *(f"on_time_p{p}" for p in priorities), "cost",
              "idle_system_months", "back_at_floor", "back_at_target",
              *(f"back_at_floor_{m}" for m in members),
              *(f"back_at_target_{m}" for m in members), "error"]

    def month(v: int | None, done: bool) -> str:
        return "" if not done else "none" if v is None else scenario.settings.month(v)

    rows = [header]
    for k in range(runs):
        r = results.get(k, RunResult(run=k, status="not run"))
        ok = r.status == "done"
        rows.append([str(k), r.status, _cell(r.on_time.get("all")),
                     *(_cell(r.on_time.get(p)) for p in priorities),
                     _cell(round(sum(r.cost.values()), 2) if ok else None),
                     _cell(r.idle_system_months if ok else None),
                     month(r.coalition_back_at_floor, ok), month(r.coalition_back_at_target, ok),
                     *(month(r.back_at_floor.get(m), ok) for m in members),
                     *(month(r.back_at_target.get(m), ok) for m in members), r.error])
    return rows


def quantile_rows(sweep: dict[str, Any], done: list[RunResult], scenario: Scenario
                  ) -> list[list[str]]:
    """quantiles.csv: metric, key, p10, p50, p90 for every quantile of sweep.json, and the
    coalition's months back at floor and target (key "coalition")."""
    rows = [["metric", "key", *QUANTILES]]
    for metric in ("on_time", "back_at_floor", "back_at_target", "cost"):
        for key, q in sweep[metric].items():
            rows.append([metric, key, *(_cell(q[k]) for k in QUANTILES)])
    for metric, attr in (("back_at_floor", "coalition_back_at_floor"),
                         ("back_at_target", "coalition_back_at_target")):
        q = _labels(scenario, month_quantiles([getattr(r, attr) for r in done]))
        rows.append([metric, "coalition", *(_cell(q[k]) for k in QUANTILES)])
    rows.append(["idle_system_months", "",
                 *(_cell(sweep["idle_system_months"][k]) for k in QUANTILES)])
    for metric, series in sweep["series"].items():
        for t, month in enumerate(sweep["months"]):
            rows.append([metric, month, *(_cell(series[k][t]) for k in QUANTILES)])
    return rows


def _cell(v: object) -> str:
    return "" if v is None else format_number(v) if isinstance(v, float) else str(v)


def write_results(out: Path, scenario: Scenario, sweep: dict[str, Any],
                  results: dict[int, RunResult]) -> None:
    """Write sweep.json, runs.csv and quantiles.csv into `out`, each atomically."""
    out.mkdir(parents=True, exist_ok=True)
    done = [results[k] for k in sorted(results) if results[k].status == "done"]
    _write_atomic(out / "sweep.json", json.dumps(sweep, indent=2) + "\n")
    _write_atomic(out / "runs.csv", _csv(runs_rows(scenario, sweep["runs"], results)))
    _write_atomic(out / "quantiles.csv", _csv(quantile_rows(sweep, done, scenario)))


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then put it in its place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
