"""API users (admins manage them): a role, and the nation or producer it is bound to."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from replenish.api.schemas.common import Code, Moment, Schema

Role = Literal["coordinator", "nation", "recipient", "industry", "admin"]


class UserBase(Schema):
    """Who: a name, a role, and the binding the role needs."""

    name: str
    role: Role
    nation: str | None = None
    producer: str | None = None


class UserCreate(UserBase):
    """A new user; `nation` for nation and recipient roles, `producer` for industry."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.@-]{1,128}$")]
    nation: Code | None = None
    producer: Code | None = None


class UserPublic(UserBase):
    """A user as listed (never its token)."""

    id: int
    created_at: Moment
    revoked_at: Moment | None


class UserCreated(UserPublic):
    """A user just created, with its token: shown this once, stored only as a hash."""

    token: str
