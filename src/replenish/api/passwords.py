"""Passwords for the pages: set one for a user, and check a name and password at sign-in.

A password is stored as an argon2id hash (`users.password_hash`); it opens the pages only, the
API keeps to bearer tokens. A check costs the same whether the user exists, has a password or
not: an unknown name is checked against a hash of nothing, so the time of an answer does not
tell which names exist.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from replenish.api.identity import Identity, _expired, to_identity
from replenish.errors import Problem, ScenarioError, StoreError
from replenish.store.server_tables import User

#: Shortest and longest password accepted (long enough to resist guessing, short enough that
#: hashing one costs nothing unusual).
MIN_LENGTH, MAX_LENGTH = 12, 256
#: argon2id with the library's defaults (RFC 9106's second recommendation), about 50 ms.
_HASHER = PasswordHasher()


def check_password_text(password: str) -> None:
    """Refuse a password too short or too long (ScenarioError, as invalid input)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ScenarioError([Problem("password", None, None,
                                     f"expected {MIN_LENGTH} to {MAX_LENGTH} characters, got "
                                     f"{len(password)}")])


def set_password(session: Session, name: str, password: str | None) -> Identity:
    """Give the user `password` (None: remove it, leaving token sign-in only)."""
    if password is not None:
        check_password_text(password)
    row = session.scalar(select(User).where(User.name == name).with_for_update())
    if row is None:
        raise StoreError(f"no user named {name!r}")
    row.password_hash = _HASHER.hash(password) if password is not None else None
    return to_identity(row)


@cache
def _nobody() -> str:
    """A hash no password matches, checked for names without one (same cost as a real one)."""
    return _HASHER.hash("no password: sign in with a token")


def check_password(session: Session, name: str, password: str
                   ) -> tuple[Identity, str, str] | None:
    """The active user with this name and password, with its token and password hashes (for
    the session's fingerprint); None for any wrong name, password, revoked or expired user."""
    row = None
    if len(name) <= 128 and len(password) <= MAX_LENGTH:
        row = session.execute(select(User.id, User.name, User.role, User.nation, User.producer,
                                     User.token_hash, User.password_hash, User.revoked_at,
                                     User.expires_at).where(User.name == name)).first()
    stored = row.password_hash if row is not None and row.password_hash else None
    matches = _matches(stored or _nobody(), password[:MAX_LENGTH])
    if row is None or stored is None or not matches:
        return None
    if row.revoked_at is not None or _expired(row.expires_at):
        return None
    return (Identity(row.id, row.name, row.role, row.nation, row.producer), row.token_hash,
            stored)


def _matches(stored: str, password: str) -> bool:
    """Whether `password` is the one hashed (argon2 compares in constant time)."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
