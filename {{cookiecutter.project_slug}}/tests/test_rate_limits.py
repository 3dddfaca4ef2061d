"""Writes are rate-limited per client; reads are not."""

from __future__ import annotations

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.package_name }} import create_app
{%- if cookiecutter.interface != "api-only" %}

from .main.test_users import SAME_ORIGIN, csrf_token
from .servers import UNREACHABLE_REDIS
{%- else %}

from .servers import UNREACHABLE_REDIS
{%- endif %}

LIMIT = 3


@pytest.fixture(params=["process-memory", "redis", "redis-unreachable"])
def limited_app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """Counters as in development (this process's memory), as in production (Redis), and as in
    production while Redis is down (this process's memory again, never a 500)."""
    monkeypatch.setenv("RATE_LIMIT_WRITES", f"{LIMIT} per minute")
    if request.param == "redis-unreachable":
        monkeypatch.setenv("REDIS_URL", UNREACHABLE_REDIS)
    return request.getfixturevalue("redis_app" if request.param == "redis" else "app")
{%- if cookiecutter.interface != "web-only" %}


def test_api_writes_over_the_limit_get_a_json_429(limited_app):
    client = limited_app.test_client()
    for number in range(LIMIT):
        body = {"username": f"user{number}", "email": f"user{number}@example.com"}
        assert client.post("/api/users", json=body).status_code == 201
    refused = client.post("/api/users", json={"username": "late", "email": "late@example.com"})
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "Too Many Requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/api/users").get_json()["total"] == LIMIT


def test_reads_are_not_limited(limited_app):
    client = limited_app.test_client()
    for _ in range(LIMIT * 3):
        assert client.get("/api/users").status_code == 200
{%- endif %}
{%- if cookiecutter.interface != "api-only" %}


def test_form_posts_over_the_limit_get_an_html_429(limited_app):
    client = limited_app.test_client()
    token = csrf_token(client)
    for number in range(LIMIT):
        form = {"username": f"user{number}", "email": f"u{number}@example.com", "csrf_token": token}
        assert client.post("/users", data=form, headers=SAME_ORIGIN).status_code == 303
    form = {"username": "late", "email": "late@example.com", "csrf_token": token}
    refused = client.post("/users", data=form, headers=SAME_ORIGIN)
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
{%- endif %}


def refused_write(client: FlaskClient) -> bool:
    """Send one write the limiter counts (its body is invalid, so nothing is stored)."""
{%- if cookiecutter.interface != "web-only" %}
    return client.post("/api/users", json={}).status_code == 429
{%- else %}
    form = {"csrf_token": csrf_token(client)}
    return client.post("/users", data=form, headers=SAME_ORIGIN).status_code == 429
{%- endif %}


def test_the_limit_holds_across_processes_through_redis(redis_url, migrated_database, monkeypatch):
    # Two apps stand for two server processes; per-process counters would allow twice the limit.
    monkeypatch.setenv("RATE_LIMIT_WRITES", f"{LIMIT} per minute")
    monkeypatch.setenv("REDIS_URL", redis_url)
    redis.Redis.from_url(redis_url).flushdb()
    clients = [create_app("testing").test_client() for _ in range(2)]
    refused = [refused_write(clients[number % 2]) for number in range(2 * LIMIT)]
    assert refused == [False] * LIMIT + [True] * LIMIT
