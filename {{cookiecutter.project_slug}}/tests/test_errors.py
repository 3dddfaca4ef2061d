"""Error responses: JSON under /api, HTML elsewhere; the session is clean after a failure."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import Flask

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from .conftest import user_count
{%- if cookiecutter.use_caching %}
from .servers import UNREACHABLE_REDIS
{%- endif %}

{% if cookiecutter.interface != "web-only" -%}
LIST_PATH = "/api/users"
{%- else -%}
LIST_PATH = "/users"
{%- endif %}
# Port 9 (discard) refuses connections at once: a database that is down.
REFUSING_DATABASE = "postgresql://app:s3cret-password@127.0.0.1:9/app"


@pytest.fixture
def crashing_app(migrated_database) -> Flask:
    app = create_app("testing")
    # Testing lets exceptions reach the test client; production turns them into a 500 page.
    app.config["PROPAGATE_EXCEPTIONS"] = False

    # A view that leaves a failed transaction behind, as a real bug would.
{%- if cookiecutter.interface != "web-only" %}
    @app.get("/api/test-crash")
{%- endif %}
    @app.get("/test-crash")
    def crash() -> str:
        db.session.add(User(username="half-written", email="half@example.com"))
        db.session.flush()
        db.session.execute(sa.text("SELECT 1/0"))
        return "unreachable"

    # Like an audit hook: code that still needs the session after the view failed.
    @app.after_request
    def count_users(response):
        app.extensions["users_seen_after_request"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(User)
        )
        return response

    return app


{% if cookiecutter.interface == "web-and-api" -%}
@pytest.mark.parametrize(
    ("path", "mimetype"),
    [("/api/test-crash", "application/json"), ("/test-crash", "text/html")],
)
{% elif cookiecutter.interface == "api-only" -%}
@pytest.mark.parametrize(
    ("path", "mimetype"),
    [("/api/test-crash", "application/json"), ("/test-crash", "application/json")],
)
{% else -%}
@pytest.mark.parametrize(("path", "mimetype"), [("/test-crash", "text/html")])
{% endif -%}
def test_unhandled_error_is_a_500_and_rolls_back(crashing_app, path, mimetype):
    client = crashing_app.test_client()
    response = client.get(path)
    assert response.status_code == 500
    assert response.mimetype == mimetype
    assert "Traceback" not in response.get_data(as_text=True)
    assert crashing_app.extensions["users_seen_after_request"] == 0
    assert user_count(crashing_app) == 0


{% if cookiecutter.interface != "web-only" -%}
def test_json_500_has_an_error_key(crashing_app):
    body = crashing_app.test_client().get("/api/test-crash").get_json()
    assert body["error"] == "Internal Server Error"


{% endif -%}
def test_database_outage_is_a_503_not_a_500(monkeypatch):
    # Port 9 (discard) refuses connections at once: a database that is down.
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:9/test")
    client = create_app("testing").test_client()
{%- if cookiecutter.interface != "web-only" %}
    api = client.get("/api/users")
    assert api.status_code == 503
    assert api.get_json()["error"] == "Service Unavailable"
    assert api.headers["Retry-After"] == "5"
{%- endif %}
{%- if cookiecutter.interface != "api-only" %}
    page = client.get("/users")
    assert page.status_code == 503
    assert page.mimetype == "text/html"
    assert page.headers["Retry-After"] == "5"
{%- endif %}


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
    app = create_app("development")
    capfd.readouterr()
    assert app.test_client().get(LIST_PATH).status_code == 503
    assert (
        "database unavailable: refused (OperationalError); is PostgreSQL running? "
        "`flask local-db start` starts this project's own, or check DATABASE_URL"
    ) in capfd.readouterr().err


def test_the_503_log_line_in_production_gives_the_reason_and_no_secret(production_env, capfd):
    production_env.setenv("DATABASE_URL", REFUSING_DATABASE)
{%- if cookiecutter.use_caching %}
    # No cached page: the read must reach the database.
    production_env.setenv("REDIS_URL", UNREACHABLE_REDIS)
{%- endif %}
    app = create_app()
    capfd.readouterr()
    reply = app.test_client().get(LIST_PATH, base_url="https://example.com")
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
