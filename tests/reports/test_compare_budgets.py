"""compare's folders and figures keep every member within its budget (issue 17: the joint
contracts.csv was rewritten without the plan's expansion shares and charged N03 198.7 million
against 109 million a year on generated scenario seed 2)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from replenish import cli
from replenish.plan.check import check_plan
from replenish.reports.compare import MODES, money, with_procurement
from replenish.scenario.reader import read_scenario


@pytest.fixture(scope="module")
def seed_2(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The issue's scenario, compared and planned by the commands as a user runs them."""
    root = tmp_path_factory.mktemp("issue17")
    scenario, out, plan = root / "g2", root / "g2c", root / "g2p"
    assert cli.run(["generate", "--nations", "4", "--items", "16", "--months", "12",
                    "--seed", "2", str(scenario)]) == 0
    assert cli.run(["compare", str(scenario), "--out", str(out)]) == 0
    assert cli.run(["plan", str(scenario), "--out", str(plan), "--no-greedy"]) == 0
    return scenario, out, plan


def _compare_json(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    return data


def test_every_folder_compare_writes_passes_the_checker(seed_2: tuple[Path, Path, Path]) -> None:
    scenario, out, _ = seed_2
    sc = read_scenario(scenario)
    for mode in MODES:
        assert check_plan(with_procurement(sc, mode), out / mode) == []


def test_compare_json_keeps_every_member_within_its_budget(
        seed_2: tuple[Path, Path, Path]) -> None:
    scenario, out, _ = seed_2
    budgets = {n.code: n.annual_budget for n in read_scenario(scenario).members}
    assert budgets["N03"] == 109_000_000          # the member the issue saw overcharged
    data = _compare_json(out)
    for mode in MODES:
        for member, years in data[mode]["spending"].items():
            limit = budgets[member]
            for year in years:
                assert year["budget"] == limit
                if limit is not None:
                    assert year["spent"] <= limit + 0.01, (mode, member, year)
                    assert year["within_budget"]


def test_joint_spending_is_what_the_contracts_charge(seed_2: tuple[Path, Path, Path]) -> None:
    _, out, plan = seed_2
    charged: dict[str, float] = defaultdict(float)
    with open(out / "joint" / "contracts.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            charged[row["buyer"]] += float(row["cost"])
    data = _compare_json(out)
    for member, cost in data["joint"]["member_cost"].items():
        assert cost == pytest.approx(charged.get(member, 0.0), abs=0.05)
    # the joint folder is the plan `replenish plan` writes for the same scenario
    assert ((out / "joint" / "contracts.csv").read_text(encoding="utf-8")
            == (plan / "contracts.csv").read_text(encoding="utf-8"))


def test_headline_names_each_members_money_against_its_budget(
        seed_2: tuple[Path, Path, Path]) -> None:
    scenario, out, _ = seed_2
    data = _compare_json(out)
    text = data["headline"]
    for n in read_scenario(scenario).members:
        spent = data["joint"]["spending"][n.code][0]["spent"]
        alone = data["national"]["spending"][n.code][0]["spent"]
        limit = ("no budget limit" if n.annual_budget is None
                 else f"within its {money(n.annual_budget)} a year")
        assert f"{n.code} {money(spent)} in 2027 ({limit}; alone {money(alone)})" in text
    assert "(within its 109.0 million a year;" in text          # N03
    assert "of the 4,143 units the partner asked for" in text
    assert "objective" not in text and "Over budget" not in text


def test_printed_output_shows_the_headline_and_each_members_budget(
        seed_2: tuple[Path, Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    scenario, _, _ = seed_2
    assert cli.run(["compare", str(scenario), "--out", str(tmp_path / "again")]) == 0
    printed = capsys.readouterr().out
    for sentence in _compare_json(tmp_path / "again")["headline"].split(". "):
        assert sentence.rstrip(".") in printed
    assert "N03 pays in 2027 (budget 109,000,000)" in printed
    assert "OVER BUDGET" not in printed and "objective" not in printed
