"""Domain errors become HTTP statuses here, in one place; bodies are JSON like FastAPI's own."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError

from replenish.api.planner import TooManyPlans
from replenish.errors import ConflictError, InfeasiblePlan, ScenarioError, StoreError
from replenish.ledger import InvalidMovement, UnknownStock

log = logging.getLogger(__name__)


#: Characters of a refused input a 422 echoes back (a 10 MB body is not sent back in full).
EXCERPT = 80


def install_error_handlers(app: FastAPI) -> None:
    """Map each domain error to its status (the most specific class wins)."""
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(ScenarioError, _invalid_input)  # type: ignore[arg-type]
    app.add_exception_handler(InvalidMovement, _invalid_movement)  # type: ignore[arg-type]
    app.add_exception_handler(UnknownStock, _status(status.HTTP_404_NOT_FOUND))
    app.add_exception_handler(ConflictError, _status(status.HTTP_409_CONFLICT))
    app.add_exception_handler(StoreError, _status(status.HTTP_409_CONFLICT))
    app.add_exception_handler(InfeasiblePlan, _status(status.HTTP_409_CONFLICT))
    app.add_exception_handler(TooManyPlans, _too_many_plans)  # type: ignore[arg-type]
    app.add_exception_handler(IntegrityError, _integrity)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _unavailable)  # type: ignore[arg-type]


def _status(code: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    """A handler answering `code` with the error's message."""
    async def handler(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=code)
    return handler


async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 like FastAPI's own, but each refused input echoed only as a short, printable
    excerpt: the input may be huge, not finite (NaN is not JSON), or not valid text."""
    detail = [
        {"loc": [_plain(part) for part in error.get("loc", ())],
         "msg": excerpt(str(error.get("msg", "")), 300), "type": str(error.get("type", "")),
         **({"input": excerpt(_as_text(error["input"]))} if "input" in error else {})}
        for error in exc.errors()[:20]
    ]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """`text` cut to `limit` characters, lone surrogates and control characters escaped."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    safe = cut.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in safe)


def _as_text(value: Any) -> str:
    """A refused input as text: strings as they are, anything else as JSON-ish repr."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value[:EXCERPT * 4].decode("utf-8", "replace")
    return repr(value)[:EXCERPT * 4]


def _plain(part: Any) -> str | int:
    """A location step as JSON can hold it."""
    return part if isinstance(part, int) and not isinstance(part, bool) else excerpt(str(part))


#: Seconds a client whose plans are all queued is told to wait before asking again.
PLAN_RETRY_SECONDS = 30


async def _too_many_plans(_request: Request, exc: TooManyPlans) -> JSONResponse:
    """429: the user's plans fill its queue."""
    return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_429_TOO_MANY_REQUESTS,
                        headers={"Retry-After": str(PLAN_RETRY_SECONDS)})


async def _invalid_input(_request: Request, exc: ScenarioError) -> JSONResponse:
    """422 listing every problem, located like pydantic's validation errors."""
    detail = [
        {"loc": [p.file, *([p.column] if p.column else [])], "msg": p.message,
         "type": "value_error"}
        for p in exc.problems
    ]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _invalid_movement(_request: Request, exc: InvalidMovement) -> JSONResponse:
    """422 for a movement no balance could make valid (e.g. a fraction of a whole item)."""
    detail = [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
    """409: the write collides with a stored record (an id already taken, say)."""
    log.info("integrity error: %s", exc.orig)
    return JSONResponse({"detail": "the request conflicts with a stored record"},
                        status_code=status.HTTP_409_CONFLICT)


async def _unavailable(_request: Request, exc: DBAPIError) -> JSONResponse:
    """503: the database failed (unreachable, locked too long); the request may be retried."""
    log.error("store failure: %s", exc.orig)
    return JSONResponse({"detail": "the store is unavailable; try again"},
                        status_code=status.HTTP_503_SERVICE_UNAVAILABLE)
