"""The partner's needs page: requirements by priority, what is pledged for them and what the
latest plan brings, of one item family or all, as at the end of a month.

Each column is read only for a user whose role may read it through the API (api/policy.py):
asked is `requirements.read` (a recipient: its own), pledged is `pledges.read` (a nation: its
own pledges only; a recipient: those made to it), and the plan's columns are `plans.read`.
A column the user may not read is None, never a number.

Readings of the issue (see docs/pages.md): pledged counts committed and announced pledges (both
are recorded promises; the committed part is shown too), shared out among the recipient's
requirements of their item or family in order of priority, then month needed, each up to what
it asks. Planned is what the plan brings against a requirement within the horizon, on time or
late; delivered is the part of it that has arrived by the end of the chosen month; unmet is
asked minus planned. The month filter is cumulative: the requirements due by the end of the
month, and their deliveries up to then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.api.calendar import Calendar
from replenish.api.deps import Grant
from replenish.reports.brief_charts import OUTCOME_COLOURS
from replenish.store.server_tables import PlanJob
from replenish.store.tables import ItemRow, PledgeRow, RequirementRow
from replenish.web.charts import inline
from replenish.web.unreadable import need_files
from replenish.web.views import plan_rows

#: the columns of the table, in order: what the plan does not give is None
COLUMNS = ("asked", "pledged", "planned", "delivered", "late", "unmet")


@dataclass(frozen=True)
class NeedsRow:
    """The requirements of one priority (or 'all'), in units; None where the user may not see
    the number."""

    priority: str
    asked: float
    pledged: float | None
    committed: float | None
    planned: float | None
    delivered: float | None
    late: float | None
    unmet: float | None


@dataclass(frozen=True)
class NeedsView:
    """The partner's requirements by priority, of one family or all, due by a month or any."""

    families: list[str]
    family: str | None
    months: list[str]
    month: str | None
    rows: list[NeedsRow]
    #: the donor whose pledges alone are counted (a nation's own), or None for all shown
    pledges_of: str | None
    sees_pledges: bool
    sees_plan: bool


@dataclass
class _Requirement:
    id: str
    recipient: str
    item: str | None
    family: str
    quantity: float
    due: str
    priority: int
    pledged: float = 0.0
    committed: float = 0.0


@dataclass
class _Pledge:
    recipient: str
    item: str
    left: float
    committed: bool


def read_needs(session: Session, months: Calendar, asked: Grant, pledges: Grant | None,
               job: PlanJob | None, family: str | None, month: str | None) -> NeedsView:
    """The needs table for a user allowed `asked` (requirements.read), `pledges`
    (pledges.read, None: no pledges) and the plan `job` (None: no plan columns)."""
    item_family = {str(code): str(family) for code, family in
                   session.execute(select(ItemRow.code, ItemRow.family))}
    query = select(RequirementRow).order_by(RequirementRow.seq)
    own = asked.pick("recipient", None)
    if own is not None:
        query = query.where(RequirementRow.recipient == own)
    everything = [_Requirement(r.id, r.recipient, r.item,
                               r.family or item_family.get(r.item or "", ""), r.quantity,
                               months.text(r.needed_by), r.priority)
                  for r in session.scalars(query)]
    if pledges is not None:
        _share_pledges(session, months, pledges, everything, item_family)
    labels = [months.text(t) for t in range(months.horizon)]
    month = month if month in labels else None
    shown = [r for r in everything if (not family or r.family == family)
             and (month is None or r.due <= month)]
    rows = _rows(shown, pledges is not None, _arrivals(job, month) if job else None)
    return NeedsView(sorted({r.family for r in everything}), family or None, labels, month,
                     rows, pledges.pick("donor", None) if pledges else None,
                     pledges is not None, job is not None)


def _share_pledges(session: Session, months: Calendar, grant: Grant,
                   requirements: list[_Requirement], item_family: dict[str, str]) -> None:
    """Share the pledges `grant` lets the user read among the requirements they can meet:
    by priority, then month needed, each taking up to what it asks."""
    query = select(PledgeRow).order_by(PledgeRow.month, PledgeRow.seq)
    for column, wanted in ((PledgeRow.donor, grant.pick("donor", None)),
                           (PledgeRow.recipient, grant.pick("recipient", None))):
        if wanted is not None:
            query = query.where(column == wanted)
    left = [_Pledge(p.recipient, p.item, p.quantity, p.status == "committed")
            for p in session.scalars(query)]
    for req in sorted(requirements, key=lambda r: (r.priority, r.due)):
        for pledge in left:
            fits = (pledge.item == req.item if req.item
                    else item_family.get(pledge.item) == req.family)
            if pledge.recipient != req.recipient or not fits or pledge.left <= 0:
                continue
            taken = min(pledge.left, req.quantity - req.pledged)
            req.pledged += taken
            req.committed += taken if pledge.committed else 0.0
            pledge.left -= taken
            if req.pledged >= req.quantity:
                break


def _arrivals(job: PlanJob, month: str | None) -> dict[str, list[float]]:
    """Per requirement, the plan's units: [on time, late, arrived by the end of `month`]."""
    need_files(job, ("fulfilment.csv",))
    out: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for row in plan_rows(job, "fulfilment.csv"):
        cell = out[str(row["requirement"])]
        quantity = float(row["quantity"])
        cell[1 if row.get("late") else 0] += quantity
        if month is None or str(row["arrival_month"]) <= month:
            cell[2] += quantity
    return out


def _rows(requirements: Iterable[_Requirement], pledges: bool,
          arrivals: dict[str, list[float]] | None) -> list[NeedsRow]:
    """Sums per priority, then the 'all' row; a requirement counts at most what it asks."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0] * 7)
    for req in requirements:
        cell = sums[req.priority]
        cell[0] += req.quantity
        cell[1] += req.pledged
        cell[2] += req.committed
        if arrivals is not None:
            on_time, late, arrived = arrivals.get(req.id, (0.0, 0.0, 0.0))
            on_time = min(on_time, req.quantity)
            late = min(late, req.quantity - on_time)
            cell[3] += on_time + late
            cell[4] += min(arrived, on_time + late)
            cell[5] += late
            cell[6] += req.quantity - on_time - late
    rows = [(str(p), cell) for p, cell in sorted(sums.items())]
    if rows:
        rows.append(("all", [sum(c[k] for _, c in rows) for k in range(7)]))
    return [NeedsRow(p, c[0], *(c[1:3] if pledges else (None, None)),
                     *(c[3:] if arrivals is not None else (None,) * 4)) for p, c in rows]


def needs_chart(rows: Sequence[NeedsRow]) -> Any:
    """Per priority, the share of the units asked that the plan brings on time, late or never,
    and beside it the share pledged (the bars the user may see)."""
    from replenish.i18n import _

    parts = (_("on time"), _("late"), _("unmet"), _("pledged"), _("not pledged"))
    plan, pledges = _("the plan"), _("pledges")
    data: list[dict[str, Any]] = []
    for r in rows:
        label = (_("priority %(priority)s") % {"priority": r.priority}
                 if r.priority != "all" else _("all"))
        shares: list[tuple[str, int, float]] = []
        if r.planned is not None and r.late is not None and r.unmet is not None:
            shares += [(plan, 0, r.planned - r.late), (plan, 1, r.late), (plan, 2, r.unmet)]
        if r.pledged is not None:
            shares += [(pledges, 3, r.pledged), (pledges, 4, r.asked - r.pledged)]
        data += [{"priority": label, "bar": bar, "part": parts[k], "index": k, "units": units}
                 for bar, k, units in shares if units > 0]
    order = list(dict.fromkeys(d["priority"] for d in data))
    colours = (*OUTCOME_COLOURS, "#6a994e", "#d5dbe1")
    bars_shown = {d["bar"] for d in data}
    shown = [k for k in range(5) if (plan if k < 3 else pledges) in bars_shown]
    bars = len(bars_shown) or 1
    return alt.Chart(inline(data)).mark_bar().encode(
        y=alt.Y("priority:N", sort=order, title=None),
        yOffset=alt.YOffset("bar:N", sort=[plan, pledges]),
        x=alt.X("units:Q", stack="normalize", title=_("share of the units asked"),
                axis=alt.Axis(format="%")),
        color=alt.Color("part:N", title=None, scale=alt.Scale(
            domain=[parts[k] for k in shown], range=[colours[k] for k in shown])),
        order=alt.Order("index:Q"),
        tooltip=[alt.Tooltip("priority:N", title=_("priority")),
                 alt.Tooltip("bar:N", title=_("bar")), alt.Tooltip("part:N", title=_("part")),
                 alt.Tooltip("units:Q", title=_("units"), format=",.0f")],
    ).properties(width=520, height=alt.Step(15 * bars), title=alt.TitleParams(
        _("In each priority, the upper bar is the plan, the lower the pledges.")
        if bars > 1 else "", anchor="start", fontSize=12, fontWeight="normal"))
