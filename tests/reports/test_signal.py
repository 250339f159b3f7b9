"""The demand signal to industry: committed and announced offtake, capacity and expansion."""

from __future__ import annotations

import csv
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from replenish import cli
from replenish.errors import ScenarioError
from replenish.model.records import Scenario
from replenish.plan.records import Plan
from replenish.plan.writer import summary_dict, write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.reports.signal import COLUMNS, line_summary, read_signal, signal_rows
from replenish.scenario.reader import read_scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"
FIXTURE = SCENARIOS / "joint_signal"


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Plan, Path]:
    """joint_signal planned once: PX (5/month) expands, PY (15/month) does not; R1 asks 400."""
    sc = read_scenario(FIXTURE)
    plan = plan_scenario(sc, PlanOptions(compare_greedy=False))
    folder = tmp_path_factory.mktemp("signal") / "plan"
    summary = summary_dict(plan, sc)
    summary["scenario"] = str(FIXTURE)
    write_plan(plan, sc, folder, summary)
    return sc, plan, folder


def _copy(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / "plan"))


def test_rows_follow_the_plan(planned: tuple[Scenario, Plan, Path]) -> None:
    sc, plan, folder = planned
    rows = signal_rows(folder, sc)
    assert len(rows) == len(sc.lines) * sc.horizon and set(rows[0]) == set(COLUMNS)
    by = {(r["producer"], r["item"], r["month"]): r for r in rows}
    ordered: dict[tuple[str, str, str], float] = defaultdict(float)
    for o in plan.orders:
        ordered[(o.producer, o.item, sc.settings.month(o.production_month))] += o.quantity
    for key, row in by.items():
        assert row["committed"] == ordered.get(key, 0.0)
    for p in plan.production:
        assert by[(p.producer, p.item, sc.settings.month(p.month))]["capacity"] == p.capacity
    (expansion,) = plan.expansions
    assert [by[("PX", "shell", sc.settings.month(t))]["expansion"] for t in range(6)] == \
        [0, 0] + [expansion.added_capacity] * 4


def test_announced_is_unmet_requirement_split_by_base_capacity(
        planned: tuple[Scenario, Plan, Path]) -> None:
    sc, plan, folder = planned
    unmet = 400 - sum(f.quantity for f in plan.fulfilment)
    assert unmet > 0
    rows = signal_rows(folder, sc)
    announced = {(r["producer"], r["month"]): r["announced"] for r in rows if r["announced"]}
    # R1 is needed by 2027-04; one month of lead time: the last production month is 2027-03
    assert announced == pytest.approx({("PX", "2027-03"): unmet * 5 / 20,
                                       ("PY", "2027-03"): unmet * 15 / 20})


def test_committed_orders_justify_the_planned_expansion(
        planned: tuple[Scenario, Plan, Path]) -> None:
    sc, _, folder = planned
    summary = {r["item"] + r["producer"]: r for r in line_summary(read_signal(folder, sc),
                                                                   sc.horizon)}
    px, py = summary["shellPX"], summary["shellPY"]
    assert px["expansion"] == 10 and px["justified"] >= px["expansion"]
    assert px["justified_with_announced"] >= px["justified"]
    assert py["expansion"] == 0 and py["justified"] == 0      # PY cannot expand


def test_command_reads_the_scenario_from_the_summary(planned: tuple[Scenario, Plan, Path],
                                                     tmp_path: Path) -> None:
    folder = _copy(planned[2], tmp_path)
    assert cli.run(["signal", str(folder)]) == 0
    with (folder / "signal.csv").open(newline="", encoding="utf-8") as fh:
        assert csv.DictReader(fh).fieldnames == COLUMNS
    html = (folder / "signal.html").read_text(encoding="utf-8")
    assert "<b>Announced</b>" in html and "PX" in html
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert ET.fromstring(svg).tag.endswith("svg")


def test_command_without_a_scenario_says_what_to_pass(planned: tuple[Scenario, Plan, Path],
                                                      tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy(planned[2], tmp_path)
    data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    del data["scenario"]
    (folder / "summary.json").write_text(json.dumps(data), encoding="utf-8")
    assert cli.run(["signal", str(folder)]) == 2
    assert "pass --scenario DIR" in capsys.readouterr().err
    assert cli.run(["signal", str(folder), "--scenario", str(FIXTURE),
                 "--out", str(tmp_path / "sig")]) == 0
    assert (tmp_path / "sig" / "signal.html").is_file()


def test_missing_file_and_foreign_scenario_are_named(planned: tuple[Scenario, Plan, Path],
                                                     tmp_path: Path) -> None:
    folder = _copy(planned[2], tmp_path)
    other = read_scenario(SCENARIOS / "joint_pool")
    with pytest.raises(ScenarioError, match="is it the scenario this plan was made from"):
        read_signal(folder, other)
    (folder / "orders.csv").unlink()
    with pytest.raises(ScenarioError) as caught:
        read_signal(folder, planned[0])
    assert [p.file for p in caught.value.problems] == [str(folder / "orders.csv")]
