"""Fixtures: one real PostgreSQL for the session, a fresh app and empty tables for each test.

The database is TEST_DATABASE_URL when set; otherwise a throwaway cluster that this suite
creates from the local PostgreSQL server binaries and deletes at the end.
{%- if cookiecutter.__uses_redis %}

Redis likewise: TEST_REDIS_URL when set (e.g. redis://HOST:6379/15; the suite empties that
database), otherwise a throwaway `redis-server` on a free loopback port.
{%- endif %}
"""

from __future__ import annotations

import os
{%- if cookiecutter.interface != "api-only" %}
import re
{%- endif %}
import shutil
{%- if cookiecutter.__uses_redis %}
import socket
import subprocess
{%- endif %}
{%- if cookiecutter.use_celery %}
import sys
{%- endif %}
import tempfile
{%- if cookiecutter.__uses_redis %}
import time
{%- endif %}
from collections.abc import Iterator
from pathlib import Path
{%- if cookiecutter.use_celery %}
from typing import IO, TYPE_CHECKING, NoReturn
{%- else %}
from typing import TYPE_CHECKING, NoReturn
{%- endif %}

import pytest
{%- if cookiecutter.__uses_redis %}
import redis
{%- endif %}
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.development.local_postgres import LocalPostgres, PostgresNotFoundError
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from .proxy import BlackholeProxy

if TYPE_CHECKING:
    from .servers import Server
{%- if cookiecutter.__uses_redis %}

pytest_plugins = ["tests.e2e.two_instances"]
{%- endif %}

PROJECT_ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_DATABASE = "test"
PRODUCTION_KEY = "a-production-secret-key-that-is-long-enough"
# Settings from a developer's shell or .env must not change what the tests see.
ISOLATED_VARIABLES = (
    "APP_ENV",
    "ENV_FILE",
    "DATABASE_URL",
    "DATABASE_URL_DIRECT",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "TRUSTED_HOSTS",
    "FLASK_DEBUG",
    *(f"PROXY_FIX_X_{hop}" for hop in ("FOR", "PROTO", "HOST", "PORT", "PREFIX")),
    # The database deadlines, whose defaults tests rely on.
    "DB_STATEMENT_TIMEOUT",
    "DB_LOCK_TIMEOUT",
    "DB_IDLE_IN_TRANSACTION_TIMEOUT",
    "DB_CONNECT_TIMEOUT",
{%- if cookiecutter.database_provider == "neon" %}
    "DB_CONNECT_ATTEMPTS",
{%- endif %}
    *(f"DB_KEEPALIVES_{setting}" for setting in ("IDLE", "INTERVAL", "COUNT")),
    "DB_TCP_USER_TIMEOUT",
{%- if cookiecutter.__uses_redis %}
    "REDIS_URL",
{%- endif %}
{%- if cookiecutter.use_rate_limiting %}
    "RATE_LIMIT_WRITES",
{%- endif %}
{%- if cookiecutter.observability == "sentry" %}
    "SENTRY_DSN",
{%- elif cookiecutter.observability == "opentelemetry" %}
    "OTEL_EXPORTER_OTLP_ENDPOINT",
{%- endif %}
)
{%- if cookiecutter.interface != "api-only" %}

# The hidden field Flask-WTF renders into every form.
CSRF_TOKEN_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
{%- endif %}


def missing_prerequisite(reason: str) -> NoReturn:
    """Skip, saying what to install; in CI (CI=true, as GitHub and GitLab set it) fail instead,
    since a skip there would let the pipeline pass without running the tests."""
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (a failure, not a skip, because CI is set)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def user_count(app: Flask) -> int:
    """How many users the database holds, asked of the database itself."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0
{%- if cookiecutter.interface != "api-only" %}


def csrf_token_in(page: str) -> str:
    """The CSRF token a rendered form carries."""
    match = CSRF_TOKEN_FIELD.search(page)
    assert match, f"the page has no CSRF token field:\n{page}"
    return match.group(1)
{%- endif %}


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    configured = os.environ.get("TEST_DATABASE_URL", "").strip()
    if configured:
        name = sa.make_url(configured).database or ""
        if "test" not in name:
            pytest.exit(
                f"TEST_DATABASE_URL names the database {name!r}; the suite empties its tables, "
                "so it only runs on a database whose name contains 'test'",
                returncode=2,
            )
        yield configured
        return
    try:
        cluster = LocalPostgres(Path(tempfile.mkdtemp(prefix="pytest-postgres-")), durable=False)
    except PostgresNotFoundError as error:
        pytest.exit(
            f"{error}; or set TEST_DATABASE_URL to a PostgreSQL database whose name contains "
            "'test'",
            returncode=2,
        )
    try:
        cluster.start()
        cluster.create_database(THROWAWAY_DATABASE)
        yield cluster.url(THROWAWAY_DATABASE)
    finally:
        cluster.stop()
        shutil.rmtree(cluster.directory, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def test_environment(database_url: str) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for variable in ISOLATED_VARIABLES:
            patch.delenv(variable, raising=False)
        patch.setenv("TEST_DATABASE_URL", database_url)
        yield


@pytest.fixture(scope="session")
def migrated_database(test_environment: None) -> None:
    """The schema, built once by running the migrations (so every test exercises them)."""
    with create_app("testing").app_context():
        upgrade()


def app_with_empty_tables_after() -> Iterator[Flask]:
    app = create_app("testing")
    yield app
    with app.app_context():
        quote = db.engine.dialect.identifier_preparer.quote
        tables = ", ".join(quote(table.name) for table in db.metadata.sorted_tables)
        db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def app(migrated_database: None) -> Iterator[Flask]:
    yield from app_with_empty_tables_after()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def database_proxy(
    migrated_database: None, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[BlackholeProxy]:
    """The test database behind a proxy that can blackhole it (tests/proxy.py): apps the test
    creates reach the database through it."""
    with BlackholeProxy(database_url) as proxy:
        monkeypatch.setenv("TEST_DATABASE_URL", proxy.url)
        yield proxy


@pytest.fixture(scope="session")
def live_server(migrated_database: None, database_url: str) -> Iterator[Server]:
    """The app under a real gunicorn (its own gunicorn.conf.py) against the test database.

    Shared by the whole session; a test that writes also asks for `app`, which empties the
    tables after it.
    """
    from .servers import start_gunicorn  # servers.py imports this module's settings

    server = start_gunicorn(
        APP_ENV="testing",
        TEST_DATABASE_URL=database_url,
{%- if cookiecutter.use_rate_limiting %}
        # These tests write more than a client may in a minute; the limit has its own tests.
        RATE_LIMIT_WRITES="10000 per minute",
{%- endif %}
    )
    yield server
    server.stop()


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A valid production environment; tests remove or spoil one setting at a time."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    # Never connected to: nothing in create_app() touches the database.
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:password@db.internal:5432/app")
    monkeypatch.setenv("TRUSTED_HOSTS", "example.com")
{%- if cookiecutter.__uses_redis %}
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
{%- endif %}
    return monkeypatch
{%- if cookiecutter.__uses_redis %}


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("TEST_REDIS_URL", "").strip()
    if configured:
        yield configured
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.exit(
            "redis-server was not found on PATH; install it (Debian/Ubuntu: `sudo apt-get "
            "install redis-server`; macOS: `brew install redis`) or set TEST_REDIS_URL to a Redis "
            "database the suite may empty (e.g. redis://HOST:6379/15)",
            returncode=2,
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - the local Redis server, fixed arguments
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.exit(f"redis-server did not start on port {port}", returncode=2)
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_app(
    redis_url: str, migrated_database: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """An app whose shared state lives in an empty Redis database, as in production."""
    redis.Redis.from_url(redis_url).flushdb()
    monkeypatch.setenv("REDIS_URL", redis_url)
    yield from app_with_empty_tables_after()
{%- if cookiecutter.use_celery %}


def start_worker(
    database_url: str, redis_url: str, *options: str, stdout: IO[str] | IO[bytes] | int
) -> subprocess.Popen[str]:
    """A real `celery worker` process taking tasks from Redis, as in production."""
    environ = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    environ.update(APP_ENV="testing", TEST_DATABASE_URL=database_url, REDIS_URL=redis_url)
    command = ["celery", "--app", "worker", "worker", "--loglevel", "INFO", *options]
    return subprocess.Popen(  # noqa: S603 - the project's own worker, fixed arguments
        [sys.executable, "-m", *command, "--without-gossip", "--without-mingle"],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=stdout,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def worker(redis_app: Flask, redis_url: str, database_url: str) -> Iterator[subprocess.Popen[str]]:
    """One worker running one task at a time in its own process; its log in stdout."""
    process = start_worker(database_url, redis_url, "--pool", "solo", stdout=subprocess.PIPE)
    yield process
    process.terminate()
    process.communicate(timeout=30)
{%- endif %}
{%- endif %}
