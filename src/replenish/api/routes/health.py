"""GET /health: up or down, for anyone (a load balancer); GET /api/v1/health/details: the
store's backend and migration revision, for coordinators; GET / sends a browser to the docs."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from replenish.api.deps import Grant, permit
from replenish.api.schemas.common import errors
from replenish.store import current_revision, head_revision

router = APIRouter(tags=["health"])
details = APIRouter(prefix="/health", tags=["health"])


class HealthPublic(BaseModel):
    """Whether the server can reach its store; nothing else, as anyone may ask."""

    status: Literal["up", "down"]


class HealthDetails(BaseModel):
    """The store's backend and its migration revision against the one this version ships."""

    status: Literal["up", "down"]
    database: str
    revision: str | None
    expected_revision: str


@router.get("/health", response_model=HealthPublic, responses={
    **errors(413, 429), 503: {"model": HealthPublic, "description": "The store is unreachable."}})
def read_health(request: Request) -> HealthPublic | JSONResponse:
    """Check the store with a round trip; no token needed."""
    if _revision(request) is None:
        return JSONResponse({"status": "down"}, status_code=503)
    return HealthPublic(status="up")


@details.get("/details", response_model=HealthDetails, responses={
    **errors(401, 403), 503: {"model": HealthDetails, "description": "The store is unreachable."}})
def read_health_details(
    request: Request, grant: Annotated[Grant, permit("health.details")],
) -> HealthDetails | JSONResponse:
    """The store's backend and revision (coordinators only: it helps an attacker too)."""
    engine = request.app.state.read_engine
    revision = _revision(request)
    body = HealthDetails(status="up" if revision else "down", database=engine.dialect.name,
                         revision=revision or None, expected_revision=shipped_revision())
    if revision is None:
        return JSONResponse(body.model_dump(), status_code=503)
    return body


def _revision(request: Request) -> str | None:
    """The store's revision ('' if never migrated), or None if the store is unreachable."""
    try:
        return current_revision(request.app.state.read_engine) or ""
    except SQLAlchemyError:
        return None


@cache
def shipped_revision() -> str:
    """The newest migration of this version (read from the scripts once)."""
    return head_revision()


@router.get("/", include_in_schema=False)
def read_root() -> RedirectResponse:
    """The server's address opened in a browser: its interactive API documentation."""
    return RedirectResponse("/docs")
