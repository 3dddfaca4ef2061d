"""Celery tasks: inline without Redis, and on a real worker process through Redis."""

from __future__ import annotations

import psycopg2
import redis
import sqlalchemy as sa

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User
from {{ cookiecutter.package_name }}.tasks import import_users

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


def test_a_real_worker_runs_the_task_through_redis(redis_app, redis_url, worker):
    assert not redis_app.extensions["celery"].conf.task_always_eager
    with redis_app.app_context():
        result = import_users.delay(ROWS)
        assert result.get(timeout=30) == {"created": 2, "skipped": 2}
    assert usernames(redis_app) == {"ada", "linus"}
    # The task travelled through Redis: the broker and the result backend both used it.
    assert redis.Redis.from_url(redis_url).keys("celery-task-meta-*")
