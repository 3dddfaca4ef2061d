"""A cache for reads (Flask-Caching): Redis in production, this process's memory otherwise.

users.py caches pages of users here and clears them on every write.
"""

from typing import Any

from flask import Flask, current_app
from flask_caching import Cache
from redis.exceptions import RedisError

from .redis_config import redis_url

cache = Cache()


def init_app(app: Flask) -> None:
    url = redis_url(app)
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 300)
    app.config.setdefault("CACHE_KEY_PREFIX", f"{app.import_name}:cache:")
    if url:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", url)
    else:
        # This process's memory: fine for one development server; production refuses to
        # start without REDIS_URL (redis_config.py).
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)


def forget(function: Any) -> None:
    """Drop every cached result of `function`, one decorated with `cache.memoize`.

    A write calls this after its commit, which must still be reported as done if Redis is
    away: reads then go to the database, and results Redis cached before may be served
    until they expire.
    """
    try:
        cache.delete_memoized(function)
    except RedisError as error:
        current_app.logger.warning("could not clear the cache of %s: %s", function.__name__, error)
