"""API users and their tokens: create, revoke, list, and verify a bearer token.

A token is `ID.SECRET`: ID (72 random bits) finds the user row, SECRET (256 random bits) is
checked against an argon2 hash, so a stolen copy of the database opens nothing. Argon2 costs
about 40 ms and 19 MiB per check, so a successful check is remembered for a short while as a
SHA-256 digest compared in constant time; the user row (role, revocation) is still read on every
request, so revoking a token takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
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
#: OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): the secret is 256 random bits, so
#: hashing cost only guards a leaked table, which no cost factor is needed to make unguessable.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
#: Built once: every request runs it, and building a statement costs more than running it.
#: Plain columns, not the mapped row: nothing of the user is changed, so nothing is tracked.
_BY_TOKEN_ID = select(
    User.id, User.name, User.role, User.nation, User.producer, User.token_hash, User.revoked_at,
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


def new_token() -> tuple[str, str, str]:
    """A fresh token with its lookup ID and argon2 hash: (token, token_id, token_hash)."""
    token_id = secrets.token_urlsafe(9)
    secret = secrets.token_urlsafe(32)
    return f"{token_id}.{secret}", token_id, _HASHER.hash(secret)


def create_user(
    session: Session, name: str, role: str, nation: str | None = None,
    producer: str | None = None,
) -> tuple[Identity, str]:
    """Add a user bound as its role requires; return it and its token (shown only once)."""
    check_user(session, name, role, nation, producer)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise ConflictError(f"a user named {name!r} already exists")
    token, token_id, token_hash = new_token()
    row = User(name=name, role=role, nation=nation, producer=producer, token_id=token_id,
               token_hash=token_hash, created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
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
    """Checks bearer tokens against the users table, remembering recent successes briefly."""

    def __init__(self, remember_seconds: float = 60.0) -> None:
        self.remember_seconds = remember_seconds
        self._remembered: dict[int, tuple[bytes, str, float]] = {}
        # One argon2 check at a time: 100 clients arriving with one token must not each
        # spend 19 MiB; they wait, then find the success remembered.
        self._lock = threading.Lock()

    def verify(self, session: Session, token: str) -> Identity | None:
        """The active user the token belongs to, or None (unknown, wrong, or revoked)."""
        token_id, dot, secret = token.partition(".")
        if not dot or not secret or len(token_id) > 32 or len(secret) > 128:
            return None
        row = session.execute(_BY_TOKEN_ID, {"token_id": token_id}).first()
        if row is None or row.revoked_at is not None:
            return None
        identity = Identity(row.id, row.name, row.role, row.nation, row.producer)
        digest = hashlib.sha256(token.encode()).digest()
        if self._remembers(identity.id, row.token_hash, digest):
            return identity
        with self._lock:
            if (not self._remembers(identity.id, row.token_hash, digest)
                    and not _argon2_matches(row.token_hash, secret)):
                return None
            expires = time.monotonic() + self.remember_seconds
            self._remembered[identity.id] = (digest, row.token_hash, expires)
        return identity

    def _remembers(self, user_id: int, token_hash: str, digest: bytes) -> bool:
        """Whether this exact token was verified for this user, with this hash, recently."""
        known = self._remembered.get(user_id)
        if known is None:
            return False
        known_digest, known_hash, expires = known
        return (expires > time.monotonic() and known_hash == token_hash
                and hmac.compare_digest(known_digest, digest))


def _argon2_matches(token_hash: str, secret: str) -> bool:
    """Whether `secret` is the one hashed (argon2 compares in constant time)."""
    try:
        return _HASHER.verify(token_hash, secret)
    except (VerificationError, InvalidHashError):
        return False
