"""Rate limits on writes (Flask-Limiter), counted in Redis so that every process shares them.

RATE_LIMIT_WRITES (default 30 per minute) is each client's allowance on every view marked
@limit_writes.
"""

import os

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Keyed by the client's address; behind a proxy, PROXY_FIX_X_FOR makes that the real client.
limiter = Limiter(get_remote_address)
# Read per request, from the settings of the app serving it.
limit_writes = limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITES"])


def init_app(app: Flask) -> None:
    redis_url = app.config["REDIS_URL"]
    app.config.setdefault(
        "RATE_LIMIT_WRITES", os.environ.get("RATE_LIMIT_WRITES", "").strip() or "30 per minute"
    )
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", f"{app.import_name}:limits")
    # Without Redis each process counts on its own, so N workers would allow N times the
    # limit: fine in development, refused in production (config.py).
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    # While Redis is unreachable each process counts on its own, rather than failing every
    # write with a 500; shared counting resumes when Redis answers again.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
