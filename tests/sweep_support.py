"""A hand-made sweep.json of the tiny scenario (tests/scenarios/tiny: members AAA and BBB, 12
months from 2025-01, priorities 1 and 2), shaped as `replenish sweep` writes it, so that the
brief and the pages are tested without running a sweep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TINY = Path(__file__).parent / "scenarios" / "tiny"
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]
#: what the headline says of it, in English and in Danish: every member back (from the sweep's
#: own headline), the last member back, the share on time
COALITION = {
    "en": "Every member back at floor: P10 Apr 2025, P50 Jul 2025, P90 not within the horizon.",
    "da": "Alle medlemmer tilbage ved minimumsbeholdning: P10 apr. 2025, P50 jul. 2025, "
          "P90 ikke inden for horisonten.",
}
BACK_AT_FLOOR = {
    "en": "Back at floor, the last member (AAA): P10 Mar 2025, P50 Jun 2025, "
          "P90 not within the horizon.",
    "da": "Tilbage ved minimumsbeholdning, det sidste medlem (AAA): P10 mar. 2025, "
          "P50 jun. 2025, P90 ikke inden for horisonten.",
}
ON_TIME = {"en": "Requirements on time: P50 86% (P10 81%, P90 90%).",
           "da": "Behov til tiden: P50 86\u00a0% (P10 81\u00a0%, P90 90\u00a0%)."}


def tiny_sweep(**changes: Any) -> dict[str, Any]:
    """The sweep (mode fixed, 50 runs, two failed), with `changes` to its keys."""
    n = len(MONTHS)
    sweep: dict[str, Any] = {
        "scenario": "tiny", "mode": "fixed", "seed": 1, "runs": 50, "done": 48,
        "failed": [{"run": 7, "error": "no plan within the time limit"},
                   {"run": 31, "error": "infeasible: pledge P1"}],
        "start": MONTHS[0], "horizon_months": n, "months": MONTHS,
        "uncertainty": {"production_shortfall": 0.2, "expansion_delay_months": 3,
                        "consumption_surge": 0.3, "pledge_slip_months": 2},
        "on_time": {"all": {"p10": 0.81, "p50": 0.86, "p90": 0.9},
                    "1": {"p10": 0.9, "p50": 0.95, "p90": 1.0},
                    "2": {"p10": 0.6, "p50": 0.7, "p90": 0.8}},
        "back_at_floor": {"AAA": {"p10": "2025-03", "p50": "2025-06", "p90": None},
                          "BBB": {"p10": "2025-02", "p50": "2025-04", "p90": "2025-07"}},
        "back_at_target": {"AAA": {"p10": "2025-08", "p50": None, "p90": None},
                           "BBB": {"p10": "2025-05", "p50": "2025-09", "p90": "2025-11"}},
        "idle_system_months": {"p10": 12.0, "p50": 15.0, "p90": 19.0},
        "cost": {"AAA": {"p10": 1.0e8, "p50": 1.1e8, "p90": 1.3e8},
                 "BBB": {"p10": 2.0e7, "p50": 2.5e7, "p90": 3.1e7}},
        "series": {
            "below_target_value": {"p10": [4e8 - 3e7 * k for k in range(n)],
                                   "p50": [5e8 - 3e7 * k for k in range(n)],
                                   "p90": [6e8 - 2.5e7 * k for k in range(n)]},
            "on_time_share": {"p10": [0.5 + 0.025 * k for k in range(n)],
                              "p50": [0.6 + 0.02 * k for k in range(n)],
                              "p90": [0.7 + 0.02 * k for k in range(n)]}},
        "headline": "back at floor: P10 2025-04, P50 2025-07, P90 not within the horizon",
    }
    return {**sweep, **changes}


def write_sweep(folder: Path, sweep: dict[str, Any] | None = None) -> Path:
    """Write `sweep` (default: the tiny one) as folder/sweep.json; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sweep.json").write_text(json.dumps(sweep or tiny_sweep()), encoding="utf-8")
    return folder
