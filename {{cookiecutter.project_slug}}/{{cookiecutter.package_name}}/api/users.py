"""/api/users: create, list and fetch users."""

from __future__ import annotations

from flask import abort

from ..models import User
from ..users import (
    DuplicateUserError,
    UserRow,
    UsersPage,
    create_user,
    find_user,
    users_page,
)
from . import bp
from .schemas import ErrorSchema, PageArgsSchema, UserCreateSchema, UserPageSchema, UserSchema


@bp.get("/users")
@bp.arguments(PageArgsSchema(), location="query", as_kwargs=True)
@bp.response(200, UserPageSchema)
def list_users(page: int, per_page: int) -> UsersPage:
    """A page of users, oldest first."""
    return users_page(page, per_page)


@bp.post("/users")
@bp.arguments(UserCreateSchema())
@bp.response(201, UserSchema)
@bp.alt_response(409, schema=ErrorSchema, description="The username or email is taken.")
def create(payload: dict[str, str]) -> User:
    """Create a user."""
    try:
        return create_user(payload["username"], payload["email"])
    except DuplicateUserError as error:
        abort(409, description=str(error))


# Ids beyond PostgreSQL's integer range cannot exist: a 404, not a database error.
@bp.get("/users/<int(max=2147483647):user_id>")
@bp.response(200, UserSchema)
@bp.alt_response(404, schema=ErrorSchema, description="No user with this id.")
def get_user(user_id: int) -> UserRow:
    """One user by id."""
    user = find_user(user_id)
    if user is None:
        abort(404, description="No user with this id.")
    return user
