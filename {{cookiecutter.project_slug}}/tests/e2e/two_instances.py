{%- set web = cookiecutter.interface != "api-only" -%}
{%- set api = cookiecutter.interface != "web-only" -%}
"""Two instances of the app, as behind a load balancer: what the `test_*_across_instances.py`
tests share (a plugin, registered in tests/conftest.py).

Each test talks to two gunicorn servers (separate processes on separate ports) started with the
same settings, as two containers of one deployment would be; between them there is only
PostgreSQL and Redis.
"""

from __future__ import annotations

{% if not api -%}
import re
{% endif -%}
from collections.abc import Callable, Iterator
{%- if web %}
from urllib.parse import urlencode
{%- endif %}

import pytest
from flask import Flask

{%- if web %}

from ..conftest import PRODUCTION_KEY, csrf_token_in
{%- else %}

from ..conftest import PRODUCTION_KEY
{%- endif %}
from ..servers import Server, start_gunicorn
{%- if cookiecutter.use_rate_limiting %}

# Writes a client may send a minute, low for test_rate_limits_across_instances.py to reach.
RATE_LIMIT = 4
{%- endif %}

# A client: sends a user's fields to the instance it is given, and returns the status.
Client = Callable[[Server, dict[str, str]], int]


@pytest.fixture(scope="package")
def instance_settings(migrated_database: None, database_url: str, redis_url: str) -> dict[str, str]:
    """What every instance of the deployment is started with."""
    return {
        "APP_ENV": "testing",
        "TEST_DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        # Every instance of a deployment has the same key, or none could read the others' cookies.
        "SECRET_KEY": PRODUCTION_KEY,
{%- if cookiecutter.use_rate_limiting %}
        "RATE_LIMIT_WRITES": f"{RATE_LIMIT} per minute",
{%- endif %}
    }


@pytest.fixture(scope="package")
def instances(instance_settings: dict[str, str]) -> Iterator[tuple[Server, Server]]:
    """Started once for all the tests of tests/e2e/ that ask for them."""
    first = start_gunicorn(**instance_settings)
    try:
        second = start_gunicorn(**instance_settings)
    except BaseException:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture
def one_and_other(instances: tuple[Server, Server], redis_app: Flask) -> tuple[Server, Server]:
    """Both instances, with Redis emptied (counters, cache, queue) and the tables after the test."""
    return instances
{%- if web %}


def form_session(server: Server) -> tuple[str, str]:
    """The session cookie GET /users sets, and the CSRF token its form holds for that session."""
    page = server.get("/users")
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    return cookie, csrf_token_in(page.text)


def post_form(server: Server, cookie: str, fields: dict[str, str]) -> int:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    return server.request("POST", "/users", body=urlencode(fields), headers=headers).status
{%- endif %}
{%- if api %}


def listed_usernames(server: Server) -> set[str]:
    return {user["username"] for user in server.get("/api/users").json()["items"]}


def new_client(first: Server) -> Client:
    """A client of the JSON API, which needs no session (a browser would begin one on `first`)."""

    def write(server: Server, fields: dict[str, str]) -> int:
        return server.post_json("/api/users", fields).status

    return write
{%- else %}


def listed_usernames(server: Server) -> set[str]:
    """The second column of the users page's table."""
    return set(re.findall(r"<td>\d+</td>\s*<td>([^<]+)</td>", server.get("/users").text))


def new_client(first: Server) -> Client:
    """A browser whose session (cookie and CSRF token) begins on `first`: it posts the users
    form to any instance."""
    cookie, token = form_session(first)

    def write(server: Server, fields: dict[str, str]) -> int:
        return post_form(server, cookie, {**fields, "csrf_token": token})

    return write
{%- endif %}
