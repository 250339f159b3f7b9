"""What-if: one change to the stored scenario, re-planned in the background, and what it changes.

A what-if is a plan job with a `change` (planning.measure.apply_change's edit as data, plus
`base`, the id of the plan it is compared with). The runner plans the stored state with the
change applied; the page compares the two plans' totals (plan.totals) read through the plan
reader, each against its own scenario: the stored one, and the stored one with the change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from replenish.i18n import N_, _, ngettext, number, significant
from replenish.model.records import Scenario
from replenish.plan.reader import read_plan
from replenish.plan.totals import (
    TOTAL_KEYS,
    effect_sentence,
    money,
    plan_totals,
    totals_difference,
)
from replenish.planning.measure import MODES, apply_change, change_words
from replenish.store.server_tables import PlanJob
from replenish.web.unreadable import reading

#: What a what-if may change: the kind, its words, the scenario file and column.
KINDS = (("pledge", N_("a pledge's status"), "pledges.csv", "status"),
         ("line", N_("a line's capacity (units a month)"), "production_lines.csv", "capacity"),
         ("budget", N_("a member's annual budget"), "nations.csv", "annual_budget"),
         ("floor", N_("a floor (units)"), "stocks.csv", "floor"),
         ("hub", N_("a hub's capacity (tonnes a month)"), "hubs.csv", "capacity_tonnes"),
         ("route", N_("a route's capacity (tonnes a month)"), "routes.csv", "capacity_tonnes"))
PLEDGE_STATUSES = (N_("committed"), N_("announced"))
#: The totals of the difference table, in words and whether they are money.
TOTALS = {"on_time": (N_("units on time"), False), "late": (N_("units late"), False),
          "unmet": (N_("units never delivered"), False),
          "readiness": (N_("unit-months below floor"), False),
          "idle_system_months": (N_("idle system-months"), False), "cost": (N_("cost"), True)}


#: The most months a route may take, as the API's routes take them.
MOST_LEAD_MONTHS = 1200
#: The fields of the "Add a route" form.
ROUTE_FIELDS = ("origin", "recipient", "hub", "mode", "months", "tonnes")


class WhatIfError(ValueError):
    """The form asked for a change the stored scenario cannot take (said to its user)."""


@dataclass(frozen=True)
class Choice:
    """A row of the stored scenario a what-if may change, with its value now."""

    key: str
    kind: str
    label: str
    file: str
    match: dict[str, str]
    column: str
    now: str
    #: the value now as the page shows it: money, or units grouped the reader's way
    shown: str = ""
    target: float | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_choices(scenario: Scenario) -> list[Choice]:
    """Every row a what-if may change: pledges, lines, members' budgets and floors."""
    out = [Choice(f"pledge:{p.id}", "pledge",
                  _("pledge %(id)s: %(donor)s → %(recipient)s, %(units)s") % {
                      "id": p.id, "donor": p.donor, "recipient": p.recipient,
                      "units": _units_of(p.quantity, p.item)},
                  "pledges.csv", {"id": p.id}, "status", p.status, _(p.status))
           for p in scenario.pledges]
    out += [Choice(f"line:{ln.producer}/{ln.item}", "line",
                   _("line %(line)s") % {"line": f"{ln.producer}/{ln.item}"},
                   "production_lines.csv", {"producer": ln.producer, "item": ln.item},
                   "capacity", _text(ln.capacity), _units(ln.capacity, per_month=True))
            for ln in scenario.lines]
    out += [Choice(f"budget:{n.code}", "budget",
                   _("member %(code)s (%(name)s)") % {"code": n.code, "name": n.name},
                   "nations.csv", {"code": n.code}, "annual_budget", _text(n.annual_budget),
                   _("%(money)s a year") % {"money": money(n.annual_budget)}
                   if n.annual_budget is not None else _("no limit"))
            for n in scenario.nations if n.role == "member"]
    out += [Choice(f"floor:{s.nation}/{s.item}", "floor",
                   _("floor of %(member)s on %(item)s") % {"member": s.nation, "item": s.item},
                   "stocks.csv", {"nation": s.nation, "item": s.item}, "floor",
                   _text(s.floor), _units(s.floor), s.target) for s in scenario.stocks]
    if scenario.routes:
        out += [Choice(f"hub:{h.code}", "hub", _("hub %(code)s (%(name)s)") % {
                           "code": h.code, "name": h.name},
                       "hubs.csv", {"code": h.code}, "capacity_tonnes", _text(h.capacity_tonnes),
                       _tonnes(h.capacity_tonnes)) for h in scenario.hubs]
        out += [Choice(f"route:{r.code}", "route", _("route %(code)s (%(mode)s, %(origin)s → "
                                                     "%(recipient)s)") % {
                           "code": r.code, "mode": r.mode, "origin": r.origin,
                           "recipient": r.recipient},
                       "routes.csv", {"code": r.code}, "capacity_tonnes",
                       _text(r.capacity_tonnes), _tonnes(r.capacity_tonnes))
                for r in scenario.routes]
    return out


def _tonnes(capacity: float | None) -> str:
    """'1,200 tonnes a month', or 'no limit'."""
    if capacity is None:
        return _("no limit")
    return _("%(num)s tonnes a month") % {"num": _count(capacity)}


def _units(quantity: float, per_month: bool = False) -> str:
    """'2,000 units' ('2.000 enheder' in Danish), '1 unit'; or '2,000 units a month'."""
    shown = _count(quantity)
    n = 1 if shown == "1" else 2
    if per_month:
        return ngettext("%(num)s unit a month", "%(num)s units a month", n) % {"num": shown}
    return ngettext("%(num)s unit", "%(num)s units", n) % {"num": shown}


def _units_of(quantity: float, item: str) -> str:
    """'2,000 units of ART155-S01' ('2.000 enheder af ART155-S01' in Danish)."""
    shown = _count(quantity)
    return ngettext("%(num)s unit of %(item)s", "%(num)s units of %(item)s",
                    1 if shown == "1" else 2) % {"num": shown, "item": item}


def parse_change(choices: Sequence[Choice], key: str, value: str) -> dict[str, Any]:
    """The change a form asks for (apply_change's edit), or WhatIfError saying what is wrong."""
    found = next((c for c in choices if c.key == key), None)
    if found is None:
        raise WhatIfError(_("Choose a row of the stored scenario: %(row)s is not one.")
                          % {"row": key.strip()[:80] or _("none was chosen")})
    text = value.strip()
    if found.kind == "pledge":
        # a status as typed in the reader's language ('bindende') or as stored ('committed')
        text = {_(s): s for s in PLEDGE_STATUSES}.get(text, text)
        if text not in PLEDGE_STATUSES:
            raise WhatIfError(_("A pledge's status is %(statuses)s, not %(text)s.") % {
                "statuses": _(" or ").join(_(s) for s in PLEDGE_STATUSES),
                "text": text[:40] or _("empty")})
        to = text
    else:
        what = {"line": _("capacity of %(row)s") % {"row": found.label},
                "hub": _("capacity of %(row)s") % {"row": found.label},
                "route": _("capacity of %(row)s") % {"row": found.label},
                "budget": _("annual budget of %(row)s") % {"row": found.label},
                }.get(found.kind, found.label)
        try:
            number = float(text.replace(",", "").replace("_", ""))
        except ValueError:
            raise WhatIfError(_("Enter a number for the %(what)s, not %(text)s.") % {
                "what": what, "text": text[:40] or _("nothing")}) from None
        if not math.isfinite(number) or number < 0:
            raise WhatIfError(_("The %(what)s must be a number of 0 or more.") % {"what": what})
        if found.kind == "floor" and found.target is not None and number > found.target:
            raise WhatIfError(_("The %(what)s may not be above its target (%(target)s).") % {
                "what": what, "target": _count(found.target)})
        to = _text(number)
    return {"file": found.file, "match": dict(found.match), "column": found.column,
            "from": found.now, "to": to}


@dataclass(frozen=True)
class RouteChoices:
    """What the "Add a route" form offers: the stored scenario's members, recipients and
    hubs as (code, name), and the modes."""

    members: list[tuple[str, str]]
    recipients: list[tuple[str, str]]
    hubs: list[tuple[str, str]]
    modes: tuple[str, ...] = MODES


def read_route_choices(scenario: Scenario) -> RouteChoices | None:
    """The choices of the "Add a route" form; None where the scenario has no routes (adding
    the first would put every shipment to a recipient on routes)."""
    if not scenario.routes:
        return None
    return RouteChoices([(n.code, n.name) for n in scenario.members],
                        [(n.code, n.name) for n in scenario.recipients],
                        [(h.code, h.name) for h in scenario.hubs])


def route_code(scenario: Scenario, origin: str, recipient: str, mode: str) -> str:
    """A new route's code from its ends and mode ('ALD-PTR-ROAD'), made unique against the
    scenario's routes ('ALD-PTR-ROAD-2') and at most 64 characters."""
    taken = {r.code for r in scenario.routes}
    stem = f"{origin}-{recipient}-{mode.upper()}"
    for n in range(1, len(taken) + 2):
        tail = "" if n == 1 else f"-{n}"
        code = stem[:64 - len(tail)] + tail
        if code not in taken:
            return code
    raise AssertionError("unreachable: one of len(taken) + 1 codes is free")


def parse_route(scenario: Scenario, fields: Mapping[str, str]) -> dict[str, Any]:
    """The added route the form asks for (apply_change's edit), or WhatIfError naming each
    field that is wrong and what it expects."""
    choices = read_route_choices(scenario)
    if choices is None:
        raise WhatIfError(_("The stored scenario has no routes: a what-if adds a route only "
                            "where the scenario plans deliveries over routes."))
    got = {name: fields.get(name, "").strip() for name in ROUTE_FIELDS}
    problems = []

    def pick(name: str, codes: list[tuple[str, str]], words: str) -> None:
        if got[name] not in {code for code, _name in codes}:
            problems.append(words % {"text": got[name][:40] or _("nothing")})

    pick("origin", choices.members,
         _("The origin must be a member of the stored scenario, not %(text)s."))
    pick("recipient", choices.recipients,
         _("The recipient must be a recipient of the stored scenario, not %(text)s."))
    if got["hub"]:
        pick("hub", choices.hubs,
             _("The hub must be a hub of the stored scenario or direct, not %(text)s."))
    mode = {_(m): m for m in MODES}.get(got["mode"], got["mode"])
    if mode not in MODES:
        problems.append(_("The mode must be one of %(modes)s, not %(text)s.") % {
            "modes": ", ".join(_(m) for m in MODES), "text": got["mode"][:40] or _("nothing")})
    months = _whole(got["months"])
    if months is None or not 0 <= months <= MOST_LEAD_MONTHS:
        problems.append(_("The months from origin to arrival must be a whole number from 0 to "
                          "%(most)s, not %(text)s.") % {
            "most": number(MOST_LEAD_MONTHS), "text": got["months"][:40] or _("nothing")})
    tonnes = _tonnes_given(got["tonnes"])
    if tonnes is not None and (not math.isfinite(tonnes) or tonnes < 0):
        problems.append(_("The tonnes a month must be a number of 0 or more, or empty for no "
                          "limit, not %(text)s.") % {"text": got["tonnes"][:40]})
    if problems:
        raise WhatIfError(" ".join(problems))
    return {"file": "routes.csv", "add": {
        "code": route_code(scenario, got["origin"], got["recipient"], mode),
        "origin": got["origin"], "hub": got["hub"], "recipient": got["recipient"],
        "mode": mode, "lead_months": str(months), "capacity_tonnes": _text(tonnes)}}


def _whole(text: str) -> int | None:
    """A whole number as typed ('2', '1,200'), or None."""
    cleaned = text.replace(",", "").replace("_", "").replace(" ", "")
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() and len(cleaned) < 9 else None


def _tonnes_given(text: str) -> float | None:
    """Tonnes as typed: None for empty (no limit), nan for what is not a number."""
    if not text:
        return None
    try:
        return float(text.replace(",", "").replace("_", ""))
    except ValueError:
        return math.nan


def describe(change: Mapping[str, Any]) -> str:
    """A what-if's change in words."""
    if "procurement" in change:
        return _("the store planned with %(mode)s procurement") % {
            "mode": _(str(change["procurement"]))}
    try:
        return change_words(dict(change))
    except (KeyError, TypeError, ValueError):
        return f"{change.get('file')} {change.get('column')} {change.get('to')}"


@dataclass(frozen=True)
class Outcome:
    """What a finished what-if changes against the plan it was compared with."""

    before: dict[str, Any]
    after: dict[str, Any]
    difference: dict[str, Any]
    sentence: str
    #: how the plan with the change was made, and how far each plan may be from the best
    #: possible: sentences, none for plans made as one model and proven optimal
    how: list[str]

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The table: each total in words, before, after and the difference, formatted."""
        out = []
        for key in TOTAL_KEYS:
            words, is_money = TOTALS[key]
            shown = money if is_money else _count
            d = self.difference[key]
            out.append((_(words), shown(self.before[key]), shown(self.after[key]),
                        "0" if not d else ("+" if d > 0 else "−") + shown(abs(d))))
        for member, d in (self.difference.get("cost_by_member") or {}).items():
            out.append((_("cost to %(member)s") % {"member": member},
                        money(self.before["cost_by_member"].get(member, 0)),
                        money(self.after["cost_by_member"].get(member, 0)),
                        ("+" if d > 0 else "−") + money(abs(d))))
        return out


def _count(x: float) -> str:
    return number(x, 0 if abs(x - round(x)) < 1e-4 or abs(x) >= 100 else 1)


def job_plan(job: PlanJob) -> Any:
    """A finished job's plan, read through the plan reader from its stored files."""
    files: dict[str, Any] = dict(job.rows or {})
    if job.summary is not None:
        files["summary.json"] = job.summary
    with reading(job):
        return read_plan(files)


def read_outcome(scenario: Scenario, whatif: PlanJob, base: PlanJob) -> Outcome:
    """The totals of `base` (on `scenario`) and of the finished `whatif` (on `scenario` with
    its change), and their difference in units, months and money."""
    assert whatif.change is not None
    before = plan_totals(job_plan(base), scenario)
    after = plan_totals(job_plan(whatif), apply_change(scenario, whatif.change))
    difference = totals_difference(after, before)
    return Outcome(before, after, difference, effect_sentence(difference),
                   planned_how(whatif.summary or {}, base.summary or {}))


def planned_how(after: Mapping[str, Any], before: Mapping[str, Any]) -> list[str]:
    """How the plan with the change (`after`, its summary.json) was made against the plan it
    is compared with (`before`), in sentences: which item groups were planned again, how far
    each plan may be from the best possible, and, where the two plans' objectives differ by
    less than that and the groups were coordinated again, that the difference may be the
    planner's rather than the change's."""
    model_after, model_before = after.get("model") or {}, before.get("model") or {}
    out = []
    warm = (model_after.get("decomposition") or {}).get("warm")
    local = warm is not None and warm.get("coordinated") is False
    kept = warm is not None and bool(warm.get("plan_before_kept"))
    if local:
        out.append(_("Planned again: only the item group this change touches; every other "
                     "item group keeps the current plan, so the difference is that group's "
                     "alone."))
    elif kept:
        out.append(_("Planned again: every item group, with the budgets shared between them "
                     "anew. None came out better than the current plan, which still holds "
                     "with the change: it stands."))
    elif "decomposition" in model_after:
        out.append(_("Planned again: every item group, with the budgets shared between them "
                     "anew."))
    if not kept and (model_after.get("stopped_by_time") or model_before.get("stopped_by_time")):
        # docs/planner.md, "Same scenario, same plan"
        out.append(_("A time limit stopped some of the planner's searches: planned again, the "
                     "same scenario may give a slightly different plan, and part of the "
                     "difference may be that."))
    gap_after, gap_before = model_after.get("gap"), model_before.get("gap")
    if gap_after is None or gap_before is None or max(gap_after, gap_before) <= 0:
        return out
    out.append(_("The current plan is within %(before)s %% of the best possible plan, the "
                 "plan with the change within %(after)s %%.") % {
        "before": significant(100 * gap_before, 2), "after": significant(100 * gap_after, 2)})
    objective_after, objective_before = after.get("objective"), before.get("objective")
    if (not local and not kept and objective_after is not None and objective_before is not None
            and abs(objective_after - objective_before)
            <= (gap_after + gap_before) * abs(objective_before)):
        out.append(_("The two plans differ by less than that: read the difference as the "
                     "planner's margin rather than as the change's effect."))
    return out
