"""What the API accepts and returns; the same schemas generate its OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from ..models.user import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH
from ..users import MAX_PAGE, clean_email, clean_username

MAX_PER_PAGE = 100
# The users feature's rules, as far as JSON Schema can state them, for the OpenAPI document:
# no control character or lone surrogate (Unicode Cc, Cs), not blank. The rules still decide.
_REFUSED = r"\x00-\x1f\x7f-\x9f\ud800-\udfff"
USERNAME_PATTERN = rf"^[^{_REFUSED}]*[^\s{_REFUSED}][^{_REFUSED}]*$"


def follows(rule: Callable[[str], str]) -> Callable[[str], None]:
    """A marshmallow validator from one of the users feature's rules."""

    def check(value: str) -> None:
        try:
            rule(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None

    return check


class UTCDateTime(fields.DateTime):
    """Timestamps leave the API in UTC, whatever time zone the database session uses."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is not None:
            value = value.astimezone(UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class ErrorSchema(Schema):
    """Every error response (errors.json_error()); the document's "Error" component."""

    error = fields.String(required=True, metadata={"description": "The HTTP status name."})
    message = fields.String(required=True, metadata={"description": "What went wrong."})
    details = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Field-by-field reasons, by location (json, query)."},
    )


class UserCreateSchema(Schema):
    username = fields.String(
        required=True,
        validate=follows(clean_username),
        metadata={"maxLength": USERNAME_MAX_LENGTH, "pattern": USERNAME_PATTERN},
    )
    email = fields.String(
        required=True,
        validate=follows(clean_email),
        metadata={"format": "email", "maxLength": EMAIL_MAX_LENGTH},
    )


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class UserPageSchema(Schema):
    # One dump of the whole list (many=True), not one per item; the same OpenAPI array.
    items = fields.Nested(UserSchema, many=True)
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
