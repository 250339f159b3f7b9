"""Quantiles over runs: numbers interpolate; months are runs' own months, P90 the late end,
and a quantile that lands on runs never back within the horizon is None."""

from __future__ import annotations

import json
from pathlib import Path

from replenish.sweep.metrics import RunResult, coalition_month
from replenish.sweep.results import (
    month_quantiles,
    number_quantiles,
    sweep_dict,
    write_results,
)

from .support import one_line


def test_month_quantiles_count_never_back_as_latest() -> None:
    assert month_quantiles([3, 1, 2, 4, 5, 6, 7, 8, 9, 10]) == {"p10": 1, "p50": 5, "p90": 9}
    runs: list[int | None] = [4, None, 2, None, 3, 5, 6, 7, 8, None]
    assert month_quantiles(runs) == {"p10": 2, "p50": 6, "p90": None}
    assert month_quantiles([None, None, 1]) == {"p10": 1, "p50": None, "p90": None}
    assert month_quantiles([]) == {"p10": None, "p50": None, "p90": None}


def test_number_quantiles_interpolate_and_skip_nothing_due() -> None:
    assert number_quantiles([0.0, 1.0]) == {"p10": 0.1, "p50": 0.5, "p90": 0.9}
    assert number_quantiles([None, None]) == {"p10": None, "p50": None, "p90": None}


def test_the_coalition_is_back_when_its_last_member_is() -> None:
    assert coalition_month({"A": 3, "B": 7}) == 7
    assert coalition_month({"A": 3, "B": None}) is None


def test_sweep_json_has_the_agreed_shape(tmp_path: Path) -> None:
    sc = one_line()
    runs = {k: RunResult(run=k, status="done", on_time={"all": 0.5 + k / 10, "1": 0.5},
                         back_at_floor={"AAA": k if k < 3 else None},
                         back_at_target={"AAA": None}, idle_system_months=1.0,
                         cost={"AAA": 10.0 * k}, below_target_value=[5.0] * 8,
                         on_time_share=[None, None, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
            for k in range(4)}
    runs[4] = RunResult(run=4, status="failed", error="infeasible plan: P1")
    sweep = sweep_dict(sc, "fixed", 3, 6, {"pledge_lapse": {"distribution": "probability",
                                                             "p": 0.1}}, runs)
    write_results(tmp_path, sc, sweep, runs)
    written = json.loads((tmp_path / "sweep.json").read_text(encoding="utf-8"))
    assert written == sweep
    assert list(written) == [
        "scenario", "mode", "seed", "runs", "done", "failed", "start", "horizon_months",
        "months", "uncertainty", "on_time", "back_at_floor", "back_at_target",
        "idle_system_months", "cost", "series", "headline"]
    assert (written["runs"], written["done"]) == (6, 4)
    assert written["failed"] == [{"run": 4, "error": "infeasible plan: P1"}]
    assert written["back_at_floor"] == {"AAA": {"p10": "2030-01", "p50": "2030-02",
                                                "p90": None}}
    assert written["headline"] == ("back at floor: P10 2030-01, P50 2030-02, P90 not within "
                                   "the horizon")
    assert written["series"]["on_time_share"]["p50"][:3] == [None, None, 0.5]
    assert written["cost"]["AAA"]["p50"] == 15.0
    rows = (tmp_path / "runs.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 7 and rows[5].startswith("4,failed,") and rows[6].startswith(
        "5,not run,")
    assert "back_at_floor,coalition,2030-01,2030-02," in (
        tmp_path / "quantiles.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quantiles.csv", "runs.csv",
                                                          "sweep.json"]
