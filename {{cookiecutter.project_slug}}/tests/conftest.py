"""Fixtures: one real PostgreSQL for the session, a fresh app and empty tables for each test.

The database is TEST_DATABASE_URL when set; otherwise a throwaway cluster that this suite
creates from the local PostgreSQL server binaries and deletes at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.local_postgres import LocalPostgres, PostgresNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
THROWAWAY_DATABASE = "test"
PRODUCTION_KEY = "a-production-secret-key-that-is-long-enough"
# Settings from a developer's shell or .env must not change what the tests see.
ISOLATED_VARIABLES = (
    "APP_ENV",
    "DATABASE_URL",
    "DATABASE_URL_DIRECT",
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "TRUSTED_HOSTS",
    "FLASK_DEBUG",
    *(f"PROXY_FIX_X_{hop}" for hop in ("FOR", "PROTO", "HOST", "PORT", "PREFIX")),
)


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


@pytest.fixture
def app(migrated_database: None) -> Iterator[Flask]:
    app = create_app("testing")
    yield app
    with app.app_context():
        quote = db.engine.dialect.identifier_preparer.quote
        tables = ", ".join(quote(table.name) for table in db.metadata.sorted_tables)
        db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A valid production environment; tests remove or spoil one setting at a time."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_KEY)
    # Never connected to: nothing in create_app() touches the database.
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:password@db.internal:5432/app")
    monkeypatch.setenv("TRUSTED_HOSTS", "example.com")
    return monkeypatch
