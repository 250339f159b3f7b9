"""Helpers shared by the planning tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

from replenish.model.records import Scenario
from replenish.plan.check import check_plan, check_summary
from replenish.plan.records import Plan
from replenish.plan.writer import summary_dict, write_plan


def checked(scenario: Scenario, plan: Plan) -> None:
    """Write the plan and assert the independent checker finds nothing in it."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_plan(plan, scenario, out, summary_dict(plan, scenario))
        assert check_plan(scenario, out) == []
        assert check_summary(scenario, out) == []
