"""The users list is cached, and creating a user clears the cache at once."""

from __future__ import annotations

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User
from {{ cookiecutter.package_name }}.users import create_user, users_page

from .servers import UNREACHABLE_REDIS


@pytest.fixture(params=["process-memory", "redis"])
def cached_app(request: pytest.FixtureRequest) -> Flask:
    """The cache as in development (this process's memory), and as in production (Redis)."""
    return request.getfixturevalue("app" if request.param == "process-memory" else "redis_app")


def listed_usernames(app: Flask) -> set[str]:
    """The usernames on the first page, read as the views read them."""
    with app.app_context():
        return {user.username for user in users_page(1, 20).items}


def insert_behind_the_caches_back(app: Flask, username: str) -> None:
    with app.app_context():
        db.session.execute(sa.insert(User).values(username=username, email=f"{username}@x.org"))
        db.session.commit()


def test_the_list_is_served_from_the_cache(cached_app):
    with cached_app.app_context():
        create_user("user-a", "a@example.com")
    assert listed_usernames(cached_app) == {"user-a"}
    insert_behind_the_caches_back(cached_app, "user-b")
    assert listed_usernames(cached_app) == {"user-a"}


def test_creating_a_user_clears_the_cached_list(cached_app):
    assert listed_usernames(cached_app) == set()
    insert_behind_the_caches_back(cached_app, "user-b")
    with cached_app.app_context():
        create_user("user-c", "c@example.com")
    assert listed_usernames(cached_app) == {"user-b", "user-c"}


def test_production_keeps_the_cache_in_redis(redis_app, redis_url):
    assert redis_app.config["CACHE_TYPE"] == "RedisCache"
    listed_usernames(redis_app)
    assert redis.Redis.from_url(redis_url).keys(redis_app.config["CACHE_KEY_PREFIX"] + "*")


@pytest.fixture
def app_with_redis_down(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("REDIS_URL", UNREACHABLE_REDIS)
    return request.getfixturevalue("app")


def test_while_redis_is_down_reads_and_writes_go_to_the_database(app_with_redis_down):
    with app_with_redis_down.app_context():
        create_user("user-d", "d@example.com")
    assert listed_usernames(app_with_redis_down) == {"user-d"}
    insert_behind_the_caches_back(app_with_redis_down, "user-e")
    assert listed_usernames(app_with_redis_down) == {"user-d", "user-e"}
