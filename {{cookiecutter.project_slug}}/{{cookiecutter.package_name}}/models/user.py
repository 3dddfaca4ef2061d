"""The User model."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

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


# Unique constraint name → the field it protects, to say which one a duplicate hit.
UNIQUE_CONSTRAINT_FIELDS = {
    constraint.name: next(iter(constraint.columns)).name
    for constraint in Base.metadata.tables[User.__tablename__].constraints
    if isinstance(constraint, sa.UniqueConstraint)
}
