"""REDIS_URL, the Redis through which every process (workers, instances) shares
{{ cookiecutter.__shared_through_redis }}.

Production refuses to start without it. Development and the tests may go without: each process
then keeps its own, which is fine for one process, and development says so once.
"""

import os

from flask import Flask

from .config import ConfigError
from .logs import warn_once

SHARED_THROUGH_REDIS = "{{ cookiecutter.__shared_through_redis }}"


def redis_url(app: Flask) -> str:
    """The app's REDIS_URL, read and checked once; "" when unset outside production."""
    if "REDIS_URL" not in app.config:
        app.config["REDIS_URL"] = checked_redis_url(app, os.environ.get("REDIS_URL", "").strip())
    return str(app.config["REDIS_URL"])


def checked_redis_url(app: Flask, url: str) -> str:
    environment = app.config["ENV_NAME"]
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("REDIS_URL is not a Redis URL; use redis://HOST:6379/0")
    if not url and environment == "production":
        raise ConfigError(
            f"REDIS_URL is not set; production shares {SHARED_THROUGH_REDIS} "
            "between processes through Redis: set REDIS_URL=redis://HOST:6379/0"
        )
    if not url and environment == "development":
        warn_once(
            app,
            f"REDIS_URL is not set, so this process keeps {SHARED_THROUGH_REDIS} to itself: "
            "fine for one process, wrong for several workers or instances, which would each "
            "keep their own; set REDIS_URL=redis://localhost:6379/0 to share them",
        )
    return url
