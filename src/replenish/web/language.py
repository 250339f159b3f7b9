"""The pages' language: `?lang=` (the header's switch, kept in a cookie), else the cookie, else
the browser's Accept-Language; set for the whole request, so that the route, its charts, the
template and any error page all speak it. The API's JSON stays English."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from replenish import i18n

#: the cookie holding the language chosen with the switch
COOKIE = "lang"
#: a year: the choice outlives the sign-in
MAX_AGE = 365 * 24 * 3600


def request_language(scope: Scope) -> tuple[str, str | None]:
    """The language of a request, and the language to keep in the cookie (None: keep it)."""
    connection = HTTPConnection(scope)
    asked = connection.query_params.get("lang", "")
    if asked in i18n.LANGUAGES:
        return asked, asked
    kept = connection.cookies.get(COOKIE, "")
    if kept in i18n.LANGUAGES:
        return kept, None
    return i18n.choose(connection.headers.get("accept-language")), None


def _cookie(scope: Scope, lang: str) -> bytes:
    path = str(scope.get("root_path") or "").rstrip("/") or "/"
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return (f"{COOKIE}={lang}; Path={path}; Max-Age={MAX_AGE}; HttpOnly; SameSite=Strict"
            f"{secure}").encode("latin-1")


class LanguageMiddleware:
    """Run each request to the pages in its language (see `request_language`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set the language for the request; keep a switched language in the cookie."""
        if scope["type"] != "http" or str(scope.get("path", "")).startswith("/api/"):
            await self.app(scope, receive, send)
            return
        lang, keep = request_language(scope)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and keep is not None:
                headers: list[Any] = list(message.get("headers", []))
                headers.append((b"set-cookie", _cookie(scope, keep)))
                message = {**message, "headers": headers}
            await send(message)

        with i18n.speaking(lang):
            await self.app(scope, receive, send_with_cookie)


def switch_links(query: str) -> list[tuple[str, str, str, bool]]:
    """The header's switch: per language its code, its own name, the link (this page's query
    with `lang` set) and whether it is the current language."""
    from urllib.parse import parse_qsl, urlencode

    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
    return [(code, i18n.language_name(code), "?" + urlencode([*kept, ("lang", code)]),
             code == i18n.language()) for code in i18n.LANGUAGES]
