"""The API's demand signal is the `replenish signal` command's, read from the stored files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from replenish.api.demand import deliveries, demand_signal
from replenish.api.planner import jsonable
from replenish.model.records import Scenario
from replenish.plan.records import Plan
from replenish.plan.writer import plan_tables, summary_dict
from replenish.reports.signal import signal_rows

DEMO = Path(__file__).parent.parent.parent / "examples" / "coalition"


def _changes(cli: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The command's rows in the months where a line's offtake or added capacity changes."""
    out, before = [], {}
    for r in cli:
        line = (r["producer"], r["item"])
        if r["committed"] or r["expansion"] != before.get(line, 0.0):
            out.append({"producer": r["producer"], "item": r["item"], "month": r["month"],
                        "offtake": r["committed"], "expansion": r["expansion"]})
        before[line] = r["expansion"]
    return sorted(out, key=lambda r: (r["producer"], r["item"], r["month"]))


def test_the_api_and_the_command_give_the_same_signal(
        demo: tuple[Scenario, Plan, Path]) -> None:
    sc, plan, folder = demo
    stored = jsonable(plan_tables(plan, sc))          # what a finished plan job keeps
    cli = signal_rows(folder, sc)
    api = demand_signal(stored, None)
    assert api == _changes(cli)
    assert api == demand_signal(stored, None, jsonable(summary_dict(plan, sc)))
    assert sum(r["offtake"] for r in api) == pytest.approx(sum(o.quantity for o in plan.orders))
    producer = plan.orders[0].producer
    assert demand_signal(stored, producer) == [r for r in api if r["producer"] == producer]


def test_deliveries_are_the_plans_arrivals_at_recipients(
        demo: tuple[Scenario, Plan, Path]) -> None:
    sc, plan, _ = demo
    rows = deliveries(jsonable(plan_tables(plan, sc)), None)
    recipients = {n.code for n in sc.recipients}
    expected = len(plan.donations) + sum(o.destination in recipients for o in plan.orders)
    assert len(rows) == expected
    assert [(r["recipient"], r["arrival_month"]) for r in rows] == \
        sorted((r["recipient"], r["arrival_month"]) for r in rows)
