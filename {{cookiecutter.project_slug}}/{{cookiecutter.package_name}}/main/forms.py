"""HTML forms; Flask-WTF adds and checks the CSRF token on each."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..models.user import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH
from ..users import clean_email, clean_username


def follows(rule: Callable[[str], str]) -> Callable[[FlaskForm, Field], None]:
    """A WTForms validator from one of the users feature's rules."""

    def check(form: FlaskForm, field: Field) -> None:
        try:
            rule(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from None

    return check


class UserForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[InputRequired(), Length(max=USERNAME_MAX_LENGTH), follows(clean_username)],
    )
    email = EmailField(
        "Email",
        validators=[InputRequired(), Length(max=EMAIL_MAX_LENGTH), follows(clean_email)],
    )
