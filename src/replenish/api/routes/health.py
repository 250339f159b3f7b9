"""GET /health: whether the server can reach its store, and at which revision the store is;
GET / sends a browser to the API's documentation."""

from __future__ import annotations

from functools import cache
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from replenish.store import current_revision, head_revision

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    """The server is up; its store's backend and migration revision."""

    status: Literal["ok", "unavailable"]
    database: str
    revision: str | None
    expected_revision: str


@router.get("/health", response_model=HealthPublic,
            responses={503: {"model": HealthPublic, "description": "The store is unreachable."}})
def read_health(request: Request) -> HealthPublic | JSONResponse:
    """Check the store with a round trip; no token needed."""
    engine = request.app.state.read_engine
    try:
        revision = current_revision(engine)
    except SQLAlchemyError:
        body = HealthPublic(status="unavailable", database=engine.dialect.name, revision=None,
                            expected_revision=shipped_revision())
        return JSONResponse(body.model_dump(), status_code=503)
    return HealthPublic(status="ok", database=engine.dialect.name, revision=revision,
                        expected_revision=shipped_revision())


@cache
def shipped_revision() -> str:
    """The newest migration of this version (read from the scripts once)."""
    return head_revision()


@router.get("/", include_in_schema=False)
def read_root() -> RedirectResponse:
    """The server's address opened in a browser: its interactive API documentation."""
    return RedirectResponse("/docs")
