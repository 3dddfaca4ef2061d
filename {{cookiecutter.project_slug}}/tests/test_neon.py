"""Neon: TLS enforced in production, short-lived pooled connections, cold starts survived."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from {{ cookiecutter.package_name }} import create_app, neon
from {{ cookiecutter.package_name }}.config import ConfigError
from {{ cookiecutter.package_name }}.extensions import db

from .failures import with_a_reading_view

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


def test_connect_attempts_below_one_are_refused(production_env):
    production_env.setenv("DB_CONNECT_ATTEMPTS", "0")
    with pytest.raises(ConfigError, match="DB_CONNECT_ATTEMPTS must be a whole number"):
        create_app()


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


def test_each_retry_sleeps_a_random_time_up_to_a_doubling_capped_ceiling(monkeypatch):
    drawn: list[tuple[float, float]] = []
    slept: list[float] = []

    def highest(low: float, high: float) -> float:
        drawn.append((low, high))
        return high

    monkeypatch.setattr(neon.random, "uniform", highest)
    monkeypatch.setattr(neon.time, "sleep", slept.append)
    # Port 9 (discard) refuses every attempt at once.
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:9/test")
    monkeypatch.setenv("DB_CONNECT_ATTEMPTS", "6")
    response = with_a_reading_view(create_app("testing")).test_client().get("/test-read")
    assert response.status_code == 503
    # What create_app installs: from 0.5 s, doubling after each failure, at most 4 s.
    assert drawn == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 4.0), (0, 4.0)]
    assert slept == [0.5, 1.0, 2.0, 4.0, 4.0]


# Neon's proxy holds a new connection while the compute wakes up. This one takes longer than
# DB_CONNECT_TIMEOUT (3 s): the first attempt gives up, and the second, 0.5 s later (the
# longest back-off, pinned below), gets the compute once it is up.
WAKE_UP_SECONDS = 4.5


def test_a_cold_start_longer_than_the_connect_timeout_is_survived(database_proxy, monkeypatch):
    monkeypatch.setattr(neon.random, "uniform", lambda low, high: high)
    client = with_a_reading_view(create_app("testing")).test_client()
    database_proxy.blackhole()  # the compute is asleep
    waking = threading.Timer(WAKE_UP_SECONDS, database_proxy.forward)
    started = time.monotonic()
    waking.start()
    response = client.get("/test-read")
    elapsed = time.monotonic() - started
    waking.join()
    assert response.status_code == 200, response.get_data(as_text=True)
    assert database_proxy.connections_accepted == 2
    assert WAKE_UP_SECONDS <= elapsed < WAKE_UP_SECONDS + 1


def test_readiness_reports_a_sleeping_compute_at_once_and_wakes_it(database_proxy):
    client = create_app("testing").test_client()
    database_proxy.blackhole()
    try:
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    finally:
        database_proxy.forward()
    assert response.status_code == 503
    assert elapsed < 3
    # One attempt, which reached Neon's proxy: that is what wakes a suspended compute.
    assert database_proxy.connections_accepted == 1
