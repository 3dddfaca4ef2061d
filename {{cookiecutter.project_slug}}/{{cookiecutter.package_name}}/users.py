"""The users feature: the rules a user's fields follow, creating users, and listing them.

Views go through these functions, never the model directly, so every way in accepts exactly
the same input.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError

{% if cookiecutter.use_caching -%}
from .caching import cache, forget
{% endif -%}
from .extensions import db
from .models import User
from .models.user import EMAIL_MAX_LENGTH, UNIQUE_CONSTRAINT_FIELDS, USERNAME_MAX_LENGTH
{%- if cookiecutter.use_caching %}

# Long enough to absorb bursts of reads; every write clears the cache at once anyway.
USERS_PAGE_CACHE_SECONDS = 300
{%- endif %}


class DuplicateUserError(Exception):
    """A user with this username or email already exists."""

    def __init__(self, field: str) -> None:
        super().__init__(f"A user with this {field} already exists.")
        self.field = field


def _refuse_unsafe_characters(value: str) -> None:
    # PostgreSQL cannot store NUL, and the other control characters corrupt pages and logs.
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("Must not contain control characters.")
    # A lone surrogate (JSON's "\ud800" escapes make them) has no UTF-8 encoding: the database
    # driver would fail on it with a 500.
    if any(unicodedata.category(char) == "Cs" for char in value):
        raise ValueError("Must not contain unpaired surrogates.")


def clean_username(value: str) -> str:
    """The username to store, or ValueError saying what is wrong with it."""
    value = value.strip()
    if not value:
        raise ValueError("Must not be blank.")
    if len(value) > USERNAME_MAX_LENGTH:
        raise ValueError(f"Must be at most {USERNAME_MAX_LENGTH} characters.")
    _refuse_unsafe_characters(value)
    return value


def clean_email(value: str) -> str:
    """The email address to store (lowercased: one address, one account), or ValueError."""
    value = value.strip()
    if len(value) > EMAIL_MAX_LENGTH:
        raise ValueError(f"Must be at most {EMAIL_MAX_LENGTH} characters.")
    _refuse_unsafe_characters(value)
    try:
        address = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError("Not a valid email address.") from None
    return address.normalized.lower()


def create_user(username: str, email: str) -> User:
    """Validate, insert and commit a user.

    Raises ValueError for an invalid field and DuplicateUserError when the username or email
    is taken; the database's unique constraints decide, so concurrent requests cannot both win.
    """
    user = User(username=clean_username(username), email=clean_email(email))
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        if constraint not in UNIQUE_CONSTRAINT_FIELDS:
            raise
        raise DuplicateUserError(UNIQUE_CONSTRAINT_FIELDS[constraint]) from error
{%- if cookiecutter.use_caching %}
    # Drop every cached page, so that the next read sees this write at once.
    forget(users_page)
{%- endif %}
    return user


@dataclass(frozen=True)
class UserRow:
    """A user as reads return it: plain immutable values, safe to cache and share between
    requests. Writes work with the ORM's User, whose changes the session tracks."""

    id: int
    username: str
    email: str
    created_at: datetime


# Offsets beyond this are certainly empty pages, and stay far from bigint overflow.
MAX_PAGE = 1_000_000

# Built once at import rather than per request; the page bounds are bound parameters.
_users = User.__table__
_user_rows = sa.select(_users.c.id, _users.c.username, _users.c.email, _users.c.created_at)
_page_of_users = _user_rows.limit(sa.bindparam("limit")).offset(sa.bindparam("offset"))
PAGE_OLDEST_FIRST = _page_of_users.order_by(_users.c.id)
PAGE_NEWEST_FIRST = _page_of_users.order_by(_users.c.id.desc())
COUNT_USERS = sa.select(sa.func.count()).select_from(_users)
{%- if cookiecutter.interface != "web-only" %}
USER_BY_ID = _user_rows.where(_users.c.id == sa.bindparam("id"))
{%- endif %}


@dataclass(frozen=True)
class UsersPage:
    items: list[UserRow]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)  # ceiling division, in integers

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


{% if cookiecutter.use_caching -%}
# Plain rows, not ORM objects, so a cached page is safe to share between requests.
@cache.memoize(timeout=USERS_PAGE_CACHE_SECONDS)
{% endif -%}
def users_page(page: int, per_page: int, newest_first: bool = False) -> UsersPage:
    """One page of users, in id order; two queries (page and count) whatever the sizes."""
    # Core statements on the session's connection: plain rows need no ORM bookkeeping.
    connection = db.session.connection()
    rows = connection.execute(
        PAGE_NEWEST_FIRST if newest_first else PAGE_OLDEST_FIRST,
        {"limit": per_page, "offset": (page - 1) * per_page},
    )
    items = [_user_row(row) for row in rows]
    total = connection.scalar(COUNT_USERS) or 0
    return UsersPage(items, page, per_page, total)
{%- if cookiecutter.interface != "web-only" %}


def find_user(user_id: int) -> UserRow | None:
    """The user with this id, or None; a read like users_page(), without the ORM."""
    row = db.session.connection().execute(USER_BY_ID, {"id": user_id}).first()
    return None if row is None else _user_row(row)
{%- endif %}


def _user_row(row: sa.Row[int, str, str, datetime]) -> UserRow:
    # By position: every statement above selects these columns in this order.
    user_id, username, email, created_at = row
    return UserRow(user_id, username, email, created_at)
