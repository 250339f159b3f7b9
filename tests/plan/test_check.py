"""The plan checker on hand-written plans: one valid plan, then one broken rule at a time."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from replenish.model.records import Scenario
from replenish.plan.check import assert_plan_valid, check_plan, check_summary
from replenish.scenario.reader import read_scenario

FIXTURE = Path(__file__).parent.parent / "scenarios" / "plan_check"


def _stock_rows(nation: str, item: str, levels: list[float], floor: str, target: str) -> str:
    return "".join(f"{nation},{item},2025-{m + 1:02d},{q:g},{floor},{target}\n"
                   for m, q in enumerate(levels))


# Pledge P1 takes AA's shells below floor (allowed); PX expands by 5 from 2025-02 against
# pooled orders; BB buys shells for RR; R2 (a family requirement) is short by 2.
VALID: dict[str, str] = {
    "donations.csv": """donor,recipient,item,dispatch_month,arrival_month,quantity,pledge
AA,RR,shell,2025-01,2025-02,60,P1
AA,RR,how,2025-01,2025-02,4,
BB,RR,gun,2025-01,2025-02,3,
""",
    "orders.csv": "buyer,destination,producer,item,production_month,arrival_month,quantity,"
    """unit_price,contract
AA,AA,PX,shell,2025-01,2025-02,10,2,
AA,AA,PX,shell,2025-02,2025-03,15,2,
BB,RR,PX,shell,2025-03,2025-04,15,2,
BB,RR,PX,shell,2025-04,2025-05,10,2,
""",
    "production.csv": """producer,item,month,quantity,capacity
PX,shell,2025-01,10,10
PX,shell,2025-02,15,15
PX,shell,2025-03,15,15
PX,shell,2025-04,10,15
""",
    "expansions.csv": """producer,item,buyer,added_capacity,available_from
PX,shell,,5,2025-02
""",
    "stocks.csv": "nation,item,month,on_hand,floor,target\n"
    + _stock_rows("AA", "how", [6, 6, 6, 6], "4", "6")
    + _stock_rows("AA", "shell", [40, 50, 65, 65], "50", "80")
    + _stock_rows("BB", "gun", [2, 2, 2, 2], "2", "5")
    + _stock_rows("BB", "fuel", [10.5, 10.5, 10.5, 10.5], "2", "2")
    + _stock_rows("RR", "how", [0, 4, 4, 4], "", "")
    + _stock_rows("RR", "gun", [0, 3, 3, 3], "", "")
    + _stock_rows("RR", "shell", [0, 60, 60, 75], "", ""),
    "fulfilment.csv": """requirement,item,arrival_month,quantity,late
R1,how,2025-02,4,false
R2,gun,2025-02,3,false
R3,shell,2025-02,60,true
R3,shell,2025-04,10,true
""",
    "summary.json": json.dumps({
        "status": "optimal", "objective": 0.0, "procurement": "joint",
        "requirements": {"quantity": 79, "on_time": 7, "late": 70, "unmet": 2},
        "readiness": 10, "cost": 125, "expansion": 5, "timings": {},
    }),
}

Edit = tuple[str, str, str]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return read_scenario(FIXTURE)


def _write(tmp_path: Path, edits: Sequence[Edit] = ()) -> Path:
    """The valid plan with each (file, old, new) replacement applied, written to tmp_path."""
    files = dict(VALID)
    for name, old, new in edits:
        assert old in files[name], f"{old!r} not in {name}"
        files[name] = files[name].replace(old, new)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _tweak(scenario: Scenario, **settings: object) -> Scenario:
    return dataclasses.replace(scenario, settings=dataclasses.replace(scenario.settings,
                                                                      **settings))


def test_valid_plan_has_no_violations(scenario: Scenario, tmp_path: Path) -> None:
    assert check_plan(scenario, _write(tmp_path)) == []
    assert_plan_valid(scenario, tmp_path)


def test_national_plan_with_one_expansion_per_buyer_is_valid(
        scenario: Scenario, tmp_path: Path) -> None:
    rows = "PX,shell,AA,3,2025-02\nPX,shell,BB,2,2025-02\n"
    edits = [("expansions.csv", "PX,shell,,5,2025-02\n", rows),
             ("summary.json", '"joint"', '"national"')]
    assert check_plan(_tweak(scenario, procurement="national"), _write(tmp_path, edits)) == []


CASES: list[tuple[str, list[Edit], str, list[str]]] = [
    ("member balance", [("stocks.csv", "AA,shell,2025-03,65", "AA,shell,2025-03,64")],
     "stock balance", ["AA shell 2025-03"]),
    ("recipient balance", [("stocks.csv", "RR,shell,2025-04,75", "RR,shell,2025-04,70")],
     "stock balance", ["RR shell 2025-04"]),
    ("missing stock row", [("stocks.csv", "BB,gun,2025-03,2,2,5\n", "")],
     "stocks", ["BB gun 2025-03", "no row"]),
    ("negative stock", [("donations.csv", "BB,RR,gun,",
                         "BB,RR,fuel,2025-01,2025-02,11,\nBB,RR,gun,"),
                        ("stocks.csv", "10.5,2,2", "-0.5,2,2")],
     "negative stock", ["BB fuel 2025-01"]),
    ("donation below floor", [("donations.csv", "AA,RR,how,2025-01,2025-02,4,",
                               "AA,RR,how,2025-01,2025-02,7,"),
                              ("stocks.csv", ",6,4,6", ",3,4,6")],
     "readiness floor", ["AA how 2025-01", "below floor 4"]),
    ("untagged pledge breaks the floor", [("donations.csv", "60,P1", "60,")],
     "readiness floor", ["AA shell 2025-01"]),
    ("untagged pledge is not dispatched", [("donations.csv", "60,P1", "60,")],
     "pledge", ["P1", "AA shell", "2025-01", "dispatched 0 of 60"]),
    ("short pledge", [("donations.csv", "60,P1", "50,P1")],
     "pledge", ["P1", "dispatched 50 of 60"]),
    ("late pledge", [("donations.csv", "AA,RR,shell,2025-01,2025-02,60,P1",
                      "AA,RR,shell,2025-02,2025-03,60,P1")],
     "pledge", ["P1", "2025-02", "too late"]),
    ("over capacity", [("orders.csv", "2025-04,2025-05,10,", "2025-04,2025-05,16,"),
                       ("production.csv", "PX,shell,2025-04,10,15", "PX,shell,2025-04,16,15")],
     "capacity", ["PX shell 2025-04", "exceed capacity 15"]),
    ("production is not the orders", [("production.csv", "2025-01,10,10", "2025-01,9,10")],
     "production", ["PX shell 2025-01", "orders sum to 10"]),
    ("capacity column", [("production.csv", "2025-02,15,15", "2025-02,15,10")],
     "production", ["PX shell 2025-02", "expected 15"]),
    ("joint commitment", [("orders.csv", "2025-04,2025-05,10,", "2025-04,2025-05,5,"),
                          ("production.csv", "2025-04,10,15", "2025-04,5,15")],
     "commitment", ["PX shell", "needs 10"]),
    ("above max expansion", [("expansions.csv", ",5,", ",12,")],
     "expansion", ["PX shell", "max_expansion 10"]),
    ("below min expansion", [("expansions.csv", ",5,", ",1,")],
     "expansion", ["PX shell", "min_expansion 2"]),
    ("expansion too early", [("expansions.csv", "5,2025-02", "5,2025-01")],
     "expansion", ["PX shell", "available_from 2025-01"]),
    ("order lead time", [("orders.csv", "AA,AA,PX,shell,2025-01,2025-02",
                          "AA,AA,PX,shell,2025-01,2025-03")],
     "lead time", ["AA->AA PX shell 2025-01", "expected 2025-02"]),
    ("donation lead time", [("donations.csv", "BB,RR,gun,2025-01,2025-02",
                             "BB,RR,gun,2025-01,2025-03")],
     "lead time", ["BB->RR gun 2025-01", "expected 2025-02"]),
    ("recipient buys", [("orders.csv", "BB,RR,PX,shell,2025-04", "RR,RR,PX,shell,2025-04")],
     "roles", ["RR->RR PX shell 2025-04", "not a member"]),
    ("buys for another member", [("orders.csv", "BB,RR,PX,shell,2025-03",
                                  "BB,AA,PX,shell,2025-03")],
     "roles", ["BB->AA PX shell 2025-03", "destination"]),
    ("donates to a member", [("donations.csv", "BB,RR,gun", "BB,AA,gun")],
     "roles", ["BB->AA gun 2025-01", "not a recipient"]),
    ("wrong family", [("fulfilment.csv", "R1,how", "R1,gun")],
     "fulfilment", ["R1 RR gun 2025-02", "is not how"]),
    ("late flag", [("fulfilment.csv", "R1,how,2025-02,4,false", "R1,how,2025-02,4,true")],
     "fulfilment", ["R1 RR how 2025-02", "late=true"]),
    ("more than required", [("fulfilment.csv", "R1,how,2025-02,4", "R1,how,2025-02,5")],
     "fulfilment", ["R1", "exceeds quantity 4"]),
    ("more than arrived", [("fulfilment.csv", "R2,gun,2025-02,3", "R2,gun,2025-02,4")],
     "fulfilment", ["RR gun 2025-02", "exceeds arrivals 3"]),
    ("fractional platform", [("donations.csv", "AA,RR,how,2025-01,2025-02,4,",
                              "AA,RR,how,2025-01,2025-02,4.5,")],
     "integrality", ["donations.csv:3", "AA RR how 2025-01 2025-02", "4.5"]),
    ("summary totals", [("summary.json", '"late": 70', '"late": 71')],
     "summary", ["requirements.late", "71"]),
    ("summary cost", [("summary.json", '"cost": 125', '"cost": 100')],
     "summary", ["cost", "125"]),
    ("bad cell", [("orders.csv", "2025-02,10,2,", "2025-02,x,2,")],
     "format", ["orders.csv:2", "quantity"]),
    ("bad month", [("donations.csv", "BB,RR,gun,2025-01", "BB,RR,gun,2025-13")],
     "format", ["donations.csv:4", "dispatch_month"]),
]


def _found(violations: list[str], rule: str, fragments: list[str]) -> bool:
    return any(v.startswith(f"[{rule}] ") and all(f in v for f in fragments) for v in violations)


@pytest.mark.parametrize(("edits", "rule", "fragments"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_broken_rule_is_named(scenario: Scenario, tmp_path: Path, edits: list[Edit],
                                   rule: str, fragments: list[str]) -> None:
    violations = check_plan(scenario, _write(tmp_path, edits))
    assert _found(violations, rule, fragments), violations


def test_below_aid_lets_donations_cross_floors(scenario: Scenario, tmp_path: Path) -> None:
    edits = [("donations.csv", "AA,RR,how,2025-01,2025-02,4,", "AA,RR,how,2025-01,2025-02,7,"),
             ("stocks.csv", ",6,4,6", ",3,4,6")]
    plan = _write(tmp_path, edits)
    assert _found(check_plan(scenario, plan), "readiness floor", ["AA how"])
    relaxed = check_plan(_tweak(scenario, readiness="below_aid"), plan)
    assert not any(v.startswith("[readiness floor]") for v in relaxed), relaxed


def test_budget_includes_the_shared_expansion_cost(scenario: Scenario, tmp_path: Path) -> None:
    plan = _write(tmp_path)

    def with_budget(limit: float) -> Scenario:
        nations = tuple(dataclasses.replace(n, annual_budget=limit) if n.code == "AA" else n
                        for n in scenario.nations)
        return dataclasses.replace(scenario, nations=nations)

    # AA pays 20 + 30 for its orders and 25 x 15/40 of PX's expansion: 59.375.
    assert check_plan(with_budget(59.375), plan) == []
    violations = check_plan(with_budget(59), plan)
    assert _found(violations, "budget", ["AA year 1", "2025-01..2025-12", "59.38"]), violations


def test_a_large_budget_is_held_to_the_cent(scenario: Scenario, tmp_path: Path) -> None:
    # the same plan (AA spends 59.375), budgets scaled up as if in millions: 59,375,000 spent
    plan = _write(tmp_path)
    nations = tuple(dataclasses.replace(n, annual_budget=59_375_000 - 1.24) if n.code == "AA"
                    else n for n in scenario.nations)
    lines = tuple(dataclasses.replace(ln, unit_price=ln.unit_price * 1e6,
                                      expansion_cost=ln.expansion_cost * 1e6)
                  for ln in scenario.lines)
    big = dataclasses.replace(scenario, nations=nations, lines=lines)
    for name in ("orders.csv",):
        text = (plan / name).read_text(encoding="utf-8").splitlines()
        head = text[0].split(",")
        price = head.index("unit_price")
        rows = [text[0]] + [",".join(c if k != price else f"{float(c) * 1e6:g}"
                                     for k, c in enumerate(line.split(",")))
                            for line in text[1:]]
        (plan / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    (plan / "contracts.csv").unlink(missing_ok=True)
    # 1.24 over 59,373,998.76 is 2e-8 of it: a relative tolerance of 1e-6 let it through
    violations = check_plan(big, plan)
    assert _found(violations, "budget", ["AA year 1", "59,375,000.00"]), violations
    within = dataclasses.replace(big, nations=tuple(
        dataclasses.replace(n, annual_budget=59_375_000 - 0.005) if n.code == "AA" else n
        for n in scenario.nations))
    assert not [v for v in check_plan(within, plan) if v.startswith("[budget]")]


def test_national_commitment_is_per_buyer(scenario: Scenario, tmp_path: Path) -> None:
    rows = "PX,shell,AA,8,2025-02\nPX,shell,BB,2,2025-02\n"
    edits = [("expansions.csv", "PX,shell,,5,2025-02\n", rows)]
    violations = check_plan(_tweak(scenario, procurement="national"), _write(tmp_path, edits))
    assert _found(violations, "commitment", ["PX shell AA", "own orders 15", "needs 16"])
    assert not _found(violations, "commitment", ["PX shell BB"])


def test_joint_expansion_in_national_mode_is_refused(scenario: Scenario, tmp_path: Path) -> None:
    violations = check_plan(_tweak(scenario, procurement="national"), _write(tmp_path))
    assert _found(violations, "expansion", ["PX shell", "national mode"])
    assert _found(violations, "summary", ["procurement"])


def test_missing_file_is_reported(scenario: Scenario, tmp_path: Path) -> None:
    plan = _write(tmp_path)
    (plan / "expansions.csv").unlink()
    (plan / "summary.json").unlink()
    violations = check_plan(scenario, plan)
    assert "[format] expansions.csv: file missing" in violations
    assert "[format] summary.json: file missing" in violations


def test_check_summary_alone(scenario: Scenario, tmp_path: Path) -> None:
    assert check_summary(scenario, _write(tmp_path)) == []
    edits = [("summary.json", '"readiness": 10', '"readiness": 0')]
    assert _found(check_summary(scenario, _write(tmp_path, edits)), "summary", ["readiness"])


def test_assert_plan_valid_lists_violations(scenario: Scenario, tmp_path: Path) -> None:
    plan = _write(tmp_path, [("fulfilment.csv", "R1,how", "R1,gun")])
    with pytest.raises(AssertionError, match=r"\[fulfilment\] requirement R1"):
        assert_plan_valid(scenario, plan)
