"""Page sessions: a signed cookie naming the signed-in user, and the CSRF token of its forms.

The cookie holds the user's id, a fingerprint of its stored token and password hashes and a
random CSRF token, signed with HMAC-SHA-256 under the server's token key (REPLENISH_TOKEN_KEY).
One cookie, whether the user signed in with its token or its password. The user row is read on
every request, so rotating or revoking the API token, or changing the password, ends the
session at once (the fingerprint no longer matches), exactly as it ends the token's use in the
API. A visitor who has not signed in gets a session without a user, so that the sign-in form
has a CSRF token too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.api.identity import Identity, _expired
from replenish.store.server_tables import User

COOKIE = "replenish_session"
#: How long a session lasts after signing in.
SESSION_SECONDS = 8 * 3600
#: The form field that carries the session's CSRF token.
CSRF_FIELD = "csrf"
_CONTEXT = b"replenish page session\n"


@dataclass(frozen=True, slots=True)
class PageSession:
    """What the cookie says: the user (None before signing in) and the forms' CSRF token."""

    csrf: str
    expires: int
    user_id: int | None = None
    fingerprint: str | None = None


class SignInRequired(Exception):
    """The page needs a signed-in user; the browser is sent to /login."""


class BadCsrf(Exception):
    """A form came without the session's CSRF token (403)."""


def _mac(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), _CONTEXT + body, hashlib.sha256).hexdigest()


def encode_session(key: str, session: PageSession) -> str:
    """The cookie value of `session`: its JSON in base64, a dot, and the HMAC of it."""
    data = {"c": session.csrf, "e": session.expires, "u": session.user_id,
            "f": session.fingerprint}
    body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
    return f"{body.decode('ascii')}.{_mac(key, body)}"


def decode_session(key: str, value: str | None) -> PageSession | None:
    """The session a cookie value holds, or None if it is missing, forged or expired."""
    if not value or len(value) > 1024:
        return None
    body, _, mac = value.encode("ascii", "replace").rpartition(b".")
    if not body or not hmac.compare_digest(_mac(key, body).encode(), mac):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body))
        session = PageSession(str(data["c"]), int(data["e"]), data["u"], data["f"])
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires > time.time() else None


def new_session(user_id: int | None = None, fingerprint: str | None = None) -> PageSession:
    """A fresh session (a new CSRF token) for `user_id`, or for a visitor when None."""
    return PageSession(secrets.token_urlsafe(24), int(time.time()) + SESSION_SECONDS, user_id,
                       fingerprint)


def fingerprint(key: str, token_hash: str, password_hash: str | None = None) -> str:
    """What a session remembers of the user's credentials: changes when the token is rotated
    or the password changed (a user without a password: its token alone)."""
    held = b"session of " + token_hash.encode()
    if password_hash:
        held += b"\npassword " + password_hash.encode()
    return hmac.new(key.encode(), held, hashlib.sha256).hexdigest()[:32]


def session_user(db: Session, key: str, session: PageSession) -> Identity | None:
    """The active user a session names, or None (visitor, revoked, expired, credentials
    changed)."""
    if session.user_id is None or session.fingerprint is None:
        return None
    row = db.execute(select(User.id, User.name, User.role, User.nation, User.producer,
                            User.token_hash, User.password_hash, User.revoked_at,
                            User.expires_at).where(User.id == session.user_id)).first()
    if row is None or row.revoked_at is not None or _expired(row.expires_at):
        return None
    held = fingerprint(key, row.token_hash, row.password_hash)
    if not hmac.compare_digest(held, session.fingerprint):
        return None
    return Identity(row.id, row.name, row.role, row.nation, row.producer)


def set_cookie(response: Response, request: Request, key: str, session: PageSession,
               secure: bool) -> None:
    """Send `session` as an HttpOnly, SameSite=Strict cookie (Secure over https or when the
    settings say so)."""
    response.set_cookie(COOKIE, encode_session(key, session), max_age=SESSION_SECONDS,
                        path="/", httponly=True, samesite="strict",
                        secure=secure or request.url.scheme == "https")


async def read_form(request: Request, session: PageSession | None) -> dict[str, str]:
    """The fields of a url-encoded form, after checking its CSRF token (BadCsrf if wrong)."""
    body = (await request.body()).decode("utf-8", "replace")
    fields = {name: values[-1] for name, values in parse_qs(body).items()}
    sent = fields.get(CSRF_FIELD, "")
    if session is None or not sent or not hmac.compare_digest(sent.encode(),
                                                                session.csrf.encode()):
        raise BadCsrf("the form's CSRF token is missing or wrong; reload the page")
    return fields
