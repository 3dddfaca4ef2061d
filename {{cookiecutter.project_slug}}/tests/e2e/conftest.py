"""What the database outage and stall tests share: a PostgreSQL of their own and a migrated
deployment. How a client writes, reads and recognises a clean refusal: client.py."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg2
import pytest

from {{ cookiecutter.package_name }}.development.local_postgres import (
    LocalPostgres,
    PostgresNotFoundError,
    find_bindir,
)

from ..conftest import missing_prerequisite
from ..servers import Reply, Server, free_port, production_settings, run_until_exit
from .client import new_client

DATABASE = "app"


@pytest.fixture(scope="module")
def postgres() -> Iterator[LocalPostgres]:
    """A cluster of the test module's own on a free loopback port, stopped at the end: the
    tests stop it, freeze it or cut it off, and the suite's own database must not suffer."""
    try:
        bindir = find_bindir()
    except PostgresNotFoundError as error:
        missing_prerequisite(f"these tests stop and start a PostgreSQL of their own: {error}")
    cluster = LocalPostgres(
        Path(tempfile.mkdtemp(prefix="e2e-postgres-")),
        port=free_port(),
        listen_addresses="127.0.0.1",
        bindir=bindir,
    )
    try:
        cluster.start()
        cluster.create_database(DATABASE)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.directory, ignore_errors=True)


@pytest.fixture(scope="module")
{%- if cookiecutter.__uses_redis %}
def deployment(postgres: LocalPostgres, redis_url: str) -> dict[str, str]:
{%- else %}
def deployment(postgres: LocalPostgres) -> dict[str, str]:
{%- endif %}
    """What this deployment sets beyond production's defaults; its schema is migrated by the
    deploy command."""
    settings = {
        "DATABASE_URL": postgres.url(DATABASE),
{%- if cookiecutter.__uses_redis %}
        "REDIS_URL": redis_url,
{%- endif %}
{%- if cookiecutter.use_rate_limiting %}
        # These tests write more than a client may in a minute; the limit has its own tests.
        "RATE_LIMIT_WRITES": "10000 per minute",
{%- endif %}
    }
    migrated = run_until_exit(
        "flask", "--app", "wsgi", "db", "upgrade", **production_settings(**settings)
    )
    assert migrated.returncode == 0, migrated.stderr
    return settings


def usernames(postgres: LocalPostgres) -> list[str]:
    connection = psycopg2.connect(postgres.url(DATABASE))
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT username FROM users ORDER BY id")
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def timed(request: Callable[[], Reply]) -> tuple[Reply, float]:
    started = time.monotonic()
    reply = request()
    return reply, time.monotonic() - started


def user_creator(server: Server) -> Callable[[str], Reply]:
    """Creates users through `server`, as its clients do; the session (for the pages) begins
    now, while the database answers."""
    write = new_client(server)

    def create(username: str) -> Reply:
        return write(server, {"username": username, "email": f"{username}@example.com"})

    return create
