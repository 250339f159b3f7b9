"""What the latest plan says to outsiders: industry's demand signal, recipients' deliveries.

Both read the plan files as stored with the plan job (file name -> rows, columns as in
DESIGN.md "Plan format") through the plan reader, and the signal is the one of
replenish.reports.signal, as the `replenish signal` command writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from replenish.plan.reader import PlanFiles, plan_month, read_plan
from replenish.reports.signal import offtake_rows


def _with_summary(files: PlanFiles, summary: Mapping[str, Any] | None) -> PlanFiles:
    """The stored files with the job's summary (its start month) as summary.json."""
    return {**files, "summary.json": summary} if summary is not None else files


def demand_signal(files: PlanFiles, producer: str | None,
                  summary: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Per line and month in which it changes: committed offtake and the capacity added by then.

    Buyers are summed, so no member's own orders show. `summary` is the plan's summary.json,
    whose start and horizon place the months; without it they count from the plan's first.
    """
    if not files:
        return []
    plan = read_plan(_with_summary(files, summary), files=("orders.csv", "expansions.csv"))
    return offtake_rows(plan, producer)


def deliveries(files: PlanFiles, recipient: str | None,
               summary: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Donations to the recipient and orders bought for it, by arrival month."""
    if not files:
        return []
    plan = read_plan(_with_summary(files, summary), files=("donations.csv", "orders.csv"))
    rows: list[tuple[str, int, str, dict[str, Any]]] = [
        (d.recipient, d.arrival_month, d.item,
         {"recipient": d.recipient, "source": "donation", "supplier": d.donor, "item": d.item,
          "quantity": d.quantity, "pledge": d.pledge})
        for d in plan.donations if recipient is None or d.recipient == recipient
    ]
    rows += [
        (o.destination, o.arrival_month, o.item,
         {"recipient": o.destination, "source": "order", "supplier": o.buyer, "item": o.item,
          "quantity": o.quantity, "pledge": None})
        for o in plan.orders
        if o.destination != o.buyer and (recipient is None or o.destination == recipient)
    ]
    rows.sort(key=lambda r: r[:3])
    return [{**row, "arrival_month": plan_month(plan, month)} for _, month, _, row in rows]
