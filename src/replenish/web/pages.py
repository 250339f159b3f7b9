"""The coalition's pages: sign-in, readiness, the partner's needs, what binds, sustainment.

Server-rendered from web/templates/; every script and style comes from web/static/. What a page
shows is what the API would give its user: the same permission table (api/policy.py) and the
same disclosure rule for coalition totals (api/disclosure.py, through the stocks route's
`family_totals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from replenish import i18n
from replenish.api.auditing import record_write
from replenish.api.calendar import calendar
from replenish.api.deps import SessionDep
from replenish.api.identity import Identity
from replenish.api.limits import FailureLimiter
from replenish.api.middleware import caller
from replenish.api.passwords import check_password
from replenish.api.planner import PlanRunner, TooManyPlans, new_job
from replenish.i18n import N_, _
from replenish.reports.brief import month_name
from replenish.store.scenarios import export_scenario, stored_scenario_name
from replenish.store.server_tables import PlanJob, User
from replenish.web import charts, views
from replenish.web.access import PageForbidden, grant, require
from replenish.web.job_words import job_words
from replenish.web.language import LanguageMiddleware, switch_links
from replenish.web.needs import needs_chart, read_needs
from replenish.web.sessions import (
    COOKIE,
    CSRF_FIELD,
    BadCsrf,
    PageSession,
    SignInRequired,
    decode_session,
    fingerprint,
    new_session,
    read_form,
    session_user,
    set_cookie,
)
from replenish.web.settings import PageSettings
from replenish.web.sustainment import (
    cover_chart,
    fleet_chart,
    fragmentation_chart,
    queue_chart,
    read_job_plan,
    read_sustainment,
)
from replenish.web.unreadable import UnreadablePlan, log_unreadable, replan_words

HOME = "/pages"
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters.update(signed=views.signed, number=i18n.number, month=month_name,
                             job_words=job_words,
                             translated=i18n.gettext)
templates.env.globals["language"] = i18n.language
i18n.install(templates.env)
router = APIRouter(include_in_schema=False)

#: The pages after the home, with the action their user must be allowed.
#: Titles are translated when a page is shown, in its reader's language.
PAGES = (
    ("readiness", N_("Coalition readiness"), "stocks.read"),
    ("needs", N_("The partner's needs"), "requirements.read"),
    ("binding", N_("What binds"), "plans.read"),
    ("sustainment", N_("Sustainment"), "plans.read"),
    ("delivery", N_("Delivery"), "plans.read"),
    ("risk", N_("Risk"), "plans.read"),
    ("explorer", N_("Plan explorer"), "stocks.read"),
    ("what-if", N_("What-if"), "plans.create"),
    ("compare", N_("Joint versus national"), "plans.create"),
)


@dataclass(frozen=True)
class Visit:
    """A signed-in user and its page session."""

    user: Identity
    session: PageSession


def _key(request: Request) -> str:
    return str(request.app.state.settings.token_key.get_secret_value())


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _cookie_session(request: Request) -> PageSession | None:
    return decode_session(_key(request), request.cookies.get(COOKIE))


def current_visit(request: Request, db: SessionDep) -> Visit:
    """The signed-in user of the request's session; SignInRequired when there is none."""
    session = _cookie_session(request)
    user = session_user(db, _key(request), session) if session is not None else None
    if user is None or session is None:
        query = request.url.query
        raise SignInRequired(request.url.path + (f"?{query}" if query else ""))
    return Visit(user, session)


VisitDep = Annotated[Visit, Depends(current_visit)]
#: Who fills in the sign-in form: nobody yet (its page shows no user).
_VISITOR = Identity(0, "", "visitor", None, None)


def _render(request: Request, name: str, visit: Visit | None, status_code: int = 200,
            **context: Any) -> HTMLResponse:
    """A page; `visit` None for one shown without a signed-in user (its CSRF token empty)."""
    user = visit.user if visit and visit.user is not _VISITOR else None
    links = [(slug, _(title)) for slug, title, action in PAGES
             if user is not None and grant(user, action) is not None]
    return templates.TemplateResponse(request, name, {
        "root": _root(request), "home": HOME, "user": user, "links": links,
        "languages": switch_links(request.url.query),
        "csrf": visit.session.csrf if visit else "", "csrf_field": CSRF_FIELD, **context,
    }, status_code=status_code)


@router.get("/")
def read_root(request: Request) -> RedirectResponse:
    """Browsers go to the pages, other clients to the API documentation."""
    wants_html = "text/html" in request.headers.get("accept", "")
    return RedirectResponse(_root(request) + (HOME if wants_html else "/docs"))


@router.get("/login")
def login_form(request: Request, next: str = HOME) -> HTMLResponse:
    """The sign-in form (a visitor's session carries its CSRF token)."""
    # A session already held is kept (signing in replaces it), so that a link from another
    # site to /login cannot sign anyone out.
    session = _cookie_session(request) or new_session()
    response = _render(request, "login.html", Visit(_VISITOR, session), next=_safe(next),
                       login_name="", error=None)
    set_cookie(response, request, _key(request), session, _secure(request))
    return response


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    """Sign in with an API token, or a name and password: a new session (and CSRF token) for
    its user. Every failure gets the same answer, and too many of them a pause."""
    from replenish.i18n import _

    session = _cookie_session(request)
    fields = await read_form(request, session)
    assert session is not None
    token, name = fields.get("token", "").strip(), fields.get("name", "").strip()
    password = fields.get("password", "")
    limiter: FailureLimiter = request.app.state.auth_limiter
    # a name's failures count apart from any token id's (a token id has no colon)
    tried = token.partition(".")[0][:32] if token else "user:" + name[:128]
    address = caller(request.scope)[1]
    again = _safe(fields.get("next", HOME))
    if limiter.retry_after(tried, address) is not None:
        return _render(request, "login.html", Visit(_VISITOR, session), 429, next=again,
                       login_name=name, error=_("Too many failed sign-ins; try again in a minute."))
    if token:
        found = await run_in_threadpool(_check_token, request, token)
    else:
        found = await run_in_threadpool(_check_password, request, name, password)
    if found is None:
        limiter.fail(tried, address)
        return _render(request, "login.html", Visit(_VISITOR, session), 401, next=again,
                       login_name=name, error=_("Sign-in failed: the token, or the name and "
                                          "password, are wrong, revoked or expired."))
    user, held = found
    response = RedirectResponse(_root(request) + again, 303)
    set_cookie(response, request, _key(request), new_session(user.id, held), _secure(request))
    return response


def _check_token(request: Request, token: str) -> tuple[Identity, str] | None:
    """The token's user and its session fingerprint, or None."""
    sessions: sessionmaker[Session] = request.app.state.read_sessions
    with sessions() as db, db.begin():
        user = request.app.state.verifier.verify(db, token)
        if user is None:
            return None
        row = db.execute(select(User.token_hash, User.password_hash)
                         .where(User.id == user.id)).one()
        return user, fingerprint(_key(request), row.token_hash, row.password_hash)


def _check_password(request: Request, name: str, password: str
                    ) -> tuple[Identity, str] | None:
    """The user of this name and password and its session fingerprint, or None."""
    sessions: sessionmaker[Session] = request.app.state.read_sessions
    with sessions() as db, db.begin():
        found = check_password(db, name, password)
    if found is None:
        return None
    user, token_hash, password_hash = found
    return user, fingerprint(_key(request), token_hash, password_hash)


@router.post("/logout")
async def logout(request: Request) -> RedirectResponse:
    """End the session: the browser keeps only a visitor's session."""
    await read_form(request, _cookie_session(request))
    response = RedirectResponse(_root(request) + "/login", 303)
    set_cookie(response, request, _key(request), new_session(), _secure(request))
    return response


def _safe(target: str) -> str:
    """A local page to go to after signing in (never another site)."""
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if local and "\n" not in target and "\r" not in target else HOME


def _secure(request: Request) -> bool:
    settings: PageSettings = request.app.state.page_settings
    return settings.secure_cookies or request.app.state.settings.environment == "production"


@router.get(HOME)
def home(request: Request, visit: VisitDep) -> HTMLResponse:
    """Links to the pages this user may open."""
    return _render(request, "home.html", visit)


@router.get(HOME + "/readiness")
def readiness(request: Request, visit: VisitDep, db: SessionDep) -> HTMLResponse:
    """Members by item family, stock now against floor and target."""
    stocks = require(visit.user, "stocks.read")
    view = views.read_readiness(db, stocks, grant(visit.user, "stocks.totals"))
    job = views.latest_plan(db) if grant(visit.user, "plans.read") else None
    end, problem = None, None
    try:
        end = views.read_plan_end(db, job, [c for c, _name in view.members]) if job else None
    except UnreadablePlan as exc:
        problem = _unreadable_words(visit, "readiness", exc)
    grids = {_("now"): view.cells}
    if end is not None:
        grids[_("end of the plan (%(month)s)") % {"month": month_name(end.month)}] = end.cells
    spec = charts.spec(charts.readiness_chart(grids)) if view.cells else None
    return _render(request, "readiness.html", visit, view=view, end=end, spec=spec,
                   problem=problem)


@router.get(HOME + "/needs")
def needs(request: Request, visit: VisitDep, db: SessionDep,
          family: Annotated[str | None, Query(max_length=64)] = None,
          month: Annotated[str | None, Query(max_length=7)] = None) -> HTMLResponse:
    """The partner's requirements by priority: asked, pledged, and what the latest plan gives
    them, each column as far as the user's role may read it."""
    asked = require(visit.user, "requirements.read")
    job = None
    if grant(visit.user, "plans.read") is not None:
        job = views.latest_plan(db)
        if job is None:
            return _no_plan(request, visit, db, "needs")
    try:
        view = read_needs(db, calendar(db), asked, grant(visit.user, "pledges.read"), job,
                          family or None, month or None)
    except UnreadablePlan as exc:
        return _no_plan(request, visit, db, "needs", job, exc)
    spec = charts.spec(needs_chart(view.rows)) if view.rows else None
    return _render(request, "needs.html", visit, view=view, job=job, spec=spec,
                   month_name=month_name)


@router.get(HOME + "/binding")
def binding(request: Request, visit: VisitDep, db: SessionDep) -> HTMLResponse:
    """The measured explanations of the latest plan."""
    job = _plan(visit, db)
    if job is None:
        return _no_plan(request, visit, db, "binding")
    try:
        entries = views.read_binding(job)
    except UnreadablePlan as exc:
        return _no_plan(request, visit, db, "binding", job, exc)
    spec = charts.spec(charts.binding_chart(entries)) if entries else None
    return _render(request, "binding.html", visit, entries=entries, job=job, spec=spec,
                   effects=views.EFFECT_WORDS)


@router.get(HOME + "/sustainment")
def sustainment(request: Request, visit: VisitDep, db: SessionDep) -> HTMLResponse:
    """The partner's systems by platform and month in the latest plan: operational and idle,
    ammunition cover, the crew-training queue and the fleet's fragmentation."""
    job = _plan(visit, db)
    if job is None:
        return _no_plan(request, visit, db, "sustainment")
    scenario = export_scenario(db)
    try:
        view = read_sustainment(scenario, read_job_plan(job, scenario))
    except UnreadablePlan as exc:
        return _no_plan(request, visit, db, "sustainment", job, exc)
    specs: dict[str, Any] = {}
    if view.months:
        specs["spec"] = charts.spec(fleet_chart(view.months))
    if any(m["cover"] is not None for m in view.months):
        specs["cover_spec"] = charts.spec(cover_chart(view.months))
    if any(m["idle_no_crew"] or m["in_training"] for m in view.months):
        specs["queue_spec"] = charts.spec(queue_chart(view.months))
    if view.fragmentation:
        specs["fragmentation_spec"] = charts.spec(fragmentation_chart(view.fragmentation))
    return _render(request, "sustainment.html", visit, view=view, job=job,
                   month_name=month_name, **specs)


def _plan(visit: Visit, db: Session) -> Any:
    require(visit.user, "plans.read")
    return views.latest_plan(db)


def _no_plan(request: Request, visit: Visit, db: Session, page: str,
             job: PlanJob | None = None,
             unreadable: UnreadablePlan | None = None) -> HTMLResponse:
    """The page without a finished plan, or with one it cannot read (`job`, `unreadable`):
    say so, and offer to queue one."""
    problem = _unreadable_words(visit, page, unreadable) if unreadable else None
    return _render(request, "no_plan.html", visit, page=page, running=views.open_plan(db),
                   may_plan=grant(visit.user, "plans.create") is not None, job=job,
                   problem=problem)


def _unreadable_words(visit: Visit, page: str, exc: UnreadablePlan) -> str:
    """What `page` says of a plan it cannot read, and to plan again (logged)."""
    log_unreadable(page, exc)
    return replan_words(exc, grant(visit.user, "plans.create") is not None)


@router.post(HOME + "/plans")
async def queue_plan(request: Request, visit: VisitDep, db: SessionDep,
                     background: BackgroundTasks) -> RedirectResponse:
    """Queue a plan of the store as it is now, then go back to the page that asked."""
    fields = await read_form(request, visit.session)
    user = require(visit.user, "plans.create").user
    back = _safe(fields.get("next", HOME))
    if stored_scenario_name(db) is None:
        raise PageForbidden(_("The store holds no scenario to plan."), user)
    try:
        job = new_job(db, user.name, request.app.state.settings.max_queued_plans)
    except TooManyPlans as exc:
        raise PageForbidden(job_words(str(exc)), user) from None
    record_write(db, user, "plan.create", f"plan:{job.id}", {"from": "pages"})
    runner: PlanRunner = request.app.state.runner
    background.add_task(runner.submit, job.id)
    return RedirectResponse(_root(request) + back, 303)


def install_pages(app: FastAPI, settings: PageSettings | None = None) -> None:
    """Serve the pages (include before the health router, whose / this one answers first)."""
    app.state.page_settings = settings or PageSettings()

    async def sign_in(request: Request, exc: Exception) -> Response:
        target = quote(str(exc) or HOME, safe="/")
        return RedirectResponse(f"{_root(request)}/login?next={target}", 303)

    async def refused(request: Request, exc: Exception) -> Response:
        user, session = getattr(exc, "user", None), _cookie_session(request)
        visit = Visit(user, session) if user is not None and session is not None else None
        return _render(request, "refused.html", visit, 403, message=str(exc))

    app.add_middleware(LanguageMiddleware)
    app.add_exception_handler(SignInRequired, sign_in)
    app.add_exception_handler(BadCsrf, refused)
    app.add_exception_handler(PageForbidden, refused)
    app.include_router(router)
    # these pages build on this module's helpers
    from replenish.web import (
        compare_pages,
        delivery_pages,
        explorer_pages,
        risk_pages,
        whatif_pages,
    )

    app.include_router(compare_pages.router)
    app.include_router(delivery_pages.router)
    app.include_router(explorer_pages.router)
    app.include_router(risk_pages.router)
    app.include_router(whatif_pages.router)
