"""The app's PostgreSQL: the session, its migrations, its deadlines and connection retries,
bound to the app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from . import connect_retries, database_deadlines
from .extensions import db, migrate


def init_app(app: Flask) -> None:
    db.init_app(app)
    database_deadlines.init_app(app)
    connect_retries.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    # Runs before Flask-SQLAlchemy's own teardown, which then has nothing left to close.
    app.teardown_appcontext(remove_session)


def reset_session() -> None:
    """Roll the session back; if the database dropped its connection, throw that away instead."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session().invalidate()  # the scoped proxy does not offer invalidate()


def remove_session(exception: BaseException | None) -> None:
    """End the request's session without turning a finished response into a 500.

    Closing a session rolls it back, and that rollback raises when the database went away
    during the request (a restart, a failover): the response is ready by then, and whatever
    it says (a 201 for a committed write, a 503) must reach the client.
    """
    # Most requests (probes, static files, cached pages) never open a session: making one
    # here only to roll it back would cost every one of them.
    if db.session.registry.has():
        reset_session()
        db.session.remove()
