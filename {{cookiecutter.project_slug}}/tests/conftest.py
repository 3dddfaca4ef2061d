"""Fixtures: one real PostgreSQL for the session, a fresh app and empty tables for each test.

The database is TEST_DATABASE_URL when set; otherwise a throwaway cluster that this suite
creates from the local PostgreSQL server binaries and deletes at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
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

# The fixtures of the options that need Redis, in modules of their own.
pytest_plugins = [
    "tests.redis_server",
{%- if cookiecutter.use_celery %}
    "tests.celery_worker",
{%- endif %}
    "tests.e2e.two_instances",
]
{%- endif %}

PROJECT_ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_DATABASE = "test"
PRODUCTION_KEY = "a-production-secret-key-that-is-long-enough"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
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
    "DB_CONNECT_ATTEMPTS",
    *(f"DB_KEEPALIVES_{setting}" for setting in ("IDLE", "INTERVAL", "COUNT")),
    "DB_TCP_USER_TIMEOUT",
    # And every setting .env.example documents, but the tests' own.
    *(
        name
        for name in re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE)
        if not name.startswith("TEST_")
    ),
)


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
{%- if cookiecutter.use_rate_limiting %}


# A write limit low enough for a test to reach.
WRITE_LIMIT = 3


@pytest.fixture
def limited_client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    """A client of an app that allows WRITE_LIMIT writes a minute."""
    monkeypatch.setenv("RATE_LIMIT_WRITES", f"{WRITE_LIMIT} per minute")
    # The app is built after the setting is made.
    return request.getfixturevalue("client")
{%- endif %}


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
