"""Neon: TLS enforced in production, short-lived pooled connections, cold starts survived."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade

from {{ cookiecutter.package_name }} import connection_retry, create_app
from {{ cookiecutter.package_name }}.config import ConfigError
from {{ cookiecutter.package_name }}.local_postgres import LocalPostgres

NEON_POOLED = "postgresql://app:secret@ep-calm-sun-123456-pooler.eu-central-1.aws.neon.tech/app"
NEON_DIRECT = "postgresql://app:secret@ep-calm-sun-123456.eu-central-1.aws.neon.tech/app"


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
    assert create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_recycle"] < 300


def test_backoff_grows_and_is_jittered(monkeypatch):
    delays: list[float] = []
    monkeypatch.setattr(connection_retry.time, "sleep", delays.append)

    class FlakyDriver:
        class OperationalError(Exception):
            pass

        failures = 4

        def connect(self, *args: object, **kwargs: object) -> str:
            if self.failures:
                self.failures -= 1
                raise self.OperationalError
            return "connection"

    class Dialect:
        loaded_dbapi = FlakyDriver()

    listeners = []
    monkeypatch.setattr(connection_retry.sa.event, "listen", lambda *args: listeners.append(args))
    connection_retry.install(object(), attempts=5, first_delay=0.5, max_delay=1.5)  # type: ignore[arg-type]
    connect = listeners[0][2]
    assert connect(Dialect(), None, (), {}) == "connection"
    ceilings = [0.5, 1.0, 1.5, 1.5]
    assert len(delays) == len(ceilings)
    assert all(0 <= delay <= ceiling for delay, ceiling in zip(delays, ceilings, strict=True))


@pytest.fixture
def sleeping_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalPostgres]:
    """A migrated PostgreSQL that is not running yet, like a suspended Neon compute.

    The tests' app (TEST_DATABASE_URL) points at it.
    """
    cluster = LocalPostgres(Path(tempfile.mkdtemp(prefix="pytest-cold-")), durable=False)
    cluster.start()
    cluster.create_database("cold_start_test")
    monkeypatch.setenv("TEST_DATABASE_URL", cluster.url("cold_start_test"))
    with create_app("testing").app_context():
        upgrade()
    cluster.stop()
    yield cluster
    cluster.stop()
    shutil.rmtree(cluster.directory, ignore_errors=True)


def test_a_cold_start_is_survived(sleeping_database):
    client = create_app("testing").test_client()
    waking = threading.Timer(1.5, sleeping_database.start)
    started = time.monotonic()
    waking.start()
    response = client.get("{{ "/api/users" if cookiecutter.interface != "web-only" else "/users" }}")
    waking.join()
    assert response.status_code == 200, response.get_data(as_text=True)
    assert time.monotonic() - started >= 1.5


def test_readiness_reports_a_sleeping_database_at_once(sleeping_database):
    started = time.monotonic()
    response = create_app("testing").test_client().get("/readyz")
    assert response.status_code == 503
    assert time.monotonic() - started < 2
