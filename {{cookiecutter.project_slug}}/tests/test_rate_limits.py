"""The write limit, RATE_LIMIT_WRITES: on every view that takes writes, and on no read; counted
in this process's memory in development, in Redis in production (shared by every process), and
in memory again while Redis is down, never a 500. How each interface answers a client over it:
tests/api/test_rate_limits.py and tests/main/test_rate_limits.py.
"""

from __future__ import annotations

import pytest
import redis
from flask import Flask

from {{ cookiecutter.package_name }} import create_app

from .conftest import WRITE_LIMIT
from .servers import UNREACHABLE_REDIS


def with_a_limited_view(app: Flask) -> Flask:
    """`app`, with a view as a new write view would be written: /test-write, taking POST and
    reading with GET, and marked with nothing."""

    @app.route("/test-write", methods=["GET", "POST"])
    def write() -> str:
        return "written"
{%- if cookiecutter.interface != "api-only" %}

    # CSRF protection would refuse this token-less POST before the limit is counted.
    app.extensions["csrf"].exempt(write)
{%- endif %}

    return app


@pytest.fixture(params=["process-memory", "redis", "redis-unreachable"])
def limited_app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """Counters as in development (this process's memory), as in production (Redis), and as in
    production while Redis is down (this process's memory again)."""
    monkeypatch.setenv("RATE_LIMIT_WRITES", f"{WRITE_LIMIT} per minute")
    if request.param == "redis-unreachable":
        monkeypatch.setenv("REDIS_URL", UNREACHABLE_REDIS)
    return with_a_limited_view(
        request.getfixturevalue("redis_app" if request.param == "redis" else "app")
    )


def test_writes_over_the_limit_get_a_429_that_says_when_to_retry(limited_app):
    client = limited_app.test_client()
    for _ in range(WRITE_LIMIT):
        assert client.post("/test-write").status_code == 200
    refused = client.post("/test-write")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0


def test_reads_are_not_counted(limited_app):
    client = limited_app.test_client()
    for _ in range(WRITE_LIMIT * 3):
        assert client.get("/test-write").status_code == 200
    assert client.post("/test-write").status_code == 200


def test_the_limit_holds_across_processes_through_redis(redis_url, migrated_database, monkeypatch):
    # Two apps stand for two server processes; per-process counters would allow twice the limit.
    monkeypatch.setenv("RATE_LIMIT_WRITES", f"{WRITE_LIMIT} per minute")
    monkeypatch.setenv("REDIS_URL", redis_url)
    redis.Redis.from_url(redis_url).flushdb()
    clients = [with_a_limited_view(create_app("testing")).test_client() for _ in range(2)]
    # Alternating between the two: each sees the other's writes.
    statuses = [client.post("/test-write").status_code for client in clients * WRITE_LIMIT]
    assert statuses == [200] * WRITE_LIMIT + [429] * WRITE_LIMIT
