"""HTML forms; Flask-WTF adds and checks the CSRF token on each."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from marshmallow import ValidationError as SchemaValidationError
from wtforms import EmailField, Field, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..api.schemas import UserCreateSchema
from ..models.user import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH


def same_rules_as_api(field_name: str) -> Callable[[FlaskForm, Field], None]:
    """Validate a field with the API schema's rules, so the page and the API agree."""
    schema_field = UserCreateSchema().fields[field_name]

    def check(form: FlaskForm, field: Field) -> None:
        try:
            schema_field.deserialize(field.data)
        except SchemaValidationError as error:
            messages = error.messages if isinstance(error.messages, list) else [error.messages]
            raise ValidationError(" ".join(str(message) for message in messages)) from None

    return check


class UserForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[
            InputRequired(),
            Length(max=USERNAME_MAX_LENGTH),
            same_rules_as_api("username"),
        ],
    )
    email = EmailField(
        "Email",
        validators=[InputRequired(), Length(max=EMAIL_MAX_LENGTH), same_rules_as_api("email")],
    )
