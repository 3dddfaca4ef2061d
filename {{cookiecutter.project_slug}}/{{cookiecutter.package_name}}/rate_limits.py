"""Rate limits on writes (Flask-Limiter), counted in Redis so that every process shares them.

RATE_LIMIT_WRITES (config.py) is each client's allowance on every view marked @limit_writes.
"""

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Keyed by the client's address; behind a proxy, PROXY_FIX_X_FOR makes that the real client.
limiter = Limiter(get_remote_address)
# Read per request, so that tests and operators can change the allowance without a redeploy
# of code.
limit_writes = limiter.limit(lambda: current_app.config["RATE_LIMIT_WRITES"])


def init_app(app: Flask) -> None:
    limiter.init_app(app)
