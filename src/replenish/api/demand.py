"""What the latest plan says to outsiders: industry's demand signal, recipients' deliveries.

Both read the plan files' rows as stored with the plan job (file name -> rows, columns as in
DESIGN.md "Plan format"), and are kept as small pure functions so that another computation
(e.g. from replenish.reports) can replace them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

Rows = Sequence[Mapping[str, Any]]
Files = Mapping[str, Rows]


def plan_file(files: Files, name: str) -> Rows:
    """The rows of plan file `name` ('orders' or 'orders.csv'), none if the plan lacks it."""
    return files.get(name) or files.get(f"{name}.csv") or ()


def month_key(month: Any) -> tuple[int, int, str]:
    """Sort key for months given as offsets or as YYYY-MM text."""
    return (0, month, "") if isinstance(month, int) else (1, 0, str(month))


def demand_signal(files: Files, producer: str | None) -> list[dict[str, Any]]:
    """Per line and month: committed offtake (units ordered) and the capacity added by then.

    Orders count in their production month; an expansion counts from its `available_from`
    month on. Buyers are summed, so no member's own orders show.
    """
    offtake: dict[tuple[str, str], dict[Any, float]] = defaultdict(lambda: defaultdict(float))
    for order in plan_file(files, "orders"):
        if producer is None or order["producer"] == producer:
            line = (str(order["producer"]), str(order["item"]))
            offtake[line][order["production_month"]] += float(order["quantity"])
    added: dict[tuple[str, str], list[tuple[Any, float]]] = defaultdict(list)
    for expansion in plan_file(files, "expansions"):
        if producer is None or expansion["producer"] == producer:
            line = (str(expansion["producer"]), str(expansion["item"]))
            added[line].append((expansion["available_from"], float(expansion["added_capacity"])))
            offtake[line].setdefault(expansion["available_from"], 0.0)
    rows = []
    for line in sorted(offtake):
        for month in sorted(offtake[line], key=month_key):
            capacity = sum(quantity for since, quantity in added[line]
                           if month_key(since) <= month_key(month))
            rows.append({"producer": line[0], "item": line[1], "month": str(month),
                         "offtake": offtake[line][month], "expansion": capacity})
    return rows


def deliveries(files: Files, recipient: str | None) -> list[dict[str, Any]]:
    """Donations to the recipient and orders bought for it, by arrival month."""
    rows = [
        {"recipient": d["recipient"], "source": "donation", "supplier": d["donor"],
         "item": d["item"], "arrival_month": d["arrival_month"],
         "quantity": float(d["quantity"]), "pledge": d.get("pledge") or None}
        for d in plan_file(files, "donations")
        if recipient is None or d["recipient"] == recipient
    ]
    rows += [
        {"recipient": o["destination"], "source": "order", "supplier": o["buyer"],
         "item": o["item"], "arrival_month": o["arrival_month"],
         "quantity": float(o["quantity"]), "pledge": None}
        for o in plan_file(files, "orders")
        if o["destination"] != o["buyer"] and (recipient is None or o["destination"] == recipient)
    ]
    rows.sort(key=lambda r: (str(r["recipient"]), month_key(r["arrival_month"]), r["item"]))
    return [{**r, "arrival_month": str(r["arrival_month"])} for r in rows]
