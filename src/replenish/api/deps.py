"""Typed dependencies: the request's session (one transaction), its user, and its permission.

`permit(action)` is the one permission check: it applies `policy.POLICY` to the caller and to
the code the request names, and hands the route a `Grant` saying which records it may touch.
A refusal never depends on whether the record asked for exists.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from replenish.api.identity import Identity, TokenVerifier
from replenish.api.limits import FailureLimiter, RateLimiter
from replenish.api.middleware import caller
from replenish.api.policy import PER_NATION_ROLES, POLICY, Rule, Target
from replenish.api.settings import MAX_SESSIONS


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session in one transaction for the whole request: committed unless the route raises.

    GET requests only read, so they get a session that takes no write lock (see database.py).
    Opening a session touches no database (a connection is taken at its first query), so it
    is done here on the event loop; only the commit or rollback goes to a worker thread. Every
    trip to the thread pool costs a hand-over of the GIL, which under load is what makes the
    slowest requests slow.
    """
    sessions: sessionmaker[Session] = request.app.state.read_sessions if _reads(request) else (
        request.app.state.sessions)
    session = sessions()
    try:
        yield session
    except BaseException:
        await _finish(session, commit=False)
        raise
    await _finish(session, commit=True)


def _reads(request: Request) -> bool:
    """Whether the request only reads (and so gets a session that takes no write lock)."""
    return request.method in ("GET", "HEAD")


async def _finish(session: Session, commit: bool) -> None:
    """End the transaction on a worker thread, even if the request is being cancelled, and
    outside the shared thread limit: a commit must never wait for a thread that a request
    waiting on this transaction's locks holds (FastAPI ends its threaded dependencies so)."""
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(_end, session, commit, limiter=anyio.CapacityLimiter(1))


def _end(session: Session, commit: bool) -> None:
    """Commit (or roll back) the request's transaction and give back its connection."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


# "function" scope commits before the response is sent: a client never sees 201 for a write
# whose commit then failed. The cap keeps worker threads free for commits: without it, every
# thread of the pool can be taken by requests waiting on a row lock whose holder then has no
# thread left to commit on.
SessionDep = Annotated[Session, Depends(get_session, scope="function",
                                        max_concurrency=MAX_SESSIONS)]

bearer = HTTPBearer(auto_error=False, description="The API token `replenish user create` printed.")


async def current_user(
    request: Request, session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Identity:
    """The user whose bearer token the request carries; 401 when there is none that is valid."""
    if credentials is None:
        raise _unauthorized("a bearer token is required (Authorization: Bearer TOKEN)")
    verifier: TokenVerifier = request.app.state.verifier
    token = credentials.credentials
    if _reads(request) or request.app.state.read_engine is request.app.state.engine:
        identity = await run_in_threadpool(verifier.verify, session, token)
    else:
        # On SQLite a write's session takes the store's write lock at its first query: the
        # token is checked in a read session of its own, so no other writer waits on the check.
        identity = await run_in_threadpool(_verify_apart, request, verifier, token)
    if identity is None:
        # Counted here, refused in GuardMiddleware once over the limit (before any route).
        limiter: FailureLimiter = request.app.state.auth_limiter
        token_id, address = caller(request.scope)
        limiter.fail(token_id or "", address)
        raise _unauthorized("the bearer token is unknown, revoked or expired")
    if not _reads(request):
        writes: RateLimiter = request.app.state.write_limiter
        wait = writes.take(identity.id)
        if wait is not None:
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                                f"{identity.name} has made too many writes this minute",
                                headers={"Retry-After": str(wait)})
    return identity


def _verify_apart(request: Request, verifier: TokenVerifier, token: str) -> Identity | None:
    """Check `token` in a read transaction of its own."""
    sessions: sessionmaker[Session] = request.app.state.read_sessions
    with sessions() as session, session.begin():
        return verifier.verify(session, token)


CurrentUser = Annotated[Identity, Depends(current_user)]


@dataclass(frozen=True, slots=True)
class Grant:
    """What the caller may touch: everything, or only records whose `field` is `own`."""

    user: Identity
    field: str | None = None
    own: str | None = None

    @property
    def per_nation(self) -> bool:
        """Whether the caller may see every member's own numbers (not just totals)."""
        return self.user.role in PER_NATION_ROLES

    def pick(self, field: str, requested: str | None) -> str | None:
        """The filter on `field`: the caller's own code if it is confined there, else its ask."""
        return self.own if field == self.field else requested


class Permission:
    """The permission dependency of one action (see `policy.POLICY`)."""

    def __init__(self, action: str) -> None:
        self.action = action
        self.rule: Rule = POLICY[action]

    async def __call__(self, request: Request, user: CurrentUser, session: SessionDep) -> Grant:
        """Grant the action, confined to the caller's own code where its role is; or 403."""
        if user.role in self.rule.everyone:
            return Grant(user)
        target = self.rule.own.get(user.role)
        if target is None:
            raise _forbidden(f"role {user.role} may not {self.rule.verb}")
        own = user.code
        named = await _named_codes(request, session, target)
        if own is None or any(code != own for code in named):
            raise _forbidden(f"{user.role} {own} may {self.rule.verb} only for {own}")
        return Grant(user, target.field, own)


def permit(action: str) -> Any:
    """`Annotated[Grant, permit("stocks.read")]`: the caller must be allowed `action`."""
    return Depends(Permission(action))


async def _named_codes(request: Request, session: Session, target: Target) -> list[str | None]:
    """The codes a request names at `target` (a missing path record counts as None)."""
    if target.source == "query":
        return list(request.query_params.getlist(target.name))
    if target.source == "path":
        assert target.owner is not None, f"path target {target.name} needs an owner lookup"
        key = str(request.path_params.get(target.name, ""))
        return [await run_in_threadpool(target.owner, session, key)]
    try:
        data = json.loads(await request.body())
    except (ValueError, RecursionError):
        # Not JSON, not UTF-8, or nested too deep to parse: refused (400 or 422) before
        # anything is written.
        return []
    value = data.get(target.name) if isinstance(data, dict) else None
    return [value] if isinstance(value, str) else []


def _unauthorized(detail: str) -> HTTPException:
    """401 with the challenge a client needs."""
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail,
                         headers={"WWW-Authenticate": "Bearer"})


def _forbidden(detail: str) -> HTTPException:
    """403 with the reason in words."""
    return HTTPException(status.HTTP_403_FORBIDDEN, detail)
