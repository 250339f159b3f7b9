"""What binds, measured: re-plan with each candidate limit relaxed and report what changed.

Each candidate of `explain.py` carries a `change` (a scenario edit as data). The scenario
with that edit applied is planned again exactly as `replenish plan` would (same options,
without explanations or the greedy comparison), and the effect is the difference of the two
plans' totals (`plan.totals`): applying the change and planning again gives the effect.
Re-plans run at once on every core. They start from scratch, not from the plan's basis: a
warm start may stop at another optimum of the same objective, whose totals differ.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast, get_args

from replenish.errors import InfeasiblePlan, NoPlanInTime
from replenish.i18n import _, ngettext, number
from replenish.model.records import Mode, Route, Scenario
from replenish.plan.records import Plan
from replenish.plan.score import score_plan
from replenish.plan.totals import (
    changed,
    effect_sentence,
    money,
    plan_totals,
    totals_difference,
)
from replenish.planning.options import PlanOptions

#: the scenario file of a change, its attribute on Scenario and the key columns of a row
_FILES = {"production_lines.csv": ("lines", ("producer", "item")),
          "nations.csv": ("nations", ("code",)),
          "stocks.csv": ("stocks", ("nation", "item")),
          "pledges.csv": ("pledges", ("id",)),
          "hubs.csv": ("hubs", ("code",)),
          "routes.csv": ("routes", ("code",))}

#: a route's modes (routes.csv), and a code as the scenario files write one
MODES: tuple[str, ...] = get_args(Mode)
_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")

Planner = Callable[[Scenario, PlanOptions], Plan]


def apply_change(scenario: Scenario, change: dict[str, Any]) -> Scenario:
    """The scenario with one cell changed, as `change` states it (see explain.change), or with
    one row added: `{"file": "routes.csv", "add": {column: cell, ...}}` (see read_route)."""
    if "add" in change:
        return _add_route(scenario, change)
    attr, keys = _FILES[change["file"]]
    column, text = change["column"], change["to"]
    rows = []
    hit = False
    for row in getattr(scenario, attr):
        if all(str(getattr(row, k)) == change["match"][k] for k in keys):
            old = getattr(row, column)
            new: Any = text if isinstance(old, str) else (
                int(text) if isinstance(old, int) else (float(text) if text else None))
            row = dataclasses.replace(row, **{column: new})
            hit = True
        rows.append(row)
    if not hit:
        raise KeyError(f"{change['file']}: no row {change['match']}")
    edited: dict[str, Any] = {attr: tuple(rows)}
    return dataclasses.replace(scenario, **edited)


def _add_route(scenario: Scenario, change: dict[str, Any]) -> Scenario:
    """The scenario with the route of `change["add"]` last in routes.csv (ValueError if the
    scenario cannot take it: a code taken, an origin not a member, ...)."""
    if change["file"] != "routes.csv":
        raise KeyError(f"{change['file']}: only routes.csv takes an added row")
    if not scenario.routes:
        # a first route would put every shipment on routes, and every donor without one out
        raise ValueError("routes.csv: the scenario has no routes; a route is added only "
                         "beside others")
    route = read_route(change["add"])
    if not _CODE.fullmatch(route.code):
        raise ValueError(f"routes.csv: {route.code!r} is not a code ([A-Za-z0-9_.-]{{1,64}})")
    if route.code in {r.code for r in scenario.routes}:
        raise ValueError(f"routes.csv: the code {route.code!r} is taken")
    roles = {n.code: n.role for n in scenario.nations}
    if roles.get(route.origin) != "member":
        raise ValueError(f"routes.csv: origin {route.origin!r} is not a member")
    if roles.get(route.recipient) != "recipient":
        raise ValueError(f"routes.csv: recipient {route.recipient!r} is not a recipient")
    if route.hub is not None and route.hub not in {h.code for h in scenario.hubs}:
        raise ValueError(f"routes.csv: hub {route.hub!r} is not one of hubs.csv")
    return dataclasses.replace(scenario, routes=(*scenario.routes, route))


def read_route(cells: Mapping[str, Any]) -> Route:
    """A route from an added row's cells: texts as routes.csv holds them (an empty hub is
    direct, an empty capacity unlimited), or numbers and None (ValueError if one is bad)."""
    def blank(key: str) -> bool:
        return cells.get(key) is None or str(cells[key]).strip() == ""

    mode = str(cells["mode"])
    if mode not in MODES:
        raise ValueError(f"routes.csv: mode {mode!r} is not one of {', '.join(MODES)}")
    months = float(cells["lead_months"])
    if not months.is_integer() or months < 0:
        raise ValueError(f"routes.csv: lead_months {cells['lead_months']!r} is not a whole "
                         "number of 0 or more")
    capacity = None if blank("capacity_tonnes") else float(cells["capacity_tonnes"])
    if capacity is not None and not (math.isfinite(capacity) and capacity >= 0):
        raise ValueError(f"routes.csv: capacity_tonnes {capacity!r} is not 0 or more")
    return Route(str(cells["code"]), str(cells["origin"]),
                 None if blank("hub") else str(cells["hub"]), str(cells["recipient"]),
                 cast(Mode, mode), int(months), capacity)


def _route_words(cells: Mapping[str, Any]) -> str:
    """An added route in words: its code, ends, mode, hub, months and tonnes."""
    route = read_route(cells)
    capacity = route.capacity_tonnes
    digits = 2 if capacity is None else next(
        (d for d in (0, 1) if round(capacity, d) == capacity), 2)
    return _("a new route %(code)s from %(origin)s to %(recipient)s by %(mode)s, %(via)s, "
             "%(months)s, %(tonnes)s") % {
        "code": route.code, "origin": route.origin, "recipient": route.recipient,
        "mode": _(route.mode),
        "via": _("direct") if route.hub is None else _("through hub %(hub)s") % {
            "hub": route.hub},
        "months": ngettext("%(num)s month", "%(num)s months", route.lead_months) % {
            "num": route.lead_months},
        "tonnes": _("no limit on tonnes") if capacity is None
        else _("%(num)s tonnes a month") % {
            "num": number(capacity, digits)}}


def change_words(change: dict[str, Any]) -> str:
    """A change (see explain.change) in words: what the scenario says instead."""
    if "add" in change:
        return _route_words(change["add"])
    m, column, before, after = (change["match"], change["column"], change["from"],
                                change["to"])
    if column == "capacity":
        return _("line %(line)s at %(after)s a month instead of %(before)s") % {
            "line": f"{m['producer']}/{m['item']}", "after": after, "before": before}
    if column == "lead_time":
        return _("line %(line)s delivering in %(after)s months instead of %(before)s") % {
            "line": f"{m['producer']}/{m['item']}", "after": after, "before": before}
    if column == "annual_budget":
        return _("%(member)s's budget at %(after)s a year instead of %(before)s") % {
            "member": m["code"], "after": money(float(after)), "before": money(float(before))}
    if column == "floor":
        return _("%(member)s's floor on %(item)s at %(after)s instead of %(before)s") % {
            "member": m["nation"], "item": m["item"], "after": after, "before": before}
    if column == "capacity_tonnes" and change["file"] == "hubs.csv":
        return _("hub %(hub)s passing %(after)s tonnes a month instead of %(before)s") % {
            "hub": m["code"], "after": after, "before": before}
    if column == "capacity_tonnes":
        return _("route %(route)s carrying %(after)s tonnes a month instead of %(before)s") % {
            "route": m["code"], "after": after, "before": before}
    if column == "status":
        return _("pledge %(id)s released (announced, not committed)") % {"id": m["id"]}
    return _("%(file)s %(column)s %(after)s instead of %(before)s") % {
        "file": change["file"], "column": column, "after": after, "before": before}


def binding_message(entry: dict[str, Any]) -> str:
    """A measured explanation (an entry of summary.json's `binding`) in words, in the current
    language: made again from its change and effect; its stored English message if it cannot
    be (an older or hand-written summary)."""
    try:
        text = f"{change_words(entry['change'])}: {effect_sentence(entry['effect'])}"
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(entry.get("message", ""))
    stopped = int(entry.get("stopped_by_time") or 0)
    if stopped:
        text += ngettext(
            " (a time limit stopped %(num)s of the re-plan's searches: part of this difference "
            "may be the limit's)",
            " (a time limit stopped %(num)s of the re-plan's searches: part of this difference "
            "may be the limits')", stopped) % {"num": number(stopped)}
    return text


def measure_binding(scenario: Scenario, plan: Plan, candidates: list[dict[str, Any]],
                    options: PlanOptions, planner: Planner,
                    parallel: bool = True) -> list[dict[str, Any]]:
    """Each candidate re-planned: `kind`, `name`, `change`, `effect`, `message`, largest
    improvement of the objective first; candidates whose change alters nothing are left out.
    Re-plans run at once on every core, or one at a time (`parallel` False: a planner that
    keeps state between them)."""
    if not candidates:
        return []
    again = dataclasses.replace(options, explain="never", compare_greedy=False)
    before = plan_totals(plan, scenario)
    base_score = score_plan(scenario, plan)

    def one(c: dict[str, Any]) -> dict[str, Any] | None:
        changed_scenario = apply_change(scenario, c["change"])
        try:
            other = planner(changed_scenario, again)
        except (InfeasiblePlan, NoPlanInTime):
            return None
        effect = totals_difference(plan_totals(other, changed_scenario), before)
        if not changed(effect):
            return None
        gain = base_score - score_plan(changed_scenario, other)
        # a re-plan a time limit stopped may differ from the plan for that alone (see
        # docs/planner.md, "Same scenario, same plan"): the entry says so
        entry = {"kind": c["kind"], "name": c["name"], "change": c["change"], "effect": effect,
                 "message": "",
                 "stopped_by_time": int(other.extra.get("model", {}).get("stopped_by_time")
                                        or 0),
                 "shadow_price": round(c["shadow_price"], 6),
                 "objective_change": round(-gain, 4)}
        entry["message"] = binding_message(entry)
        return entry

    workers = (max(1, min(len(candidates), options.threads or os.cpu_count() or 1))
               if parallel else 1)
    with ThreadPoolExecutor(workers) as pool:
        found = [f for f in pool.map(one, candidates) if f is not None]
    found.sort(key=lambda f: (f["objective_change"], f["name"]))
    return found
