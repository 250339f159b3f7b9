"""Joint against national procurement: the same scenario planned both ways, side by side.

For each mode: requirement fulfilment on time, months until each member is back at target,
capacity added per line, each member's spending per year against its budget, distinct
equipment types bought per family, and the value-weighted stock shortfall below target month
by month. Each mode's folder is a plan like any other, written by `write_plan`, and its
spending is billed as that plan's files bill it.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from replenish.i18n import DEFAULT, _, month_label, ngettext, number, speaking
from replenish.model.records import Scenario
from replenish.plan.check import MONEY_REL_TOL, MONEY_TOL
from replenish.plan.records import Plan
from replenish.plan.totals import last_month_below
from replenish.plan.totals import spending_by_year as billed_by_year
from replenish.plan.writer import requirement_totals, summary_dict, write_plan
from replenish.planning import PlanOptions, plan_scenario
from replenish.planning.pricing import apply_price_breaks

Mode = Literal["joint", "national"]
MODES: tuple[Mode, Mode] = ("joint", "national")
TOL = 1e-6


@dataclass
class ModeOutcome:
    """What one procurement mode achieves."""

    procurement: str
    plan: Plan
    requirements: dict[str, Any]
    months_to_target: dict[str, int | None]     # member -> months, None = not in horizon
    capacity_added: dict[str, float]            # "producer item" -> units/month
    cost: float
    member_cost: dict[str, float]               # member -> spending over the horizon
    spending: dict[str, list[float]]            # member -> spending per 12-month year
    types_by_family: dict[str, int]
    shortfall: list[float]                      # value below target, per month

    @property
    def restocked(self) -> int:
        """Members back at target within the horizon."""
        return sum(1 for m in self.months_to_target.values() if m is not None)

    @property
    def on_time_share(self) -> float:
        """Fraction of required units delivered on time (1 when nothing is required)."""
        asked = self.requirements["quantity"]
        return self.requirements["on_time"] / asked if asked else 1.0


@dataclass
class CompareResult:
    """Both modes of one scenario."""

    scenario: str
    months: list[str]
    members: list[str]
    joint: ModeOutcome
    national: ModeOutcome
    initial_shortfall: float = 0.0              # value below target before the plan
    lines: list[str] = field(default_factory=list)
    budgets: dict[str, float | None] = field(default_factory=dict)   # annual, None = unlimited
    years: list[str] = field(default_factory=list)  # label of each 12-month budget year

    def mode(self, name: str) -> ModeOutcome:
        return self.joint if name == "joint" else self.national

    def closed(self, o: ModeOutcome) -> float:
        """Fraction of the initial shortfall below target closed by the horizon's end."""
        if self.initial_shortfall <= 0 or not o.shortfall:
            return 1.0
        return max(0.0, 1.0 - o.shortfall[-1] / self.initial_shortfall)


def with_procurement(scenario: Scenario, procurement: Mode) -> Scenario:
    """A copy of the scenario planned in the given procurement mode."""
    settings = dataclasses.replace(scenario.settings, procurement=procurement)
    return dataclasses.replace(scenario, settings=settings)


def months_to_target(plan: Plan, scenario: Scenario) -> dict[str, int | None]:
    """Per member: months from the start until all its positions are at or above target for
    the rest of the horizon (0 = already there at the start; None = not in the horizon).
    A position without rows in the plan keeps its starting stock."""
    out: dict[str, int | None] = {}
    for member, last in last_month_below(plan, scenario, "target", TOL).items():
        if last is None:
            out[member] = 0
        elif last >= scenario.horizon - 1:
            out[member] = None
        else:
            out[member] = last + 2        # at target from the end of month last + 1
    return out


def initial_shortfall(scenario: Scenario) -> float:
    """Value of members' stock below target before the plan (stocks.csv)."""
    return sum(max(0.0, s.target - s.on_hand) * scenario.item(s.item).unit_cost
               for s in scenario.stocks)


def shortfall_by_month(plan: Plan, scenario: Scenario) -> list[float]:
    """Value (unit_cost x units) of members' stock below target, at the end of each month."""
    targets = {(s.nation, s.item): s.target for s in scenario.stocks}
    members = {m.code for m in scenario.members}
    out = [0.0] * scenario.horizon
    for row in plan.stocks:
        target = targets.get((row.nation, row.item))
        if row.nation in members and target is not None and 0 <= row.month < scenario.horizon:
            gap = max(0.0, target - row.on_hand)
            out[row.month] += gap * scenario.item(row.item).unit_cost
    return out


def types_by_family(plan: Plan, scenario: Scenario) -> dict[str, int]:
    """Distinct items per family ordered for members or delivered to a recipient."""
    recipients = {n.code for n in scenario.recipients}
    bought = {o.item for o in plan.orders}
    bought |= {d.item for d in plan.donations if d.recipient in recipients}
    families: dict[str, set[str]] = defaultdict(set)
    for code in bought:
        families[scenario.item(code).family].add(code)
    return {f: len(families[f]) for f in sorted(families)}


def capacity_added(plan: Plan) -> dict[str, float]:
    """Units/month added per line ("producer item"), buyers' shares summed."""
    out: dict[str, float] = defaultdict(float)
    for e in plan.expansions:
        out[f"{e.producer} {e.item}"] += e.added_capacity
    return {k: round(v, 6) for k, v in sorted(out.items())}


def spending_by_year(plan: Plan, scenario: Scenario) -> dict[str, list[float]]:
    """Each member's spending per 12-month year, billed as the plan's files bill it
    (plan.totals.spending_by_year), one entry for every year of the horizon."""
    years = budget_years(scenario.horizon)
    return {member: [per_year.get(y, 0.0) for y in range(years)]
            for member, per_year in billed_by_year(plan, scenario).items()}


def budget_years(horizon: int) -> int:
    """Number of 12-month budget years the horizon touches."""
    return max(1, (horizon + 11) // 12)


def year_label(scenario: Scenario, year: int) -> str:
    """A budget year as a reader names it: '2027' for a calendar year, else its months."""
    first, last = 12 * year, min(12 * year + 11, scenario.horizon - 1)
    start, end = scenario.settings.month(first), scenario.settings.month(last)
    if start.endswith("-01") and last - first == 11:
        return start[:4]
    return f"{start}..{end}"


def span_words(first: str, last: str) -> str:
    """Months YYYY-MM to YYYY-MM as a reader names them: 'Jan 2027 – Dec 2028'."""
    return f"{month_label(first)} – {month_label(last)}"


def year_words(label: str) -> str:
    """A budget year's label (`year_label`) in words: '2027', or 'Mar 2027 – Feb 2028'."""
    first, dots, last = label.partition("..")
    return span_words(first, last) if dots else label


def outcome(plan: Plan, scenario: Scenario) -> ModeOutcome:
    """Everything compared, for one plan of `scenario` (already in the plan's mode)."""
    yearly = spending_by_year(plan, scenario)
    return ModeOutcome(
        procurement=plan.procurement, plan=plan,
        requirements={k: v for k, v in requirement_totals(plan, scenario).items()
                      if k != "by_priority"},
        months_to_target=months_to_target(plan, scenario),
        capacity_added=capacity_added(plan),
        cost=round(sum(sum(v) for v in yearly.values()), 2),
        member_cost={k: round(sum(v), 2) for k, v in yearly.items()},
        spending={k: [round(x, 2) for x in v] for k, v in yearly.items()},
        types_by_family=types_by_family(plan, scenario),
        shortfall=[round(v, 2) for v in shortfall_by_month(plan, scenario)])


Progress = Callable[[str, float], None]


def plan_both(scenario: Scenario, options: PlanOptions | None = None,
              progress: Progress | None = None) -> tuple[CompareResult, dict[Mode, Plan]]:
    """Plan the scenario jointly and nationally (volume pricing applied) and compare."""
    opts = options or PlanOptions(compare_greedy=False)
    report = progress or (lambda step, fraction: None)
    plans: dict[Mode, Plan] = {}
    for k, mode in enumerate(MODES):
        sc = with_procurement(scenario, mode)
        report(f"{mode}: planning", k / 2)
        plans[mode] = apply_price_breaks(plan_scenario(sc, opts), sc)
    outcomes = {m: outcome(plans[m], with_procurement(scenario, m)) for m in MODES}
    lines = sorted({ln.producer + " " + ln.item for ln in scenario.lines})
    result = CompareResult(scenario.settings.name,
                           [scenario.settings.month(t) for t in range(scenario.horizon)],
                           [m.code for m in scenario.members], outcomes["joint"],
                           outcomes["national"], round(initial_shortfall(scenario), 2), lines,
                           {m.code: m.annual_budget for m in scenario.members},
                           [year_label(scenario, y)
                            for y in range(budget_years(scenario.horizon))])
    report("done", 1.0)
    return result, plans


def only_joint_lines(result: CompareResult) -> dict[str, float]:
    """Lines expanded in the joint plan but not in the national one, with capacity added."""
    return {k: v for k, v in result.joint.capacity_added.items()
            if v > 0 and result.national.capacity_added.get(k, 0.0) <= 0}


def money(value: float) -> str:
    """Money as a minister reads it: '99.2 million', '2.30 billion', '1,860' (in Danish
    '99,2 mio.', '2,30 mia.')."""
    if abs(value) >= 1e9:
        return _("%(amount)s billion") % {"amount": number(value / 1e9, 2)}
    if abs(value) >= 1e6:
        return _("%(amount)s million") % {"amount": number(value / 1e6, 1)}
    return number(value)


def within_budget(spent: float, limit: float | None) -> bool:
    """Whether a year's spending keeps within an annual budget, to the plan checker's cent."""
    return limit is None or spent <= limit * (1.0 + MONEY_REL_TOL) + MONEY_TOL


def over_budget(result: CompareResult, o: ModeOutcome) -> list[tuple[str, str, float, float]]:
    """(member, year, spent, budget) wherever a member spends more than its annual budget."""
    out = []
    for m in result.members:
        limit = result.budgets.get(m)
        for y, spent in enumerate(o.spending.get(m, [])):
            if limit is not None and not within_budget(spent, limit):
                out.append((m, result.years[y], spent, limit))
    return out


def _span(result: CompareResult) -> str:
    return span_words(result.months[0], result.months[-1])


def _cost_sentence(result: CompareResult) -> str:
    j, n = result.joint, result.national
    diff = j.cost - n.cost
    figures = {"joint": money(j.cost), "national": money(n.cost), "span": _span(result)}
    if abs(diff) < 0.5:
        return _("Buying together costs the same as each member buying alone (%(joint)s against "
                 "%(national)s over %(span)s).") % figures
    if diff > 0:
        return _("Buying together costs %(difference)s more than each member buying alone "
                 "(%(joint)s against %(national)s over %(span)s).") % {
                     **figures, "difference": money(diff)}
    return _("Buying together saves %(difference)s against each member buying alone "
             "(%(joint)s against %(national)s over %(span)s).") % {
                 **figures, "difference": money(-diff)}


def _and(parts: list[str]) -> str:
    return _(" and ").join(parts)


def _payer_clause(result: CompareResult, member: str) -> str | None:
    """What one member pays each year jointly, against its budget and what it pays alone."""
    joint = result.joint.spending.get(member, [])
    alone = result.national.spending.get(member, [])
    if not any(v > 0.005 for v in (*joint, *alone)):
        return None
    years = _and([_("%(money)s in %(year)s") % {"money": money(v),
                                                "year": year_words(result.years[y])}
                  for y, v in enumerate(joint)])
    alone_years = _and([money(v) for v in alone])
    limit = result.budgets.get(member)
    figures = {"member": member, "years": years, "alone": alone_years}
    if limit is None:
        return _("%(member)s %(years)s (no budget limit; alone %(alone)s)") % figures
    if all(within_budget(v, limit) for v in joint):
        return _("%(member)s %(years)s (within its %(budget)s a year; alone %(alone)s)") % {
            **figures, "budget": money(limit)}
    return _("%(member)s %(years)s (OVER its %(budget)s a year; alone %(alone)s)") % {
        **figures, "budget": money(limit)}


def _payers_sentence(result: CompareResult) -> str:
    clauses = [c for m in result.members if (c := _payer_clause(result, m)) is not None]
    if not clauses:
        return _("No member pays anything.")
    return _("Who pays: %(clauses)s.") % {"clauses": "; ".join(clauses)}


def _restocked(result: CompareResult, o: ModeOutcome) -> str:
    months = sorted(v for v in o.months_to_target.values() if v is not None)
    if not months:
        return _("no member back at target by %(month)s") % {
            "month": month_label(result.months[-1])}
    when = (ngettext("%(num)s month", "%(num)s months", months[0]) % {"num": months[0]}
            if months[0] == months[-1] else
            _("%(first)s to %(last)s months") % {"first": months[0], "last": months[-1]})
    return _("%(restocked)s of %(members)s members back at target within %(when)s") % {
        "restocked": len(months), "members": len(result.members), "when": when}


def _beside(joint: str, alone: str) -> str:
    """A joint figure with the national one beside it, or 'the same' where they read alike."""
    return _("%(joint)s (alone: %(alone)s)") % {
        "joint": joint, "alone": _("the same") if alone == joint else alone}


def _requirements(o: ModeOutcome) -> str:
    r = o.requirements
    return _("%(on_time)s on time, %(late)s late, %(unmet)s unmet") % {
        "on_time": number(r["on_time"]), "late": number(r["late"]),
        "unmet": number(r["unmet"])}


def _lines_clause(result: CompareResult) -> str:
    j, n = result.joint, result.national
    expanded = [sum(1 for v in o.capacity_added.values() if v > 0) for o in (j, n)]
    lines = ngettext("%(num)s production line expands (alone: %(alone)s)",
                     "%(num)s production lines expand (alone: %(alone)s)", expanded[0]) % {
                         "num": expanded[0], "alone": expanded[1]}
    extra = only_joint_lines(result)
    if not extra:
        return lines
    added = number(sum(extra.values()))
    if len(extra) == expanded[0] == 1:
        more = _("adding %(units)s units/month that no member alone could justify")
    elif len(extra) == expanded[0]:
        more = _("all of them adding %(units)s units/month that no member alone could justify")
    else:
        more = _("%(which)s of them adding %(units)s units/month that no member alone could "
                 "justify")
    return lines + ", " + more % {"units": added, "which": len(extra)}


def _delivers_sentence(result: CompareResult) -> str:
    j, n = result.joint, result.national
    parts = []
    if j.requirements["quantity"]:
        parts.append(_("of the %(asked)s units the partner asked for, %(outcome)s") % {
            "asked": number(j.requirements["quantity"]),
            "outcome": _beside(_requirements(j), _requirements(n))})
    parts.append(_beside(_restocked(result, j), _restocked(result, n)))
    left = [money(o.shortfall[-1] if o.shortfall else 0.0) for o in (j, n)]
    parts.append(_("members' stock below target, worth %(start)s at the start, is worth "
                   "%(end)s") % {
                       "start": money(result.initial_shortfall),
                       "end": _beside(_("%(money)s by %(month)s") % {
                           "money": left[0], "month": month_label(result.months[-1])},
                           left[1])})
    parts.append(_lines_clause(result))
    return _("For that: %(parts)s.") % {"parts": "; ".join(parts)}


def headline_sentences(result: CompareResult) -> list[str]:
    """What buying together costs or saves, who pays it against which budget, and what it
    delivers, in money, units and months (in the current language)."""
    sentences = [_cost_sentence(result), _payers_sentence(result), _delivers_sentence(result)]
    how = {"jointly": _("%(member)s spends %(money)s jointly in %(year)s against a budget of "
                        "%(budget)s"),
           "alone": _("%(member)s spends %(money)s alone in %(year)s against a budget of "
                      "%(budget)s")}
    over = [how[mode] % {"member": m, "money": money(spent), "year": year_words(y),
                         "budget": money(limit)}
            for mode, o in (("jointly", result.joint), ("alone", result.national))
            for m, y, spent, limit in over_budget(result, o)]
    if over:
        sentences.append(_("Over budget: %(which)s.") % {"which": "; ".join(over)})
    return sentences


def headline(result: CompareResult) -> str:
    """The headline of compare, one paragraph a minister understands."""
    return " ".join(headline_sentences(result))


def at_target_from(result: CompareResult, months: int | None) -> str:
    """The month from whose end a member stays at target: YYYY-MM, 'start' or 'not in horizon'."""
    if months is None:
        return "not in horizon"
    return result.months[months - 1] if months else "start"


def _english_headline(result: CompareResult) -> str:
    """The headline as compare.json keeps it: English, whatever the language of the command."""
    with speaking(DEFAULT):
        return headline(result)


def compare_dict(result: CompareResult) -> dict[str, Any]:
    """compare.json: both modes' figures and the headline."""
    def mode(o: ModeOutcome) -> dict[str, Any]:
        return {"requirements": o.requirements, "on_time_share": round(o.on_time_share, 6),
                "members_at_target": o.restocked, "months_to_target": o.months_to_target,
                "at_target_from": {k: at_target_from(result, v)
                                   for k, v in o.months_to_target.items()},
                "capacity_added": o.capacity_added,
                "capacity_added_total": round(sum(o.capacity_added.values()), 6),
                "lines_expanded": sum(1 for v in o.capacity_added.values() if v > 0),
                "shortfall_closed": round(result.closed(o), 6),
                "cost": o.cost, "member_cost": o.member_cost,
                "spending": {m: [{"year": result.years[y], "spent": v,
                                  "budget": result.budgets.get(m),
                                  "within_budget": within_budget(v, result.budgets.get(m))}
                                 for y, v in enumerate(per_year)]
                             for m, per_year in o.spending.items()},
                "types_by_family": o.types_by_family, "shortfall_by_month": o.shortfall}

    return {"scenario": result.scenario, "months": result.months, "members": result.members,
            "headline": _english_headline(result), "years": result.years,
            "budgets": result.budgets,
            "joint_cost_minus_national": round(result.joint.cost - result.national.cost, 2),
            "initial_shortfall": result.initial_shortfall,
            "only_joint_lines": only_joint_lines(result),
            "joint": mode(result.joint), "national": mode(result.national)}


def write_compare(result: CompareResult, plans: dict[Mode, Plan], scenario: Scenario,
                  out: Path, scenario_path: Path | None = None) -> dict[str, Path]:
    """Write OUT/joint and OUT/national plan folders, OUT/compare.json and the chart."""
    from replenish.reports.charts import plot_recovery

    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for mode in MODES:
        sc, folder = with_procurement(scenario, mode), out / mode
        summary = summary_dict(plans[mode], sc)
        if scenario_path is not None:
            summary["scenario"] = str(scenario_path.resolve())
        write_plan(plans[mode], sc, folder, summary)
        paths[mode] = folder
    paths["json"] = out / "compare.json"
    paths["json"].write_text(json.dumps(compare_dict(result), indent=2) + "\n",
                             encoding="utf-8")
    paths["chart"] = plot_recovery(result, out / "recovery.png")
    return paths
