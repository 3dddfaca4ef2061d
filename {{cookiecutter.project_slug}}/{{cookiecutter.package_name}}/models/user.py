"""Users, and the one way to create them that both the API and the web pages share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from .base import Base

USERNAME_MAX_LENGTH = 80
# RFC 5321 caps a forward path at 256 octets including the angle brackets.
EMAIL_MAX_LENGTH = 254


class User(Base):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(sa.Identity(), primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(USERNAME_MAX_LENGTH), unique=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(EMAIL_MAX_LENGTH), unique=True)
    # timestamptz, filled by the database for each row at insert time.
    created_at: so.Mapped[datetime] = so.mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class DuplicateUserError(Exception):
    """A user with this username or email already exists."""

    def __init__(self, field: str) -> None:
        super().__init__(f"a user with this {field} already exists")
        self.field = field


_UNIQUE_FIELDS = {
    constraint.name: next(iter(constraint.columns)).name
    for constraint in Base.metadata.tables[User.__tablename__].constraints
    if isinstance(constraint, sa.UniqueConstraint)
}


def create_user(session: so.Session | so.scoped_session[Any], username: str, email: str) -> User:
    """Insert and commit a user; raise DuplicateUserError if the name or email is taken.

    The unique constraints decide, so two concurrent requests cannot both succeed.
    """
    user = User(username=username, email=email)
    session.add(user)
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        if constraint not in _UNIQUE_FIELDS:
            raise
        raise DuplicateUserError(_UNIQUE_FIELDS[constraint]) from error
    return user
