"""/api/users: create, list and fetch users."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort

from ..extensions import db
from ..models import DuplicateUserError, User, create_user
from . import bp
from .schemas import PageArgsSchema, UserCreateSchema, UserPageSchema, UserSchema


@bp.get("/users")
@bp.arguments(PageArgsSchema, location="query", as_kwargs=True)
@bp.response(200, UserPageSchema)
def list_users(page: int, per_page: int) -> dict[str, Any]:
    """A page of users, oldest first."""
    # Two queries (count and page) however large the page or the table.
    pagination = db.paginate(
        sa.select(User).order_by(User.id), page=page, per_page=per_page, error_out=False
    )
    return {
        "items": pagination.items,
        "page": page,
        "per_page": per_page,
        "total": pagination.total,
        "pages": pagination.pages,
    }


@bp.post("/users")
@bp.arguments(UserCreateSchema)
@bp.response(201, UserSchema)
@bp.alt_response(409, description="The username or email is taken.")
def create(payload: dict[str, str]) -> User:
    """Create a user."""
    try:
        return create_user(db.session, payload["username"], payload["email"])
    except DuplicateUserError as error:
        abort(409, description=f"A user with this {error.field} already exists.")


# Ids beyond PostgreSQL's integer range cannot exist: a 404, not a database error.
@bp.get("/users/<int(max=2147483647):user_id>")
@bp.response(200, UserSchema)
def get_user(user_id: int) -> User:
    """One user by id."""
    return db.get_or_404(User, user_id, description="No user with this id.")
