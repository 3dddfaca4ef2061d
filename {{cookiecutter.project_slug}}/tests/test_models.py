"""The User model and its schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import DuplicateUserError, User, create_user


def test_created_at_is_set_per_row_in_utc(app):
    with app.app_context():
        first = create_user(db.session, "first", "first@example.com")
        db.session.execute(sa.text("SELECT pg_sleep(0.01)"))
        second = create_user(db.session, "second", "second@example.com")
        assert first.created_at.tzinfo is not None
        assert second.created_at > first.created_at


def test_rows_inserted_outside_the_orm_get_a_timestamp_too(app):
    with app.app_context():
        db.session.execute(sa.insert(User).values(username="raw", email="raw@example.com"))
        user = db.session.scalars(sa.select(User)).one()
        assert user.created_at is not None


def test_create_user_reports_which_field_is_taken(app):
    with app.app_context():
        create_user(db.session, "alice", "alice@example.com")
        with pytest.raises(DuplicateUserError) as duplicate:
            create_user(db.session, "bob", "alice@example.com")
        assert duplicate.value.field == "email"
        # The session is usable again after the refusal.
        assert create_user(db.session, "bob", "bob@example.com").id


def test_constraints_follow_the_naming_convention():
    names = {constraint.name for constraint in User.__table__.constraints}
    assert {"pk_users", "uq_users_username", "uq_users_email"} <= names
