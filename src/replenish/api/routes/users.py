"""GET /users, POST /users and POST /users/{name}/revoke: user management (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, status
from sqlalchemy import select

from replenish.api.auditing import record_user_created, record_write
from replenish.api.deps import Grant, SessionDep, permit
from replenish.api.identity import Identity, create_user, list_users, revoke_user
from replenish.api.schemas.common import errors
from replenish.api.schemas.users import UserCreate, UserCreated, UserPublic
from replenish.store.server_tables import User

router = APIRouter(prefix="/users", tags=["users"])
UserName = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.@-]{1,128}$")]


@router.get("", responses=errors(401, 403))
def read_users(
    session: SessionDep, grant: Annotated[Grant, permit("users.read")],
) -> list[UserPublic]:
    """Every user, revoked ones included (never their tokens)."""
    return [to_public(user, created, revoked) for user, created, revoked in list_users(session)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(401, 403, 409))
def create_api_user(
    request: Request, body: UserCreate, session: SessionDep,
    grant: Annotated[Grant, permit("users.write")],
) -> UserCreated:
    """Create a user; its token is in this response only. Creating a coordinator or an admin
    is audited as `user.create_privileged`, which coordinators see in GET /audit."""
    key = request.app.state.settings.token_key.get_secret_value()
    user, token = create_user(session, body.name, body.role, body.nation, body.producer,
                              key=key)
    record_user_created(session, grant.user, user)
    row = session.get_one(User, user.id)
    return UserCreated(**to_public(user, row.created_at, None).model_dump(), token=token)


@router.post("/{name}/revoke", responses=errors(401, 403, 404))
def revoke_api_user(
    name: UserName, session: SessionDep, grant: Annotated[Grant, permit("users.write")],
) -> UserPublic:
    """Revoke a user's token, effective at once."""
    if session.scalar(select(User.id).where(User.name == name)) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user named {name}")
    user = revoke_user(session, name)
    record_write(session, grant.user, "user.revoke", f"user:{name}", {})
    row = session.get_one(User, user.id)
    return to_public(user, row.created_at, row.revoked_at)


def to_public(user: Identity, created: datetime, revoked: datetime | None) -> UserPublic:
    """The public view of a user."""
    return UserPublic(id=user.id, name=user.name, role=user.role,  # type: ignore[arg-type]
                      nation=user.nation, producer=user.producer, created_at=created,
                      revoked_at=revoked)
