"""What the API accepts and returns; the same schemas generate its OpenAPI document."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from ..models.user import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH

MAX_PER_PAGE = 100
# Offsets beyond this are certainly empty pages, and stay far from bigint overflow.
MAX_PAGE = 1_000_000


def printable(value: str) -> None:
    """Refuse control characters: PostgreSQL cannot store NUL, and the rest corrupt pages."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError("Must not contain control characters.")


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


class UTCDateTime(fields.DateTime):
    """Timestamps leave the API in UTC, whatever time zone the database session uses."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is not None:
            value = value.astimezone(UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class UserCreateSchema(Schema):
    username = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=USERNAME_MAX_LENGTH), not_blank, printable],
    )
    email = fields.Email(required=True, validate=[validate.Length(max=EMAIL_MAX_LENGTH), printable])

    @pre_load
    def strip_whitespace(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {
            key: value.strip() if isinstance(value, str) else value for key, value in data.items()
        }

    @post_load
    def lowercase_email(self, data: dict[str, str], **kwargs: Any) -> dict[str, str]:
        # One address, one account, however it is capitalised.
        return {**data, "email": data["email"].lower()}


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class UserPageSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
