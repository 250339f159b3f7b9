"""The plan explorer page: a member's stock of one item over the latest plan, or a production
line's capacity against its committed orders. A nation sees only its own member's stock, and
industry only its own lines, as the API's stocks and signal routes release them."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from replenish.api.deps import SessionDep
from replenish.i18n import _
from replenish.store.scenarios import export_scenario
from replenish.web import charts, views
from replenish.web.access import PageForbidden, grant
from replenish.web.explorer import read_line, read_stock
from replenish.web.pages import (
    HOME,
    Visit,
    VisitDep,
    _no_plan,
    _render,
    _root,
    _unreadable_words,
)
from replenish.web.unreadable import UnreadablePlan

router = APIRouter(include_in_schema=False)
Code = Annotated[str | None, Query(max_length=64)]


@router.get(HOME + "/explorer", response_model=None)
def explorer(request: Request, visit: VisitDep, db: SessionDep, nation: Code = None,
             item: Code = None, producer: Code = None, stock: Code = None,
             line: Code = None) -> Response:
    """A member's stock of an item (?nation=&item=) or a line (?producer=&item=) over the plan;
    the page's pickers send ?stock=NATION/ITEM or ?line=PRODUCER/ITEM, sent on to those."""
    if stock or line:
        code, _sep, picked = (stock or line or "").partition("/")
        query = urlencode({"nation" if stock else "producer": code, "item": picked})
        return RedirectResponse(f"{_root(request)}{HOME}/explorer?{query}", 303)
    return _explorer(request, visit, db, nation, item, producer)


def _explorer(request: Request, visit: Visit, db: Session, nation: str | None,
              item: str | None, producer: str | None) -> HTMLResponse:
    user = visit.user
    stocks, signal = grant(user, "stocks.read"), grant(user, "signal.read")
    if stocks is None and signal is None:
        raise PageForbidden(_("The %(role)s role may not read stocks or the demand signal.")
                            % {"role": _(user.role)}, user)
    own_nation = stocks.pick("nation", None) if stocks else None
    own_producer = signal.pick("producer", None) if signal else None
    if nation and (stocks is None or own_nation not in (None, nation)):
        raise PageForbidden(_("The %(role)s role may see only its own member's stock.")
                            % {"role": _(user.role)}, user)
    if producer and (signal is None or own_producer not in (None, producer)):
        raise PageForbidden(_("The %(role)s role may see only its own lines.")
                            % {"role": _(user.role)}, user)
    job = views.latest_plan(db)
    if job is None:
        return _no_plan(request, visit, db, "explorer")
    scenario = export_scenario(db)
    members = sorted({(s.nation, s.item) for s in scenario.stocks
                      if stocks is not None and own_nation in (None, s.nation)})
    lines = sorted(ln.key for ln in scenario.lines
                   if signal is not None and own_producer in (None, ln.producer))
    if not nation and not producer:
        nation, item = members[0] if members else (None, item)
        if nation is None and lines:
            producer, item = lines[0]
    months, view, error, problem, spec = None, None, None, None, None
    try:
        if nation:
            if (nation, item) in members and item:
                months = read_stock(job, scenario, nation, item)
                spec = charts.spec(charts.stock_chart(months)) if months else None
            else:
                error = _("%(member)s holds no stock of %(item)s in the store.") % {
                    "member": nation, "item": item or _("that item")}
        elif producer:
            view = read_line(job, scenario, producer, item or "") \
                if (producer, item) in lines else None
            if view is None:
                error = _("There is no line %(line)s in the store.") % {
                    "line": f"{producer}/{item or '?'}"}
            else:
                spec = charts.spec(charts.line_chart(view.months))
    except UnreadablePlan as exc:
        problem = _unreadable_words(visit, "explorer", exc)
    return _render(request, "explorer.html", visit, 200 if error is None else 404,
                   page="explorer", job=job, nation=nation, producer=producer, item=item,
                   members=members, lines=lines, stock=months, line=view, error=error,
                   problem=problem, spec=spec)
