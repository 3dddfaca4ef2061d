"""Error reporting and tracing with Sentry, on when SENTRY_DSN is set and off otherwise.

Events carry the request id the logs and the X-Request-ID header show, so a report, its log
lines and the client's view of the failure can be joined. SENTRY_TRACES_SAMPLE_RATE (0 to 1,
default 0) samples tracing; errors are always reported.
"""

from __future__ import annotations

import os

import sentry_sdk
from flask import Flask

from .config import ConfigError
from .logs import current_request_id


def init_app(app: Flask) -> None:
    app.config.setdefault("SENTRY_DSN", os.environ.get("SENTRY_DSN", "").strip())
    app.config.setdefault(
        "SENTRY_TRACES_SAMPLE_RATE", _fraction("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
    )
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        environment=app.config["ENV_NAME"],
        traces_sample_rate=app.config["SENTRY_TRACES_SAMPLE_RATE"],
    )
    app.before_request(tag_request_id)


def tag_request_id() -> None:
    sentry_sdk.get_isolation_scope().set_tag("request_id", current_request_id())


def _fraction(variable: str, default: float) -> float:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{variable} must be a number from 0 to 1, not {raw!r}")
    return value
