"""The ministers' brief: what a plan achieves, in units, months and money, for a meeting.

`read_brief` gathers what the brief shows from a plan folder — read only through the plan
reader (`read_plan`, `read_summary`) and the scenario reader — into plain records; rendering
(HTML, PDF) is `replenish.reports.brief_render`, the charts `replenish.reports.brief_charts`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replenish.errors import Problem, ScenarioError
from replenish.i18n import N_, gettext, month_label, percent
from replenish.model.months import format_month, parse_month
from replenish.model.records import Scenario
from replenish.plan.reader import plan_scenario_path, read_plan, read_summary
from replenish.plan.records import Plan, StockLevel
from replenish.planning.measure import binding_message
from replenish.reports.delivery import Limit, delivery_limits
from replenish.reports.signal import build_signal, line_summary

#: stock against floor and target, worst first (data; translated where shown)
STATUSES = (N_("below floor"), N_("below target"), N_("at target"))


def month_name(month: str) -> str:
    """'2027-03' as people read it: 'Mar 2027' (in Danish 'mar. 2027')."""
    year, m = parse_month(month)
    return month_label(f"{year:04d}-{m:02d}")


def family_name(family: str) -> str:
    """A family code as words: 'air_defence_launcher' -> 'air defence launcher'."""
    return family.replace("_", " ")


def share_of_target(on_hand: float, target: float) -> str:
    """Stock as a share of its target, as a readiness tile says it: '41%' ('41 %' in Danish),
    at most 999%, and never 100% for stock short of its target (99.7% reads 99%)."""
    share = min(on_hand / target, 9.99) if target > 0 else 1.0
    if on_hand < target - 1e-6:
        share = min(share, 0.99)
    return percent(share)


@dataclass(frozen=True)
class PriorityRow:
    """The partner's requirements of one priority (or 'all'), in units."""

    priority: str
    asked: float
    on_time: float
    late: float
    unmet: float


@dataclass(frozen=True)
class Readiness:
    """A member's stock of an item family at one month against its floor and target."""

    member: str
    family: str
    month: str
    on_hand: float
    floor: float
    target: float
    #: the month (YYYY-MM) from which the family stays at floor (at target); None if it is
    #: never below, "" if it is still below at the end of the plan
    back_to_floor: str | None
    back_to_target: str | None

    @property
    def status(self) -> str:
        """One of STATUSES."""
        if self.on_hand < self.floor - 1e-6:
            return STATUSES[0]
        return STATUSES[1] if self.on_hand < self.target - 1e-6 else STATUSES[2]

    @property
    def of_target(self) -> float:
        """On hand as a share of target (1 when the target is nil)."""
        return self.on_hand / self.target if self.target > 0 else 1.0


@dataclass(frozen=True)
class Arrival:
    """Units of a family reaching the partner in a month (donations and orders for it)."""

    month: str
    family: str
    units: float
    value: float


@dataclass(frozen=True)
class Explanation:
    """A measured explanation: the limit relaxed, and what that changed."""

    kind: str
    what: str
    effect: str


@dataclass(frozen=True)
class Ask:
    """What the plan asks of one production line."""

    producer: str
    item: str
    item_name: str
    base_capacity: float
    expansion: float
    available_from: str | None
    committed: float
    committed_value: float
    buyers: int
    announced: float


@dataclass(frozen=True)
class Payer:
    """What a member pays: orders for its own stocks, for the partner, its expansion share."""

    member: str
    name: str
    own: float
    partner: float
    expansion: float
    #: per year of the horizon: (label, spent, budget or None for unlimited)
    years: list[tuple[str, float, float | None]]

    @property
    def total(self) -> float:
        """Everything the member spends over the horizon."""
        return sum(spent for _, spent, _ in self.years)


@dataclass
class Brief:
    """Everything the brief shows, in units, months and money."""

    scenario: str
    first_month: str
    last_month: str
    horizon: int
    procurement: str
    method: str
    status: str
    gap: float | None
    priorities: list[PriorityRow]
    readiness_unit_months: float
    floor_breaches: int
    idle_system_months: float
    cost: float
    expansion_cost: float
    lines_expanded: int
    expansion_units: float
    readiness: list[Readiness] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)
    explanations: list[Explanation] = field(default_factory=list)
    asks: list[Ask] = field(default_factory=list)
    payers: list[Payer] = field(default_factory=list)
    #: hubs and capacity-limited routes month by month (none without routes)
    delivery: list[Limit] = field(default_factory=list)
    #: searches a time limit stopped in making the plan (`model.stopped_by_time`): planned
    #: again, the plan may differ a little
    stopped: int = 0

    @property
    def total(self) -> PriorityRow:
        """The requirements of every priority together."""
        return self.priorities[-1]


def read_brief(plan_dir: Path, scenario_dir: Path | None = None,
               explanations: int = 5) -> Brief:
    """The brief of the plan in `plan_dir`, made from `scenario_dir` (default: the scenario
    its summary.json names); ScenarioError naming the file if it is not a plan."""
    from replenish.scenario.reader import read_scenario

    plan_dir = Path(plan_dir)
    problems: list[Problem] = []
    summary = read_summary(plan_dir, problems)
    if summary is None:
        raise ScenarioError(problems)
    scenario = read_scenario(scenario_dir or plan_scenario_path(plan_dir))
    plan = read_plan(plan_dir, scenario.settings.start)
    try:
        return _brief(summary, plan, scenario, plan_dir, explanations)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError([Problem(str(plan_dir / "summary.json"), None, None,
                                     f"not a summary of a plan: {exc!r} missing or wrong")]
                            ) from None


def _brief(summary: dict[str, Any], plan: Plan, scenario: Scenario, plan_dir: Path,
           explanations: int) -> Brief:
    req = summary["requirements"]
    priorities = [PriorityRow(str(p), r["quantity"], r["on_time"], r["late"], r["unmet"])
                  for p, r in req["by_priority"].items()]
    priorities.append(PriorityRow("all", req["quantity"], req["on_time"], req["late"],
                                  req["unmet"]))
    model = summary.get("model") or {}
    H = scenario.horizon
    return Brief(
        scenario=scenario.settings.name, first_month=scenario.settings.month(0),
        last_month=scenario.settings.month(H - 1), horizon=H,
        procurement=str(summary.get("procurement") or scenario.settings.procurement),
        method=str(summary.get("method", "")), status=str(summary.get("status", "")),
        gap=model.get("gap"), stopped=int(model.get("stopped_by_time") or 0),
        priorities=priorities,
        readiness_unit_months=float(summary["readiness"]),
        floor_breaches=len(summary.get("floor_breaches") or []),
        idle_system_months=float(summary.get("idle_system_months") or 0.0),
        cost=float(summary["cost"]), expansion_cost=float(summary.get("expansion_cost") or 0),
        lines_expanded=int(summary.get("lines_expanded") or 0),
        expansion_units=float(summary.get("expansion") or 0.0),
        readiness=readiness(plan, scenario), arrivals=arrivals(plan, scenario),
        explanations=[_explanation(b) for b in (summary.get("binding") or [])[:explanations]],
        asks=asks(plan, scenario, plan_dir),
        payers=payers(plan, scenario, summary.get("spending") or {}),
        delivery=delivery_limits(plan, scenario))


def _explanation(binding: dict[str, Any]) -> Explanation:
    """A binding entry as the limit relaxed and its effect, from its message."""
    what, _sep, effect = binding_message(binding).partition(": ")
    return Explanation(str(binding["kind"]), what, effect or gettext("no change"))


def _back_from(levels: list[tuple[float, float]], start: str) -> str | None:
    """The first month from which level >= bound for good; None if never below, '' never."""
    below = [m for m, (level, bound) in enumerate(levels) if level < bound - 1e-6]
    if not below:
        return None
    return "" if below[-1] == len(levels) - 1 else format_month(below[-1] + 1, start)


def readiness(plan: Plan, scenario: Scenario) -> list[Readiness]:
    """Each member's stock by item family, against floor and target, in the plan's first and
    last month (end of month), with the months it gets back to floor and to target."""
    H, start = scenario.horizon, scenario.settings.start
    members = {n.code for n in scenario.members}
    family = {i.code: i.family for i in scenario.items}
    sums: dict[tuple[str, str], list[list[float]]] = {}
    for s in plan.stocks:
        if s.nation in members and 0 <= s.month < H:
            cell = sums.setdefault((s.nation, family[s.item]), [[0.0] * 3 for _ in range(H)])
            _add(cell[s.month], s)
    out = []
    for (member, fam), months in sorted(sums.items()):
        to_floor = _back_from([(m[0], m[1]) for m in months], start)
        to_target = _back_from([(m[0], m[2]) for m in months], start)
        for t in (0, H - 1):
            on_hand, floor, target = months[t]
            out.append(Readiness(member, fam, scenario.settings.month(t), on_hand, floor,
                                 target, to_floor, to_target))
    return out


def _add(cell: list[float], s: StockLevel) -> None:
    cell[0] += s.on_hand
    cell[1] += s.floor or 0.0
    cell[2] += s.target if s.target is not None else (s.floor or 0.0)


def arrivals(plan: Plan, scenario: Scenario) -> list[Arrival]:
    """Units and value reaching the recipients by arrival month and family, in the horizon."""
    recipients = {n.code for n in scenario.recipients}
    items = scenario.item_map
    units: dict[tuple[int, str], float] = defaultdict(float)
    moves = [(d.recipient, d.item, d.arrival_month, d.quantity) for d in plan.donations]
    moves += [(o.destination, o.item, o.arrival_month, o.quantity) for o in plan.orders]
    for to, item, month, quantity in moves:
        if to in recipients and 0 <= month < scenario.horizon:
            units[(month, item)] += quantity
    by_family: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (month, item), q in units.items():
        cell = by_family[(month, items[item].family)]
        cell[0] += q
        cell[1] += q * items[item].unit_cost
    return [Arrival(scenario.settings.month(m), fam, q, v)
            for (m, fam), (q, v) in sorted(by_family.items())]


def asks(plan: Plan, scenario: Scenario, plan_dir: Path | None = None) -> list[Ask]:
    """Per line with committed orders, expansion or demand not yet ordered: the demand
    signal's asks, largest committed value first."""
    signal = build_signal(plan, scenario, plan_dir)
    value: dict[tuple[str, str], float] = defaultdict(float)
    for o in plan.orders:
        value[(o.producer, o.item)] += o.quantity * o.unit_price
    out = []
    for r in line_summary(signal, scenario.horizon):
        if not (r["committed"] or r["expansion"] or r["announced"]):
            continue
        key = (r["producer"], r["item"])
        out.append(Ask(r["producer"], r["item"], scenario.item(r["item"]).name,
                       r["base_capacity"], r["expansion"],
                       scenario.settings.month(r["available_from"]) if r["expansion"] else None,
                       r["committed"], value[key], r["buyers"],
                       r["announced"]))
    out.sort(key=lambda a: (-a.committed_value, -a.announced, a.producer, a.item))
    return out


def payers(plan: Plan, scenario: Scenario, spending: dict[str, Any]) -> list[Payer]:
    """Each member's spending by purpose and per year against its budget (summary.json's
    `spending`); what is not an order is its share of expansion cost."""
    recipients = {n.code for n in scenario.recipients}
    own: dict[str, float] = defaultdict(float)
    partner: dict[str, float] = defaultdict(float)
    for o in plan.orders:
        (partner if o.destination in recipients else own)[o.buyer] += o.quantity * o.unit_price
    names = {n.code: n.name for n in scenario.nations}
    out = []
    for member, rows in sorted(spending.items()):
        years = [(_year(scenario, int(r["year"])), float(r["spent"]),
                  None if r["budget"] is None else float(r["budget"])) for r in rows]
        total = sum(spent for _, spent, _ in years)
        share = max(0.0, total - own[member] - partner[member])
        out.append(Payer(member, names.get(member, member), own[member], partner[member],
                         share if share > 1.0 else 0.0, years))
    return out


def _year(scenario: Scenario, year: int) -> str:
    """Budget year `year` (1 = the first 12 months) as its months: 'Jan 2027 – Dec 2027'."""
    first = 12 * (year - 1)
    last = min(first + 11, scenario.horizon - 1)
    month = scenario.settings.month
    return f"{month_name(month(first))} – {month_name(month(last))}"
