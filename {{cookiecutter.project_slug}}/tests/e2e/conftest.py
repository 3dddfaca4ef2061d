{%- set has_api = cookiecutter.interface != "web-only" -%}
"""What the database outage and stall tests share: a PostgreSQL of their own, a migrated
deployment, and how a client creates users and recognises a clean refusal."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
{%- if not has_api %}
from urllib.parse import urlencode
{%- endif %}

import psycopg2
import pytest

from {{ cookiecutter.package_name }}.development.local_postgres import (
    LocalPostgres,
    PostgresNotFoundError,
    find_bindir,
)

{%- if has_api %}

from ..conftest import missing_prerequisite
{%- else %}

from ..conftest import csrf_token_in, missing_prerequisite
{%- endif %}
from ..servers import Reply, Server, free_port, production_settings, run_until_exit

DATABASE = "app"
{%- if has_api %}
LIST_PATH = "/api/users"
{%- else %}
LIST_PATH = "/users"
{%- endif %}
CREATED = {% if has_api %}201{% else %}303{% endif %}


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


{%- if has_api %}


def user_creator(server: Server) -> Callable[[str], Reply]:
    """Creates a user through the JSON API."""

    def create(username: str) -> Reply:
        return server.post_json(
            "/api/users", {"username": username, "email": f"{username}@example.com"}
        )

    return create
{%- else %}


def user_creator(server: Server) -> Callable[[str], Reply]:
    """Creates a user through the HTML form, as a browser would: session cookie, CSRF token.

    The token is fetched now, while the database answers; it stays valid for the session.
    """
    page = server.get("/users")
    assert page.status == 200, page.text
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = csrf_token_in(page.text)

    def create(username: str) -> Reply:
        form = {
            "csrf_token": token,
            "username": username,
            "email": f"{username}@example.com",
        }
        return server.request(
            "POST",
            "/users",
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                # Flask-WTF checks that an HTTPS form was posted from this site.
                "Referer": f"https://{server.host}:{server.port}/users",
            },
        )

    return create
{%- endif %}


def assert_unavailable(reply: Reply) -> None:
    """A clean refusal: 503 with Retry-After, in the format the client speaks."""
    assert reply.status == 503, (reply.status, reply.text)
    assert reply.headers["Retry-After"]
    assert "Traceback" not in reply.text
{%- if has_api %}
    assert reply.json()["error"] == "Service Unavailable"
{%- else %}
    assert reply.headers.get_content_type() == "text/html"
{%- endif %}
