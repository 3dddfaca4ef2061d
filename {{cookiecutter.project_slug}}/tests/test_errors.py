"""Errors, whatever the interface: a failure is a 500 without a traceback that leaves the
session clean, and a database outage a 503 whose log line says why. What the bodies look
like: tests/api/test_errors.py (JSON) and tests/main/test_errors.py (HTML)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from .conftest import user_count
from .failures import REFUSING_DATABASE, crashing_app, with_a_reading_view


@pytest.fixture
def app_after_a_crash(migrated_database) -> Flask:
    app = crashing_app()

    # Like an audit hook: code that still needs the session after the view failed.
    @app.after_request
    def count_users(response):
        app.extensions["users_seen_after_request"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(User)
        )
        return response

    return app


def test_an_unhandled_error_is_a_500_without_a_traceback_and_rolls_back(app_after_a_crash):
    response = app_after_a_crash.test_client().get("/test-crash")
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert app_after_a_crash.extensions["users_seen_after_request"] == 0
    assert user_count(app_after_a_crash) == 0


def test_a_connection_lost_after_the_response_is_ready_does_not_make_it_a_500(app):
    @app.get("/test-connection-lost")
    def connection_lost() -> str:
        # The request's transaction is open when its server process dies (a restart, a
        # failover): the rollback that ends the session then fails.
        pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
        with db.engine.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return "done"

    response = app.test_client().get("/test-connection-lost")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "done")
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT 1")) == 1


def test_the_503_log_line_says_why_and_in_development_what_to_do(monkeypatch, capfd):
    monkeypatch.setenv("SECRET_KEY", "development-key")
    monkeypatch.setenv("DATABASE_URL", REFUSING_DATABASE)
    app = with_a_reading_view(create_app("development"))
    capfd.readouterr()
    assert app.test_client().get("/test-read").status_code == 503
    assert (
        "database unavailable: refused (OperationalError); is PostgreSQL running? "
        "`flask local-db start` starts this project's own, or check DATABASE_URL"
    ) in capfd.readouterr().err


def test_the_503_log_line_in_production_gives_the_reason_and_no_secret(production_env, capfd):
    production_env.setenv("DATABASE_URL", REFUSING_DATABASE)
    app = with_a_reading_view(create_app())
    capfd.readouterr()
    reply = app.test_client().get("/test-read", base_url="https://example.com")
    assert reply.status_code == 503
    log = capfd.readouterr().err
    messages = [json.loads(line)["message"] for line in log.splitlines() if line.startswith("{")]
    assert "database unavailable: refused (OperationalError)" in messages
    assert "s3cret-password" not in log
    assert "postgresql://" not in log


def test_a_statement_over_the_statement_timeout_is_a_503_that_says_so(
    migrated_database, monkeypatch, capfd
):
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "1")
    app = create_app("testing")

    @app.get("/test-slow-statement")
    def slow_statement() -> str:
        db.session.execute(sa.text("SELECT pg_sleep(3)"))
        return "unreachable"

    capfd.readouterr()
    assert app.test_client().get("/test-slow-statement").status_code == 503
    assert "database unavailable: statement timeout (OperationalError)" in capfd.readouterr().err
