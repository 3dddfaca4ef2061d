"""Views the tests add to an app, to see failures answered as a client would see them."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

# Port 9 (discard) refuses connections at once: a database that is down.
REFUSING_DATABASE = "postgresql://app:s3cret-password@127.0.0.1:9/app"


def crashing_app() -> Flask:
    """The testing app, with views at /test-crash and /api/test-crash that leave a failed
    transaction behind, as a real bug would."""
    app = create_app("testing")
    # Testing lets exceptions reach the test client; production turns them into a 500 page.
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/test-crash")
    @app.get("/test-crash")
    def crash() -> str:
        db.session.add(User(username="half-written", email="half@example.com"))
        db.session.flush()
        db.session.execute(sa.text("SELECT 1/0"))
        return "unreachable"

    return app


def with_a_reading_view(app: Flask) -> Flask:
    """`app`, with a view at /test-read that reads the database (and nothing cached)."""

    @app.get("/test-read")
    def read() -> str:
        return str(db.session.scalar(sa.select(sa.func.count()).select_from(User)))

    return app
