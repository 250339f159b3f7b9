"""What each page shows, as plain records read from the store and the latest finished plan
job; the numbers a user may not see are never read into them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish import i18n
from replenish.api.deps import Grant
from replenish.api.routes.stocks import family_totals
from replenish.api.schemas.stocks import FamilyTotalPublic
from replenish.i18n import N_
from replenish.ledger import Position, stock_positions
from replenish.planning.measure import binding_message
from replenish.store.server_tables import PlanJob
from replenish.store.tables import ItemRow, NationRow
from replenish.web.unreadable import need_files, need_summary


@dataclass(frozen=True)
class ReadinessView:
    """Members (all, or the user's own) by item family now, and the coalition totals shown."""

    families: list[str]
    members: list[tuple[str, str]]
    cells: dict[tuple[str, str], Position]
    totals: list[FamilyTotalPublic]


def read_readiness(session: Session, stocks: Grant, totals: Grant | None) -> ReadinessView:
    """The readiness grid: the member rows `stocks` allows, and family totals under the
    disclosure rule unless the user sees every member (`totals` None: no totals)."""
    own = stocks.pick("nation", None)
    positions = stock_positions(session, nation=own)
    cells = {key: _sum(group) for key, group in _group(positions).items()}
    codes = sorted({member for member, _ in cells})
    names = dict(session.execute(select(NationRow.code, NationRow.name)
                                 .where(NationRow.code.in_(codes))).all())
    shown: list[FamilyTotalPublic] = []
    if totals is not None:
        every = positions if own is None else stock_positions(session)
        asker = None if totals.per_nation else totals.user.nation
        shown = family_totals(every, withhold=not totals.per_nation, asker=asker)
    families = sorted({f for _, f in cells} | {t.family for t in shown})
    return ReadinessView(families, [(c, names.get(c, c)) for c in codes], cells, shown)


def _group(positions: Iterable[Position]) -> dict[tuple[str, str], list[Position]]:
    groups: dict[tuple[str, str], list[Position]] = defaultdict(list)
    for p in positions:
        groups[(p.nation, p.family)].append(p)
    return groups


def _sum(group: Sequence[Position]) -> Position:
    """A member's positions of one family as one (units summed across the family's items)."""
    first = group[0]
    return Position(first.nation, "", first.family, sum(p.on_hand for p in group),
                    sum(p.floor for p in group), sum(p.target for p in group))


@dataclass(frozen=True)
class PlanEnd:
    """Members by item family in the last month of a plan, and the months they get back to
    floor and to target (None: never below; "": still below at the end)."""

    job: PlanJob
    month: str
    cells: dict[tuple[str, str], Position]
    back_to_floor: dict[tuple[str, str], str | None]
    back_to_target: dict[tuple[str, str], str | None]


def read_plan_end(session: Session, job: PlanJob, members: Iterable[str]) -> PlanEnd | None:
    """The readiness of `members` at the end of `job`'s plan, from its stocks rows
    (UnreadablePlan if it has none)."""
    need_files(job, ("stocks.csv",))
    wanted = set(members)
    family = dict(session.execute(select(ItemRow.code, ItemRow.family)).all())
    levels: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(dict)
    for row in plan_rows(job, "stocks.csv"):
        if row["nation"] not in wanted or row["item"] not in family:
            continue
        cell = levels[(str(row["nation"]), family[row["item"]])].setdefault(
            str(row["month"]), [0.0, 0.0, 0.0])
        floor = float(row.get("floor") or 0.0)
        target = row.get("target")
        cell[0] += float(row["on_hand"])
        cell[1] += floor
        cell[2] += floor if target is None else float(target)
    if not levels:
        return None
    last = max(m for months in levels.values() for m in months)
    cells = {key: Position(key[0], "", key[1], *months.get(last, [0.0, 0.0, 0.0]))
             for key, months in levels.items()}
    return PlanEnd(job, last, cells, {k: _back(v, 1) for k, v in levels.items()},
                   {k: _back(v, 2) for k, v in levels.items()})


def _back(months: dict[str, list[float]], level: int) -> str | None:
    """The month from which stock stays at `level` (1 floor, 2 target) to the plan's end."""
    order = sorted(months)
    below = [i for i, m in enumerate(order) if months[m][0] < months[m][level] - 1e-6]
    if not below:
        return None
    return order[below[-1] + 1] if below[-1] + 1 < len(order) else ""


def latest_plan(session: Session) -> PlanJob | None:
    """The newest finished plan job of the store as it is (no what-if), or None."""
    return session.scalars(select(PlanJob).where(PlanJob.status == "done",
                                                 PlanJob.change.is_(None))
                           .order_by(PlanJob.id.desc()).limit(1)).first()


def open_plan(session: Session) -> PlanJob | None:
    """The newest plan job (no what-if) still queued or running, or None."""
    return session.scalars(select(PlanJob).where(PlanJob.status.in_(("queued", "running")),
                                                 PlanJob.change.is_(None))
                           .order_by(PlanJob.id.desc()).limit(1)).first()


def plan_rows(job: PlanJob, name: str) -> list[dict[str, Any]]:
    """The rows of one plan file of a finished job (none if the plan has no such file)."""
    rows = (job.rows or {}).get(name) or []
    return [r for r in rows if isinstance(r, dict)]


@dataclass(frozen=True)
class Binding:
    """One measured explanation: the limit relaxed, from what to what, and what it changes."""

    kind: str
    name: str
    change_from: str
    change_to: str
    message: str
    effect: dict[str, float]


#: effect numbers shown, in the order shown, with their column headings
EFFECT_WORDS = (("on_time", N_("on time")), ("late", N_("late")), ("unmet", N_("unmet")),
                ("readiness", N_("readiness")), ("idle_system_months", N_("idle system months")),
                ("cost", N_("cost")))
EFFECTS = tuple(key for key, _words in EFFECT_WORDS)
#: words the pages show as data (plan states, roles, modes, kinds of limit), translated where
#: shown; listed here for the catalogue
SHOWN_WORDS = (N_("queued"), N_("running"), N_("done"), N_("failed"), N_("cancelled"),
               N_("coordinator"), N_("nation"), N_("recipient"), N_("industry"), N_("admin"),
               N_("optimal"), N_("greedy"), N_("joint"), N_("national"), N_("capacity"),
               N_("lead_time"), N_("budget"), N_("floor"), N_("pledge"), N_("hub"),
               N_("route"))


def signed(value: float) -> str:
    """A change as people read it: '+2', '-0.5', '+24,480,000', and '0' for no change."""
    if abs(value) < 0.05:
        return "0"
    digits = 0 if abs(round(value, 1) - round(value)) < 1e-9 else 1
    return ("+" if value > 0 else "-") + i18n.number(abs(value), digits)


def read_binding(job: PlanJob) -> list[Binding]:
    """The plan summary's `binding` entries, as they are (UnreadablePlan if it has none)."""
    need_summary(job, "binding")
    out = []
    for entry in (job.summary or {}).get("binding") or []:
        change = entry.get("change") or {}
        effect = entry.get("effect") or {}
        out.append(Binding(str(entry.get("kind", "")), str(entry.get("name", "")),
                           str(change.get("from", "")), str(change.get("to", "")),
                           binding_message(entry),
                           {k: float(effect[k]) for k in EFFECTS
                            if isinstance(effect.get(k), int | float)}))
    return out
