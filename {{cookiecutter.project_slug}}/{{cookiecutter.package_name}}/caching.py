"""A cache for reads (Flask-Caching): Redis in production, this process's memory otherwise.

users.py caches pages of users here and clears them on every write; CACHE_* settings come
from config.py.
"""

from flask import Flask
from flask_caching import Cache

cache = Cache()


def init_app(app: Flask) -> None:
    cache.init_app(app)
