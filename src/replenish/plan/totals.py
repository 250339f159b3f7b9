"""What a plan achieves, in the units people read: requirement units on time, late and unmet
by priority, unit-months below floor, idle system-months, and money by member and year.

summary.json's totals, the measured effect of an explanation and the comparison with the
greedy plan are all computed here, so that they agree with each other and with the files.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from replenish.i18n import N_, gettext, ngettext, number, significant
from replenish.model.records import Scenario
from replenish.plan.contracts import expansion_split
from replenish.plan.records import Plan
from replenish.plan.score import plan_spending

#: the totals an explanation's effect and the greedy comparison report, in summary.json's names
REQUIREMENT_KEYS = ("on_time", "late", "unmet")
TOTAL_KEYS = (*REQUIREMENT_KEYS, "readiness", "idle_system_months", "cost")


def requirement_totals(plan: Plan, scenario: Scenario) -> dict[str, Any]:
    """Quantity asked, delivered on time, late, and unmet — overall and by priority."""
    on_time: dict[str, float] = defaultdict(float)
    late: dict[str, float] = defaultdict(float)
    for f in plan.fulfilment:
        (late if f.late else on_time)[f.requirement] += f.quantity
    prio: dict[int, dict[str, float]] = {}
    for r in scenario.requirements:
        p = prio.setdefault(r.priority, dict(quantity=0.0, on_time=0.0, late=0.0, unmet=0.0))
        p["quantity"] += r.quantity
        p["on_time"] += on_time[r.id]
        p["late"] += late[r.id]
        p["unmet"] += max(0.0, r.quantity - on_time[r.id] - late[r.id])
    total = {k: sum(p[k] for p in prio.values()) for k in ("quantity", *REQUIREMENT_KEYS)}
    return {**{k: round(v, 6) for k, v in total.items()},
            "by_priority": {str(k): {kk: round(vv, 6) for kk, vv in prio[k].items()}
                            for k in sorted(prio)}}


def unit_months_below_floor(plan: Plan, scenario: Scenario) -> float:
    """Members' units below their floor, summed over the months of the horizon."""
    floors = {(s.nation, s.item): s.floor for s in scenario.stocks}
    return sum(max(0.0, floors[(s.nation, s.item)] - s.on_hand) for s in plan.stocks
               if (s.nation, s.item) in floors and 0 <= s.month < scenario.horizon)


def idle_system_months(plan: Plan) -> float:
    """Recipient systems idle for want of ammunition or of a crew, summed over months."""
    return sum(r.idle_no_ammo + r.idle_no_crew for r in plan.sustainment)


def spending_by_year(plan: Plan, scenario: Scenario) -> dict[str, dict[int, float]]:
    """Each member's spending per 12-month year of the horizon (0 = the first): orders in
    their production month, its share of expansion cost in month 0 — the budget rule."""
    spend: dict[str, dict[int, float]] = {n.code: defaultdict(float) for n in scenario.members}
    for o in plan.orders:
        spend.setdefault(o.buyer, defaultdict(float))[o.production_month // 12] += (
            o.quantity * o.unit_price)
    if plan.contracts:      # a plan read back: each buyer's share as contracts.csv states it
        for c in plan.contracts:
            spend.setdefault(c.buyer, defaultdict(float))[0] += c.expansion_share_cost
    else:
        split = expansion_split(plan, scenario, plan.expansion_shares or None)
        for per_buyer in split.values():
            for buyer, money in per_buyer.items():
                spend.setdefault(buyer, defaultdict(float))[0] += money
    return {b: dict(years) for b, years in spend.items()}


def last_month_below(plan: Plan, scenario: Scenario, level: Literal["floor", "target"],
                     tol: float = 1e-6) -> dict[str, int | None]:
    """Per member: the last month of the horizon in which one of its positions is below its
    floor or target (-1: only its starting stock was; None: never below). A position without
    rows in the plan keeps its starting stock."""
    wanted = {(s.nation, s.item): getattr(s, level) for s in scenario.stocks}
    last: dict[tuple[str, str], int] = {}
    for s in scenario.stocks:
        if s.on_hand < wanted[(s.nation, s.item)] - tol:
            last[(s.nation, s.item)] = scenario.horizon - 1
    seen: set[tuple[str, str]] = set()
    for row in sorted(plan.stocks, key=lambda r: r.month):
        key = (row.nation, row.item)
        if key not in wanted or not 0 <= row.month < scenario.horizon:
            continue
        if key not in seen:
            seen.add(key)
            if key in last:
                last[key] = -1
        if row.on_hand < wanted[key] - tol:
            last[key] = row.month
    return {m.code: max((t for (n, _), t in last.items() if n == m.code), default=None)
            for m in scenario.members}


def back_at(plan: Plan, scenario: Scenario, level: Literal["floor", "target"]
            ) -> dict[str, int | None]:
    """Per member: the first month (0 .. horizon-1) from which all its positions stay at or
    above their floor or target to the horizon's end; None if not within the horizon."""
    out: dict[str, int | None] = {}
    for member, last in last_month_below(plan, scenario, level).items():
        out[member] = (0 if last is None else None if last >= scenario.horizon - 1
                       else last + 1)
    return out


def budget_use(plan: Plan, scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    """Per member and year: what it spends against its annual budget (None = unlimited)."""
    budgets = {n.code: n.annual_budget for n in scenario.members}
    years = (scenario.horizon + 11) // 12
    spent = spending_by_year(plan, scenario)
    out: dict[str, list[dict[str, Any]]] = {}
    for member in sorted(spent):
        rows = [{"year": y + 1, "from": scenario.settings.month(12 * y),
                 "spent": round(spent[member].get(y, 0.0), 2), "budget": budgets.get(member)}
                for y in range(years)]
        if any(r["spent"] for r in rows):
            out[member] = rows
    return out


def plan_totals(plan: Plan, scenario: Scenario) -> dict[str, Any]:
    """The totals of TOTAL_KEYS, `by_priority` and `cost_by_member` (over the whole plan)."""
    req = requirement_totals(plan, scenario)
    by_member = {b: sum(years.values()) for b, years in spending_by_year(plan, scenario).items()}
    return {**{k: req[k] for k in REQUIREMENT_KEYS},
            "readiness": unit_months_below_floor(plan, scenario),
            "idle_system_months": idle_system_months(plan),
            "cost": plan_spending(scenario, plan),
            "by_priority": {p: {k: row[k] for k in REQUIREMENT_KEYS}
                            for p, row in req["by_priority"].items()},
            "cost_by_member": by_member}


def totals_difference(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """`after` minus `before` for every total; `by_priority` and `cost_by_member` only where
    they differ. Units to 6 decimals, money to cents."""
    def units(x: float) -> float:
        # LP values carry noise of a millionth; nothing a person counts is that small
        return round(x, 6) + 0.0 if abs(x) >= 1e-5 else 0.0

    out: dict[str, Any] = {k: units(after[k] - before[k]) for k in TOTAL_KEYS if k != "cost"}
    out["cost"] = round(after["cost"] - before["cost"], 2) + 0.0
    prio = {}
    for p in sorted(set(after["by_priority"]) | set(before["by_priority"])):
        a, b = after["by_priority"].get(p, {}), before["by_priority"].get(p, {})
        diff = {k: units(a.get(k, 0.0) - b.get(k, 0.0)) for k in REQUIREMENT_KEYS}
        if any(diff.values()):
            prio[p] = diff
    if prio:
        out["by_priority"] = prio
    members = {}
    for m in sorted(set(after["cost_by_member"]) | set(before["cost_by_member"])):
        d = round(after["cost_by_member"].get(m, 0.0) - before["cost_by_member"].get(m, 0.0), 2)
        if d:
            members[m] = d + 0.0
    if members:
        out["cost_by_member"] = members
    return out


def changed(effect: dict[str, Any]) -> bool:
    """Whether an effect changes any total (money only moved between members at the same
    cost is one of several equally good plans, not an effect)."""
    return any(effect[k] for k in TOTAL_KEYS)


#: money's units, largest first (translated where shown: "mia.", "mio." and "t." in Danish)
MONEY_UNITS = ((1e9, N_("bn")), (1e6, N_("M")), (1e3, N_("k")))


def money(x: float) -> str:
    """An amount as people read it: 38.2 M, 1.55 bn, 940 k (in Danish 38,2 mio.)."""
    a = abs(x)
    for size, unit in MONEY_UNITS:
        if a >= size:
            shown = significant(x / size) if a < 100 * size else number(x / size)
            return f"{shown} {gettext(unit)}"
    return number(x)


def _count(x: float) -> str:
    return number(x, 0 if abs(x - round(x)) < 1e-4 or abs(x) >= 100 else 1)


#: a change of each total in words: (more: singular, plural), (fewer: singular, plural); each
#: its own message, chosen by the number as English counts ("1" singular)
_CHANGES = {
    "on_time": ((N_("%(n)s more unit arrives on time"), N_("%(n)s more units arrive on time")),
                (N_("%(n)s fewer unit arrives on time"),
                 N_("%(n)s fewer units arrive on time"))),
    "late": ((N_("%(n)s more late"), N_("%(n)s more late")),
             (N_("%(n)s fewer late"), N_("%(n)s fewer late"))),
    "unmet": ((N_("%(n)s more unmet"), N_("%(n)s more unmet")),
              (N_("%(n)s fewer unmet"), N_("%(n)s fewer unmet"))),
    "readiness": ((N_("%(n)s more unit-month below floor"),
                   N_("%(n)s more unit-months below floor")),
                  (N_("%(n)s fewer unit-month below floor"),
                   N_("%(n)s fewer unit-months below floor"))),
    "idle_system_months": ((N_("%(n)s more idle system-month"),
                            N_("%(n)s more idle system-months")),
                           (N_("%(n)s fewer idle system-month"),
                            N_("%(n)s fewer idle system-months"))),
}


def _more_fewer(x: float, total: str) -> str:
    """A change of `total` (a key of _CHANGES) by `x` in words: '3 more units arrive on time'."""
    n = _count(abs(x))
    one, many = _CHANGES[total][0 if x > 0 else 1]
    return gettext(one if n == "1" else many) % {"n": n}


def effect_sentence(effect: dict[str, Any], by_priority: bool = True) -> str:
    """A sentence from an effect (see `totals_difference`), in units, months and money;
    requirement units by priority, or in all."""
    parts: list[str] = []
    prio = effect.get("by_priority", {}) if by_priority else {
        "all": {k: effect[k] for k in REQUIREMENT_KEYS}}
    for p, d in prio.items():
        bits = [_more_fewer(d[k], k) for k in REQUIREMENT_KEYS if d[k]]
        if bits:
            parts.append(", ".join(bits) + (gettext(" at priority %(priority)s")
                                            % {"priority": p} if p != "all" else ""))
    for total in ("readiness", "idle_system_months"):
        if effect[total]:
            parts.append(_more_fewer(effect[total], total))
    members = effect.get("cost_by_member", {})
    if effect["cost"]:
        most = sorted(members.items(), key=lambda kv: -abs(kv[1]))[:3]
        who = ", ".join((gettext("%(member)s %(money)s more") if d > 0 else
                         gettext("%(member)s %(money)s less"))
                        % {"member": m, "money": money(abs(d))} for m, d in most)
        if len(members) > len(most):
            # the members shown need not add up to the total: say that others pay too
            others = len(members) - len(most)
            who += ngettext(" and %(count)s other member", " and %(count)s other members",
                            others) % {"count": others}
        cost = (gettext("costs %(money)s more in all") if effect["cost"] > 0 else
                gettext("costs %(money)s less in all")) % {"money": money(abs(effect["cost"]))}
        parts.append(cost + (f" ({who})" if who else ""))
    elif members:
        parts.append(gettext("the same cost, shared differently between members"))
    return "; ".join(parts) if parts else gettext("nothing a person reads changes")
