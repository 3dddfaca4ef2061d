"""Two instances of the app, as behind a load balancer: what the `test_*_across_instances.py`
tests share (a plugin, registered in tests/conftest.py).

Each test talks to two gunicorn servers (separate processes on separate ports) started with the
same settings, as two containers of one deployment would be; between them there is only
PostgreSQL and Redis.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from ..conftest import PRODUCTION_KEY
from ..servers import Server, start_gunicorn
{%- if cookiecutter.use_rate_limiting %}

# Writes a client may send a minute, low for test_rate_limits_across_instances.py to reach.
RATE_LIMIT = 4
{%- endif %}


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
