"""The server's outer layer: callers held off after failed authentications (429), a body size
limit (413) and OPTIONS answered for every path.

All are answered before any route runs, with JSON bodies like every other refusal: a flood of
bad tokens, once its limit is reached, costs a dictionary look-up per request. The body is
read (up to the limit) before the application sees it, so a route never starts on a body it
would later be refused.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from replenish.api.limits import FailureLimiter


class GuardMiddleware:
    """429 for callers over their failed authentications, 413 for bodies over
    `max_body_bytes`; 204 with `Allow` for OPTIONS of a known path."""

    def __init__(self, app: ASGIApp, openapi: Callable[[], dict[str, Any]],
                 max_body_bytes: int, limiter: FailureLimiter, held_off_delay: float) -> None:
        self.app = app
        self.openapi = openapi
        self.max_body_bytes = max_body_bytes
        self.limiter = limiter
        self.held_off_delay = held_off_delay
        self._paths: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer OPTIONS and oversized bodies here; pass everything else on, body buffered."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await self._options(scope, send)
            return
        token_id, address = caller(scope)
        wait = self.limiter.retry_after(token_id, address) if token_id is not None else None
        if wait is not None:
            # A held-off caller waits for its answer: a flooding client's connections are
            # slowed to one request per delay each, at the cost of a sleeping coroutine.
            await asyncio.sleep(min(self.held_off_delay, wait))
            await _send_json(send, 429, {"detail": "too many failed authentications; try "
                                                   "again later"}, [(b"retry-after", b"%d" % wait)])
            return
        body = await self._read_body(scope, receive)
        if body is None:
            await _send_json(send, 413, {"detail": f"the request body is larger than "
                                                   f"{self.max_body_bytes} bytes"})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole request body, or None if it is (or says it is) over the limit."""
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    if int(value) > self.max_body_bytes:
                        return None
                except ValueError:
                    return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _options(self, scope: Scope, send: Send) -> None:
        """204 with the methods the path answers, or 404 for a path no route has."""
        if self._paths is None:
            self._paths = [(re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+",
                                                     re.escape(path)) + "$"),
                            frozenset(method.upper() for method in item))
                           for path, item in self.openapi()["paths"].items()]
        methods = {m for pattern, allowed in self._paths if pattern.match(scope["path"])
                   for m in allowed}
        if "GET" in methods:
            methods.add("HEAD")
        if not methods:
            await _send_json(send, 404, {"detail": "Not Found"})
            return
        allow = ", ".join(sorted(methods | {"OPTIONS"}))
        await send({"type": "http.response.start", "status": 204,
                    "headers": [(b"allow", allow.encode())]})
        await send({"type": "http.response.body", "body": b""})


def caller(scope: Scope) -> tuple[str | None, str]:
    """The token id a request presents (None if it presents no bearer token) and its client
    address."""
    token_id = None
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                token_id = token.strip().partition(".")[0][:32]
    client = scope.get("client")
    return token_id, client[0] if client else ""


async def _send_json(send: Send, status: int, content: dict[str, str],
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """A whole JSON response."""
    body = json.dumps(content).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
