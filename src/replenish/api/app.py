"""The FastAPI application: routes under /api/v1, /health, OpenAPI at /openapi.json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.telemetry import TelemetryConfig
from sqlalchemy.orm import Session, sessionmaker

from replenish import __version__
from replenish.api.database import make_engines
from replenish.api.errors import install_error_handlers
from replenish.api.identity import TokenVerifier
from replenish.api.limits import FailureLimiter, RateLimiter
from replenish.api.middleware import GuardMiddleware
from replenish.api.planner import PlanRunner, fail_orphaned_jobs
from replenish.api.routes import ROUTERS, health
from replenish.api.schemas.common import EVERY_OPERATION, errors
from replenish.api.settings import ServerSettings
from replenish.store.engine import normalise_url, sqlite_path
from replenish.web.docs import install_docs
from replenish.web.pages import install_pages

DESCRIPTION = """\
The coalition's shared store: members record stock movements and pledges, recipients their
requirements, coordinators plan, industry reads its demand signal. Every request carries
`Authorization: Bearer TOKEN`; what a caller sees depends on its role and on the nation or
producer it is bound to.
"""

#: FastAPI's telemetry switched off (REPLENISH_TELEMETRY unset).
_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False,
                                  "operation_spans": False}


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """An application on the store `settings` name (which must be migrated already)."""
    settings = settings or ServerSettings()
    engine, reader = make_engines(settings.database_url, **_pool_options(settings))
    sessions = sessionmaker(engine, class_=Session, expire_on_commit=False)
    runner = PlanRunner(sessions, settings.plan_workers, settings.dask_scheduler,
                        settings.dask_connect_timeout_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        fail_orphaned_jobs(sessions)
        yield
        # A running plan holds a connection; disposing the pool under it would orphan it.
        runner.shutdown(wait=True)
        engine.dispose()
        reader.dispose()

    app = FastAPI(title="replenish", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, telemetry=None if settings.telemetry else _NO_TELEMETRY,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_engine = reader
    app.state.sessions = sessions
    app.state.read_sessions = sessionmaker(reader, class_=Session, expire_on_commit=False)
    app.state.verifier = TokenVerifier(settings.token_key.get_secret_value(),
                                       settings.token_cache_seconds)
    limiter = FailureLimiter(settings.auth_failures_per_token,
                             settings.auth_failures_per_address,
                             settings.auth_failure_window_seconds)
    app.state.auth_limiter = limiter
    app.state.write_limiter = RateLimiter(settings.writes_per_user_per_minute, 60.0)
    app.state.runner = runner
    install_error_handlers(app)
    app.add_middleware(GuardMiddleware, openapi=app.openapi,
                       max_body_bytes=settings.max_body_bytes, limiter=limiter,
                       held_off_delay=settings.auth_held_off_delay_seconds)
    install_pages(app)  # before health: its / sends browsers to the pages
    app.include_router(health.router)
    install_docs(app)
    api = APIRouter(prefix="/api/v1", responses=errors(*EVERY_OPERATION))
    for router in ROUTERS:
        api.include_router(router)
    app.include_router(api)
    return app


def _pool_options(settings: ServerSettings) -> dict[str, Any]:
    """Connection pool sizes (an in-memory SQLite store has a single connection, no pool)."""
    url = normalise_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and sqlite_path(url) is None:
        return {}
    return {"pool_size": settings.pool_size, "max_overflow": settings.max_overflow,
            "pool_pre_ping": True}
