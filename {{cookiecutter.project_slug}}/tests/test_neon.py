"""Neon: TLS enforced in production, short-lived pooled connections, the pooler sent no startup
options, retries enough for a cold start."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError
from {{ cookiecutter.package_name }}.extensions import db

NEON_POOLED = "postgresql://app:secret@ep-calm-sun-123456-pooler.eu-central-1.aws.neon.tech/app"
NEON_DIRECT = "postgresql://app:secret@ep-calm-sun-123456.eu-central-1.aws.neon.tech/app"
SERVER_BOUNDS = ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")


@pytest.mark.parametrize("sslmode", ["require", "verify-ca", "verify-full"])
def test_production_accepts_neon_over_tls(production_env, sslmode):
    production_env.setenv("DATABASE_URL", f"{NEON_POOLED}?sslmode={sslmode}")
    production_env.setenv("DATABASE_URL_DIRECT", f"{NEON_DIRECT}?sslmode={sslmode}")
    assert create_app().config["ENV_NAME"] == "production"


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("DATABASE_URL", NEON_POOLED),
        ("DATABASE_URL", f"{NEON_POOLED}?sslmode=prefer"),
        ("DATABASE_URL_DIRECT", f"{NEON_DIRECT}?sslmode=disable"),
    ],
)
def test_production_refuses_neon_without_tls(production_env, variable, url):
    production_env.setenv("DATABASE_URL", f"{NEON_POOLED}?sslmode=require")
    production_env.setenv(variable, url)
    with pytest.raises(ConfigError, match=f"{variable} points at Neon without sslmode=require"):
        create_app()


def test_the_channel_binding_setting_is_taken_from_the_url(production_env):
    url = f"{NEON_POOLED}?sslmode=require&channel_binding=require"
    production_env.setenv("DATABASE_URL", url)
    assert "channel_binding=require" in create_app().config["SQLALCHEMY_DATABASE_URI"]


def test_pooled_connections_are_recycled_before_neon_suspends(production_env):
    assert create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_recycle"] == 240


def test_a_new_connection_is_tried_three_times_to_ride_out_a_cold_start(production_env):
    # connect_retries.py; with the back-off, about 10 s for a compute to wake up.
    assert create_app().config["DB_CONNECT_ATTEMPTS"] == 3


def test_the_pooler_is_sent_no_startup_options_but_the_direct_endpoint_is(production_env):
    # Neon's pooler refuses a connection that brings them ("unsupported startup parameter in
    # options"): https://neon.com/docs/connect/connection-errors#unsupported-startup-parameter
    production_env.setenv("DATABASE_URL", f"{NEON_POOLED}?sslmode=require")
    production_env.setenv("DATABASE_URL_DIRECT", f"{NEON_DIRECT}?sslmode=require")
    app = create_app()
    assert "options" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert app.config["MIGRATIONS_CONNECT_ARGS"]["options"] == "-c lock_timeout=3s"


def test_behind_the_pooler_each_transaction_sets_the_server_bounds(database_proxy, monkeypatch):
    # A pooler's host name, reaching the test database by address (through the proxy).
    pooler = sa.make_url(database_proxy.url).set(host="ep-calm-sun-123456-pooler.neon.tech")
    pooler = pooler.update_query_dict({"hostaddr": "127.0.0.1"})
    monkeypatch.setenv("TEST_DATABASE_URL", pooler.render_as_string(hide_password=False))
    app = create_app("testing")
    with app.app_context(), db.engine.connect() as connection:
        shown = [connection.scalar(sa.text(f"SHOW {name}")) for name in SERVER_BOUNDS]
    assert shown == ["5s", "3s", "30s"]
