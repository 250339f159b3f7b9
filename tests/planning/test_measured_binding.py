"""DESIGN.md "Explanations": applying each `binding[].change` to the scenario and planning
again gives the `effect` that was reported — on the demo and on generated scenarios."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from replenish.cli import run

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "coalition"
TOTALS = ("on_time", "late", "unmet", "readiness", "idle_system_months", "cost")


def _summary(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def _apply(scenario: Path, change: dict[str, Any]) -> None:
    """Edit one cell of a scenario file as `change` says; the cell must read `from` first."""
    path = scenario / change["file"]
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
        header = list(rows[0].keys())
    hits = [r for r in rows if all(r[k] == v for k, v in change["match"].items())]
    assert len(hits) == 1, f"{change['match']} names {len(hits)} rows of {change['file']}"
    assert hits[0][change["column"]] == change["from"]
    hits[0][change["column"]] = change["to"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _totals(s: dict[str, Any]) -> dict[str, Any]:
    req = s["requirements"]
    return {"on_time": req["on_time"], "late": req["late"], "unmet": req["unmet"],
            "readiness": s["readiness"], "idle_system_months": s["idle_system_months"],
            "cost": s["cost"], "by_priority": req["by_priority"],
            "cost_by_member": {m: sum(r["spent"] for r in rows)
                               for m, rows in s["spending"].items()}}


def _check_binding(scenario: Path, tmp_path: Path) -> int:
    base = tmp_path / "base"
    assert run(["plan", str(scenario), "--out", str(base), "--no-greedy"]) == 0
    summary = _summary(base)
    before = _totals(summary)
    for k, b in enumerate(summary["binding"]):
        assert set(b) >= {"kind", "name", "change", "effect", "message"}
        edited = tmp_path / f"edited{k}"
        shutil.copytree(scenario, edited)
        _apply(edited, b["change"])
        again = tmp_path / f"again{k}"
        assert run(["plan", str(edited), "--out", str(again), "--no-greedy",
                    "--no-explain"]) == 0
        after = _totals(_summary(again))
        effect = b["effect"]
        for key in TOTALS:
            tol = 0.05 if key == "cost" else 1e-4
            assert after[key] - before[key] == pytest.approx(effect[key], abs=tol), (b, key)
        assert any(effect[key] for key in TOTALS), b
        for p, row in after["by_priority"].items():
            for key in ("on_time", "late", "unmet"):
                want = effect.get("by_priority", {}).get(p, {}).get(key, 0.0)
                got = row[key] - before["by_priority"][p][key]
                assert got == pytest.approx(want, abs=1e-4), (b, p, key)
        for m in set(after["cost_by_member"]) | set(before["cost_by_member"]):
            got = after["cost_by_member"].get(m, 0.0) - before["cost_by_member"].get(m, 0.0)
            want = effect.get("cost_by_member", {}).get(m, 0.0)
            assert got == pytest.approx(want, abs=0.05), (b, m)
        assert "objective" not in b["message"]
    return len(summary["binding"])


def test_the_demos_changes_give_their_effects(tmp_path: Path) -> None:
    assert _check_binding(EXAMPLE, tmp_path) >= 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_scenarios_changes_give_their_effects(tmp_path: Path, seed: int) -> None:
    scenario = tmp_path / "scenario"
    assert run(["generate", "--nations", "4", "--items", "12", "--months", "12",
                "--seed", str(seed), str(scenario)]) == 0
    _check_binding(scenario, tmp_path)


def test_no_explain_leaves_binding_empty_and_says_why(tmp_path: Path) -> None:
    assert run(["plan", str(EXAMPLE), "--out", str(tmp_path), "--no-explain",
                "--no-greedy"]) == 0
    summary = _summary(tmp_path)
    assert summary["binding"] == []
    assert "not measured" in summary["explanations"]


@pytest.mark.parametrize(("change", "words"), [
    ({"file": "nations.csv", "match": {"code": "AAA"}, "column": "annual_budget",
      "from": "50000000", "to": "55000000"}, "AAA's budget at 55 M a year instead of 50 M"),
    ({"file": "pledges.csv", "match": {"id": "P1"}, "column": "status", "from": "committed",
      "to": "announced"}, "pledge P1 released"),
    ({"file": "production_lines.csv", "match": {"producer": "X", "item": "gun"},
      "column": "lead_time", "from": "3", "to": "2"}, "delivering in 2 months instead of 3"),
])
def test_each_change_is_said_in_words(change: dict[str, Any], words: str) -> None:
    from replenish.planning.measure import change_words

    assert words in change_words(change)


def test_a_re_plan_a_time_limit_stopped_says_so_and_one_with_time_does_not() -> None:
    # a measured effect is the plan with the change minus the plan without; where a time
    # limit stopped the re-plan, part of that difference may be the limit's, and the entry
    # says so (its count, and its words); with time enough it says nothing of the kind
    import dataclasses

    from replenish.planning import plan_scenario
    from replenish.planning.explain import capacity_change
    from replenish.planning.measure import binding_message, measure_binding
    from replenish.planning.options import PlanOptions
    from replenish.scenario.generator import generate_scenario

    scenario = generate_scenario(4, 16, 8, seed=2)
    options = PlanOptions(decompose="always", explain="never", compare_greedy=False)
    plan = plan_scenario(scenario, options)
    line = scenario.lines[0]
    candidate = {"kind": "capacity", "name": f"{line.producer}/{line.item}",
                 "change": capacity_change(scenario, line.producer, line.item),
                 "shadow_price": 1.0}
    said = {}
    for limit in (0.01, 600.0):
        def planner(changed: Any, o: PlanOptions, limit: float = limit) -> Any:
            return plan_scenario(changed, dataclasses.replace(o, time_limit=limit))
        entries = measure_binding(scenario, plan, [candidate], options, planner)
        said[limit] = entries[0] if entries else None
    short, long = said[0.01], said[600.0]
    assert short is not None and short["stopped_by_time"] >= 1, short
    assert "a time limit stopped" in short["message"]
    assert "re-plan's searches" in binding_message(short)
    assert long is None or (long["stopped_by_time"] == 0
                            and "time limit" not in long["message"]), long
