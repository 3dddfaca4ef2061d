{%- set web = cookiecutter.interface != "api-only" -%}
{%- set api = cookiecutter.interface != "web-only" -%}
"""Two instances of the app, as behind a load balancer, share their state correctly.

Each test talks to two gunicorn servers (separate processes on separate ports) started with the
same settings, as two containers of one deployment would be; between them there is only
PostgreSQL and Redis.
"""

from __future__ import annotations
{% if (cookiecutter.use_caching and not api) or (cookiecutter.use_celery and api) %}
import re
{%- endif %}
{%- if cookiecutter.use_celery and api %}
import time
{%- endif %}
from collections.abc import Iterator
{%- if web %}
from urllib.parse import urlencode
{%- endif %}

import pytest
{%- if cookiecutter.use_caching %}
import sqlalchemy as sa
{%- endif %}
from flask import Flask

{%- if cookiecutter.use_caching %}

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User
{%- endif %}
{%- if web %}

from ..conftest import PRODUCTION_KEY, csrf_token_in
{%- else %}

from ..conftest import PRODUCTION_KEY
{%- endif %}
from ..servers import Server, start_gunicorn

pytestmark = [pytest.mark.e2e, pytest.mark.multi_instance]
{%- if cookiecutter.use_rate_limiting %}

RATE_LIMIT = 4
{%- endif %}


@pytest.fixture(scope="module")
def settings(migrated_database: None, database_url: str, redis_url: str) -> dict[str, str]:
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


@pytest.fixture(scope="module")
def instances(settings: dict[str, str]) -> Iterator[tuple[Server, Server]]:
    first = start_gunicorn(**settings)
    try:
        second = start_gunicorn(**settings)
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


def test_a_session_from_one_instance_is_valid_on_the_other(one_and_other):
    one, other = one_and_other
    cookie, token = form_session(one)
    form = {"username": "ada", "email": "ada@example.com", "csrf_token": token}
    # 303: created. An instance that could not read the session would refuse the token (400).
    assert post_form(other, cookie, form) == 303
    assert "ada@example.com" in one.get("/users").text


def test_an_instance_with_another_key_refuses_the_session(one_and_other, settings):
    # The control for the test above: it passes because the key is shared, not by accident
    # (the testing configuration would otherwise fall back to one fixed key for every process).
    cookie, token = form_session(one_and_other[0])
    stranger = start_gunicorn(**{**settings, "SECRET_KEY": f"another-{PRODUCTION_KEY}"})
    try:
        form = {"username": "eve", "email": "eve@example.com", "csrf_token": token}
        assert post_form(stranger, cookie, form) == 400
    finally:
        stranger.stop()
{%- endif %}
{%- if cookiecutter.use_rate_limiting %}


def write_is_refused(server: Server{% if not api %}, cookie: str, token: str{% endif %}) -> bool:
    """Send one write the limiter counts (its body is invalid, so nothing is stored)."""
{%- if api %}
    return server.post_json("/api/users", {}).status == 429
{%- else %}
    return post_form(server, cookie, {"csrf_token": token}) == 429
{%- endif %}


def test_the_rate_limit_holds_for_both_instances_together(one_and_other):
{%- if api %}
    refused = [write_is_refused(one_and_other[number % 2]) for number in range(2 * RATE_LIMIT)]
{%- else %}
    cookie, token = form_session(one_and_other[0])
    refused = [
        write_is_refused(one_and_other[number % 2], cookie, token)
        for number in range(2 * RATE_LIMIT)
    ]
{%- endif %}
    # Per-instance counters would let every write through: RATE_LIMIT to each instance.
    assert refused == [False] * RATE_LIMIT + [True] * RATE_LIMIT
{%- endif %}
{%- if cookiecutter.use_caching %}


def listed_usernames(server: Server) -> set[str]:
{%- if api %}
    return {user["username"] for user in server.get("/api/users").json()["items"]}
{%- else %}
    return set(re.findall(r"<td>(user-[a-z]+)</td>", server.get("/users").text))
{%- endif %}


def test_a_write_through_one_instance_clears_the_cache_the_other_reads(one_and_other, redis_app):
    one, other = one_and_other
    assert listed_usernames(one) == set()
    # Behind the cache's back: the cached (empty) list must still be what `one` serves.
    with redis_app.app_context():
        db.session.execute(sa.insert(User).values(username="user-a", email="user-a@x.org"))
        db.session.commit()
    assert listed_usernames(one) == set()
{%- if api %}
    assert other.post_json("/api/users", {"username": "user-b", "email": "b@x.org"}).status == 201
{%- else %}
    cookie, token = form_session(other)
    form = {"username": "user-b", "email": "b@x.org", "csrf_token": token}
    assert post_form(other, cookie, form) == 303
{%- endif %}
    assert listed_usernames(one) == {"user-a", "user-b"}
{%- endif %}
{%- if cookiecutter.use_celery and api %}


def test_a_job_queued_through_one_instance_runs_on_a_worker_and_both_see_it(one_and_other, worker):
    one, other = one_and_other
    users = [{"username": f"imported-{n}", "email": f"imported-{n}@example.com"} for n in range(3)]
    accepted = one.post_json("/api/users/imports", {"users": users})
    assert accepted.status == 202
    task_id = accepted.json()["task_id"]
    expected = {user["username"] for user in users}
    deadline = time.monotonic() + 30
    while {user["username"] for user in other.get("/api/users").json()["items"]} != expected:
        assert time.monotonic() < deadline, "the worker did not import the users in 30 s"
        time.sleep(0.1)
    assert {user["username"] for user in one.get("/api/users").json()["items"]} == expected
    # Run by the worker process, not inline in the instance that queued it.
    worker.terminate()
    log, _ = worker.communicate(timeout=30)
    assert re.search(rf"Task \S+\[{task_id}\] succeeded", log), log
{%- endif %}
