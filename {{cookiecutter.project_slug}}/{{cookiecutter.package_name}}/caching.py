"""A cache for reads (Flask-Caching): Redis in production, this process's memory otherwise.

users.py caches pages of users here and clears them on every write.
"""

from flask import Flask
from flask_caching import Cache

cache = Cache()


def init_app(app: Flask) -> None:
    redis_url = app.config["REDIS_URL"]
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 300)
    app.config.setdefault("CACHE_KEY_PREFIX", f"{app.import_name}:cache:")
    if redis_url:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", redis_url)
    else:
        # This process's memory: fine for one development server; production refuses to
        # start without REDIS_URL (config.py).
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)
