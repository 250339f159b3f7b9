"""Until the planner plans deliveries, planning a scenario with routes.csv is refused (exit 2),
never done without its transport limits: plan, compare, sweep and the API's plan jobs."""

from __future__ import annotations

from pathlib import Path

import pytest

from replenish.api.planner import ignore_progress, plan_files
from replenish.cli import run
from replenish.errors import ScenarioError
from replenish.scenario import read_scenario

DELIVERY = Path(__file__).parents[1] / "scenarios" / "delivery"
REFUSAL = "planning deliveries through routes is not available in this version yet"


@pytest.mark.parametrize("argv", [
    ["plan", str(DELIVERY), "--out", "{out}"],
    ["compare", str(DELIVERY), "--out", "{out}"],
    ["sweep", str(DELIVERY), "--runs", "1", "--out", "{out}"],
])
def test_commands_that_plan_refuse_routes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
) -> None:
    out = tmp_path / "out"
    assert run([a.format(out=out) for a in argv]) == 2
    err = capsys.readouterr().err
    assert "routes.csv" in err and REFUSAL in err
    assert "Traceback" not in err
    assert not (out / "summary.json").exists()


def test_validate_still_accepts_routes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", str(DELIVERY)]) == 0


def test_a_plan_job_refuses_routes() -> None:
    with pytest.raises(ScenarioError) as caught:
        plan_files(read_scenario(DELIVERY), ignore_progress)
    [problem] = caught.value.problems
    assert problem.file == "routes.csv" and REFUSAL in problem.message
