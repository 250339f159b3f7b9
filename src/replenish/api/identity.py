"""API users and their tokens: create, rotate, revoke, list, and verify a bearer token.

A token is `ID.SECRET`: ID (72 random bits) finds the user row, SECRET (256 random bits) is
checked against an HMAC-SHA-256 of it under the server's key (REPLENISH_TOKEN_KEY). A secret of
that entropy needs no slow hash: a stolen copy of the database opens nothing without the key,
and a check costs microseconds, so a flood of wrong secrets costs the server next to nothing.
Tokens made before the key existed hold an argon2 hash; they are still accepted (checked
off the event loop, remembered briefly, no global lock) until `replenish user token NAME`
rotates them. The user row (role, revocation, expiry) is read on every request, so revoking
a token takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from replenish.errors import ConflictError, Problem, ScenarioError, StoreError
from replenish.store.server_tables import ROLES, User
from replenish.store.tables import NationRow, ProductionLineRow

#: Which code each role is bound to ('nation' covers recipients too: they are nations).
BINDINGS: dict[str, str | None] = {
    "coordinator": None, "nation": "nation", "recipient": "nation", "industry": "producer",
    "admin": None,
}
NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,128}$")
#: Roles that see every member's numbers or manage users: creating one is audited as such.
PRIVILEGED_ROLES = frozenset({"coordinator", "admin"})
#: Prefix of a token hash made with the server key (older rows hold argon2 hashes).
HMAC_PREFIX = "hmac-sha256$"
#: Checks tokens stored before HMAC (argon2id, the parameters they were made with).
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
#: Built once: every request runs it, and building a statement costs more than running it.
#: Plain columns, not the mapped row: nothing of the user is changed, so nothing is tracked.
_BY_TOKEN_ID = select(
    User.id, User.name, User.role, User.nation, User.producer, User.token_hash, User.revoked_at,
    User.expires_at,
).where(User.token_id == bindparam("token_id"))


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a request comes from, detached from the session: the user and what it is bound to."""

    id: int
    name: str
    role: str
    nation: str | None
    producer: str | None

    @property
    def code(self) -> str | None:
        """The nation, recipient or producer the role is bound to (None for unbound roles)."""
        binding = BINDINGS[self.role]
        return getattr(self, binding) if binding else None


def token_hash(key: str, secret: str) -> str:
    """The stored form of a token's secret: HMAC-SHA-256 under the server key."""
    digest = hmac.new(key.encode(), secret.encode(), hashlib.sha256).hexdigest()
    return HMAC_PREFIX + digest


def new_token(key: str) -> tuple[str, str, str]:
    """A fresh token with its lookup ID and keyed hash: (token, token_id, token_hash)."""
    token_id = secrets.token_urlsafe(9)
    secret = secrets.token_urlsafe(32)
    return f"{token_id}.{secret}", token_id, token_hash(key, secret)


def server_key() -> str:
    """The token key of the settings in the environment (REPLENISH_TOKEN_KEY)."""
    from replenish.api.settings import ServerSettings

    return ServerSettings().token_key.get_secret_value()


def create_user(
    session: Session, name: str, role: str, nation: str | None = None,
    producer: str | None = None, *, key: str | None = None, expires_at: datetime | None = None,
) -> tuple[Identity, str]:
    """Add a user bound as its role requires; return it and its token (shown only once).

    `key` is the server's token key (default: REPLENISH_TOKEN_KEY's); `expires_at` ends the
    token then (default: never).
    """
    check_user(session, name, role, nation, producer)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise ConflictError(f"a user named {name!r} already exists")
    token, token_id, hashed = new_token(key or server_key())
    row = User(name=name, role=role, nation=nation, producer=producer, token_id=token_id,
               token_hash=hashed, created_at=datetime.now(UTC), expires_at=expires_at)
    session.add(row)
    session.flush()
    return to_identity(row), token


def rotate_token(
    session: Session, name: str, *, key: str | None = None, expires_at: datetime | None = None,
) -> tuple[Identity, str]:
    """Give the user a new token (the old one stops working at once); return it, shown once.

    A revoked user gets a token again: rotating is how a revocation is undone.
    """
    row = session.scalar(select(User).where(User.name == name).with_for_update())
    if row is None:
        raise StoreError(f"no user named {name!r}")
    token, row.token_id, row.token_hash = new_token(key or server_key())
    row.expires_at = expires_at
    row.revoked_at = None
    return to_identity(row), token


def revoke_user(session: Session, name: str) -> Identity:
    """Revoke the user's token from now on (the row stays, for the audit trail)."""
    row = session.scalar(select(User).where(User.name == name).with_for_update())
    if row is None:
        raise StoreError(f"no user named {name!r}")
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
    return to_identity(row)


def list_users(session: Session) -> list[tuple[Identity, datetime, datetime | None]]:
    """Every user by name, with when it was created and revoked."""
    rows = session.scalars(select(User).order_by(User.name))
    return [(to_identity(r), r.created_at, r.revoked_at) for r in rows]



def check_user(
    session: Session, name: str, role: str, nation: str | None, producer: str | None,
) -> None:
    """Refuse a bad name or role, or a binding the role does not take or the store lacks."""
    problems = []
    if not NAME.match(name):
        problems.append(("name", f"expected 1-128 of A-Z a-z 0-9 _ . @ -, got {name!r}"))
    if role not in ROLES:
        problems.append(("--role", f"expected one of {', '.join(ROLES)}, got {role!r}"))
    else:
        problems += _binding_problems(session, role, nation, producer)
    if problems:
        raise ScenarioError([Problem(where, None, None, message) for where, message in problems])


def _binding_problems(
    session: Session, role: str, nation: str | None, producer: str | None,
) -> list[tuple[str, str]]:
    """What is wrong with the --nation / --producer given for `role`."""
    binding = BINDINGS[role]
    wanted = {"nation": nation, "producer": producer}
    problems = [(f"--{key}", f"role {role} takes no --{key}")
                for key, value in wanted.items() if value is not None and key != binding]
    if binding is None:
        return problems
    code = wanted[binding]
    if code is None:
        return [*problems, (f"--{binding}", f"role {role} needs --{binding} CODE")]
    if binding == "producer":
        known = session.scalar(select(ProductionLineRow.producer)
                               .where(ProductionLineRow.producer == code).limit(1))
        if known is None:
            problems.append(("--producer", f"no production line of producer {code!r} in the "
                                           "store"))
        return problems
    expected = "member" if role == "nation" else "recipient"
    held = session.get(NationRow, code)
    if held is None or held.role != expected:
        problems.append(("--nation", f"{code!r} is not a {expected} in the store"))
    return problems


def to_identity(row: User) -> Identity:
    """A detached copy of a user row."""
    return Identity(row.id, row.name, row.role, row.nation, row.producer)


class TokenVerifier:
    """Checks bearer tokens against the users table with the server's key."""

    def __init__(self, key: str, remember_seconds: float = 60.0) -> None:
        self.key = key
        self.remember_seconds = remember_seconds
        # Successful argon2 checks of tokens made before HMAC, as SHA-256 digests.
        self._remembered: dict[int, tuple[bytes, str, float]] = {}

    def verify(self, session: Session, token: str) -> Identity | None:
        """The active user the token belongs to, or None (unknown, wrong, revoked, expired)."""
        token_id, dot, secret = token.partition(".")
        if not dot or not secret or len(token_id) > 32 or len(secret) > 128:
            return None
        row = session.execute(_BY_TOKEN_ID, {"token_id": token_id}).first()
        if row is None or row.revoked_at is not None or _expired(row.expires_at):
            return None
        identity = Identity(row.id, row.name, row.role, row.nation, row.producer)
        if row.token_hash.startswith(HMAC_PREFIX):
            matches = hmac.compare_digest(token_hash(self.key, secret), row.token_hash)
            return identity if matches else None
        return identity if self._legacy_matches(identity.id, row.token_hash, token) else None

    def _legacy_matches(self, user_id: int, stored: str, token: str) -> bool:
        """Whether `token` matches an argon2 hash of a token made before HMAC (remembered)."""
        digest = hashlib.sha256(token.encode()).digest()
        known = self._remembered.get(user_id)
        if known is not None:
            known_digest, known_hash, expires = known
            if (expires > time.monotonic() and known_hash == stored
                    and hmac.compare_digest(known_digest, digest)):
                return True
        if not _argon2_matches(stored, token.partition(".")[2]):
            return False
        self._remembered[user_id] = (digest, stored, time.monotonic() + self.remember_seconds)
        return True


def _expired(expires_at: datetime | None) -> bool:
    """Whether a token expiring at `expires_at` has expired (naive times are UTC)."""
    if expires_at is None:
        return False
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    return expires_at <= datetime.now(UTC)


def _argon2_matches(stored: str, secret: str) -> bool:
    """Whether `secret` is the one hashed (argon2 compares in constant time)."""
    try:
        return _HASHER.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False
