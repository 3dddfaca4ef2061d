"""Celery tasks: inline without Redis, and on a real worker process through Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import psycopg2
import pytest
import redis
import sqlalchemy as sa

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User
from {{ cookiecutter.package_name }}.tasks import import_users

from .conftest import ISOLATED_VARIABLES, PROJECT_ROOT

ROWS = [
    {"username": "ada", "email": "ada@example.com"},
    {"username": "ada", "email": "other@example.com"},
    {"username": "grace", "email": "not-an-email"},
    {"username": "linus", "email": "linus@example.com"},
]


def usernames(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(User.username)))


def test_without_redis_tasks_run_inline(app):
    assert app.extensions["celery"].conf.task_always_eager
    result = import_users.delay(ROWS).get()
    assert result == {"created": 2, "skipped": 2}
    assert usernames(app) == {"ada", "linus"}


def connections_to(database_url: str) -> int:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def test_a_task_hands_its_connection_back(app, database_url):
    before = connections_to(database_url)
    import_users.delay(ROWS[:1]).get()
    assert connections_to(database_url) == before


@pytest.fixture
def worker(redis_app, redis_url: str, database_url: str) -> Iterator[subprocess.Popen[str]]:
    environ = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    environ.update(APP_ENV="testing", TEST_DATABASE_URL=database_url, REDIS_URL=redis_url)
    command = ["celery", "--app", "worker", "worker", "--pool", "solo", "--loglevel", "INFO"]
    process = subprocess.Popen(  # noqa: S603 - the project's own worker, fixed arguments
        [sys.executable, "-m", *command, "--without-gossip", "--without-mingle"],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    process.communicate(timeout=30)


def test_a_real_worker_runs_the_task_through_redis(redis_app, redis_url, worker):
    assert not redis_app.extensions["celery"].conf.task_always_eager
    with redis_app.app_context():
        result = import_users.delay(ROWS)
        assert result.get(timeout=30) == {"created": 2, "skipped": 2}
    assert usernames(redis_app) == {"ada", "linus"}
    # The task travelled through Redis: the broker and the result backend both used it.
    assert redis.Redis.from_url(redis_url).keys("celery-task-meta-*")
