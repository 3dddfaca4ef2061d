"""The User model."""

from __future__ import annotations

import sqlalchemy as sa

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User


def test_created_at_is_set_per_row_by_the_database(app):
    with app.app_context():
        first = User(username="first", email="first@example.com")
        db.session.add(first)
        db.session.commit()
        db.session.execute(sa.text("SELECT pg_sleep(0.01)"))
        db.session.execute(sa.insert(User).values(username="raw", email="raw@example.com"))
        db.session.commit()
        raw = db.session.scalars(sa.select(User).where(User.username == "raw")).one()
        assert first.created_at.tzinfo is not None
        assert raw.created_at > first.created_at


def test_constraints_follow_the_naming_convention():
    names = {constraint.name for constraint in User.__table__.constraints}
    assert {"pk_users", "uq_users_username", "uq_users_email"} <= names
