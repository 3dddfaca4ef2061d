"""Rate limits on writes (Flask-Limiter), counted in Redis so that every process shares them.

RATE_LIMIT_WRITES (default 30 per minute) is each client's allowance on each view that takes
writes (POST, PUT, PATCH, DELETE); reads, probes and static files are not counted.
"""

import os

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .redis_config import redis_url

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _write_limit() -> str:
    # Read per request, from the settings of the app serving it.
    return str(current_app.config["RATE_LIMIT_WRITES"])


def _not_a_write() -> bool:
    return request.method not in WRITE_METHODS


# Keyed by the client's address; behind a proxy, PROXY_FIX_X_FOR makes that the real client.
# Every view gets the limit without a decorator, so a new write view cannot be left out.
limiter = Limiter(
    get_remote_address,
    default_limits=[_write_limit],
    default_limits_exempt_when=_not_a_write,
)


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "RATE_LIMIT_WRITES", os.environ.get("RATE_LIMIT_WRITES", "").strip() or "30 per minute"
    )
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", f"{app.import_name}:limits")
    # Without Redis each process counts on its own, so N workers would allow N times the
    # limit: fine in development, refused in production (redis_config.py).
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url(app) or "memory://")
    # While Redis is unreachable each process counts on its own, rather than failing every
    # write with a 500; shared counting resumes when Redis answers again.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
