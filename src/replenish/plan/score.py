"""The objective of DESIGN.md evaluated on any finished Plan, so that plans made by different
methods (optimal, greedy) are compared by one yardstick.

Every term is per unit of item value (`unit_cost`) and weighted by `Settings.weight`:

- floor / target: unit-months a member's stock sits below its floor / target;
- requirements: with w(p) = decay**(p-1) for priority p and v the requirement's value,
  `w(p) v (late x late unit-months + unmet x unmet units)`; a unit that never arrives is
  also late from needed_by to the end of the horizon, so late always beats never;
- idle: idle system-months of fielded platforms, scaled by the platform's consumption priority;
- cost: money spent on orders and expansion (a tie-breaker);
- announced: a bonus (negative) per unit dispatched against an announced pledge;
- movement: a friction of 1% of the cost weight per unit-value donated, so nothing moves
  without a reason.
"""

from __future__ import annotations

from collections import defaultdict

from replenish.model.records import Requirement, Scenario, Settings
from replenish.plan.records import Plan

#: Friction per unit of item value donated, as a fraction of the cost weight.
MOVEMENT_FRICTION = 0.01


def requirement_value(scenario: Scenario, req: Requirement) -> float:
    """Value of one unit of a requirement: its item's unit_cost, or its family's mean."""
    items = scenario.item_map
    codes = [req.item] if req.item else scenario.family_items(req.family or "")
    costs = [items[c].unit_cost for c in codes]
    return sum(costs) / len(costs) if costs else 0.0


def priority_weight(settings: Settings, priority: int) -> float:
    """Multiplier of a priority-p term: 1 for priority 1, decaying by `priority_decay`."""
    return float(settings.weight("priority_decay") ** (priority - 1))


def _stock_terms(scenario: Scenario, plan: Plan) -> tuple[float, float]:
    """Value-weighted unit-months below floor and below target, over members' stocks."""
    levels = {(s.nation, s.item): (s.floor, s.target) for s in scenario.stocks}
    members = {n.code for n in scenario.members}
    items = scenario.item_map
    below_floor = below_target = 0.0
    for row in plan.stocks:
        if row.nation not in members or not 0 <= row.month < scenario.horizon:
            continue
        floor, target = levels.get((row.nation, row.item), (0.0, 0.0))
        cost = items[row.item].unit_cost
        below_floor += cost * max(0.0, floor - row.on_hand)
        below_target += cost * max(0.0, target - row.on_hand)
    return below_floor, below_target


def _requirement_term(scenario: Scenario, plan: Plan) -> float:
    """Priority-weighted late unit-months and unmet units of every requirement."""
    settings, horizon = scenario.settings, scenario.horizon
    w_late, w_unmet = settings.weight("late"), settings.weight("unmet")
    met: dict[str, float] = defaultdict(float)
    late: dict[str, float] = defaultdict(float)
    reqs = {r.id: r for r in scenario.requirements}
    for f in plan.fulfilment:
        req = reqs.get(f.requirement)
        if req is None or not 0 <= f.arrival_month < horizon:
            continue
        met[req.id] += f.quantity
        late[req.id] += f.quantity * max(0, f.arrival_month - req.needed_by)
    total = 0.0
    for req in scenario.requirements:
        unmet = max(0.0, req.quantity - met[req.id])
        late_months = late[req.id] + unmet * (horizon - req.needed_by)
        total += (priority_weight(settings, req.priority) * requirement_value(scenario, req)
                  * (w_unmet * unmet + w_late * late_months))
    return total


def _idle_term(scenario: Scenario, plan: Plan) -> float:
    """Idle system-months, valued at the platform and scaled by its consumption priority."""
    priority: dict[tuple[str, str], int] = {}
    for c in scenario.consumption:
        key = (c.recipient, c.platform)
        priority[key] = min(priority.get(key, 5), c.priority)
    total, items = 0.0, scenario.item_map
    for row in plan.sustainment:
        if 0 <= row.month < scenario.horizon:
            p = priority.get((row.recipient, row.platform), 5)
            total += (priority_weight(scenario.settings, p) * items[row.platform].unit_cost
                      * (row.idle_no_ammo + row.idle_no_crew))
    return total


def plan_spending(scenario: Scenario, plan: Plan) -> float:
    """Money the plan spends: orders at their unit price plus capacity expansion."""
    lines = {line.key: line for line in scenario.lines}
    orders = sum(o.quantity * o.unit_price for o in plan.orders)
    return orders + sum(e.added_capacity * lines[(e.producer, e.item)].expansion_cost
                        for e in plan.expansions if (e.producer, e.item) in lines)


def _donation_terms(scenario: Scenario, plan: Plan) -> tuple[float, float]:
    """Value of units dispatched against announced pledges, and of free donations."""
    announced = {p.id for p in scenario.pledges if p.status == "announced"}
    pledged = {p.id for p in scenario.pledges}
    honoured = moved = 0.0
    items = scenario.item_map
    for d in plan.donations:
        value = d.quantity * items[d.item].unit_cost
        if d.pledge in announced:
            honoured += value
        elif d.pledge not in pledged:
            moved += value
    return honoured, moved


def objective_terms(scenario: Scenario, plan: Plan) -> dict[str, float]:
    """Each weighted term of the objective, by name; their sum is `score_plan`."""
    s = scenario.settings
    below_floor, below_target = _stock_terms(scenario, plan)
    honoured, moved = _donation_terms(scenario, plan)
    return {
        "floor": s.floor_weight() * below_floor,
        "requirements": _requirement_term(scenario, plan),
        "idle": s.weight("idle") * _idle_term(scenario, plan),
        "target": s.weight("target") * below_target,
        "cost": s.weight("cost") * plan_spending(scenario, plan),
        "announced": 0.0 - s.weight("announced") * honoured,
        "movement": MOVEMENT_FRICTION * s.weight("cost") * moved,
    }


def score_plan(scenario: Scenario, plan: Plan) -> float:
    """The plan's objective value (lower is better), comparable across planning methods."""
    return float(sum(objective_terms(scenario, plan).values()))
