"""What a plan achieves, in the units people read: requirement units on time, late and unmet
by priority, unit-months below floor, idle system-months, and money by member and year.

summary.json's totals, the measured effect of an explanation and the comparison with the
greedy plan are all computed here, so that they agree with each other and with the files.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

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


def money(x: float) -> str:
    """An amount as people read it: 38.2 M, 1.55 bn, 940 k."""
    a = abs(x)
    for size, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if a >= size:
            return f"{x / size:,.3g} {unit}" if a < 100 * size else f"{x / size:,.0f} {unit}"
    return f"{x:,.0f}"


def _count(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-4 or abs(x) >= 100 else f"{x:,.1f}"


def _more_fewer(x: float, what: str) -> str:
    if _count(abs(x)) == "1":
        what = what.replace("units arrive", "unit arrives").replace("unit-months", "unit-month")
        what = what.replace("system-months", "system-month")
    return f"{_count(abs(x))} {'more' if x > 0 else 'fewer'} {what}"


def effect_sentence(effect: dict[str, Any], by_priority: bool = True) -> str:
    """A sentence from an effect (see `totals_difference`), in units, months and money;
    requirement units by priority, or in all."""
    parts: list[str] = []
    prio = effect.get("by_priority", {}) if by_priority else {
        "all": {k: effect[k] for k in REQUIREMENT_KEYS}}
    for p, d in prio.items():
        bits = []
        if d["on_time"]:
            bits.append(_more_fewer(d["on_time"], "units arrive on time"))
        if d["late"]:
            bits.append(_more_fewer(d["late"], "late"))
        if d["unmet"]:
            bits.append(_more_fewer(d["unmet"], "unmet"))
        if bits:
            parts.append(", ".join(bits) + (f" at priority {p}" if p != "all" else ""))
    if effect["readiness"]:
        parts.append(_more_fewer(effect["readiness"], "unit-months below floor"))
    if effect["idle_system_months"]:
        parts.append(_more_fewer(effect["idle_system_months"], "idle system-months"))
    members = effect.get("cost_by_member", {})
    if effect["cost"]:
        most = sorted(members.items(), key=lambda kv: -abs(kv[1]))[:3]
        who = ", ".join(f"{m} {money(abs(d))} {'more' if d > 0 else 'less'}" for m, d in most)
        parts.append(f"costs {money(abs(effect['cost']))} "
                     f"{'more' if effect['cost'] > 0 else 'less'} in all"
                     + (f" ({who})" if who else ""))
    elif members:
        parts.append("the same cost, shared differently between members")
    return "; ".join(parts) if parts else "nothing a person reads changes"
