"""New database connections are retried with exponential backoff and jitter.

A connection attempt can fail for a moment that passes: the server restarting, a managed
database failing over, a serverless compute waking up while its proxy holds the connection.
Up to DB_CONNECT_ATTEMPTS tries, each bounded by DB_CONNECT_TIMEOUT, ride that out instead of
failing the request; the random jitter keeps many workers from retrying in lockstep.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from flask import Flask

from .extensions import db

# Each sleep between attempts is random, up to a ceiling that starts here and doubles after
# every failed attempt, up to the maximum.
FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 4.0

_retrying: ContextVar[bool] = ContextVar("retrying", default=True)


def backoff_ceiling(failed_attempts: int) -> float:
    """The longest sleep after `failed_attempts` attempts have failed."""
    return min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2.0 ** (failed_attempts - 1))


def longest_backoff(attempts: int) -> float:
    """The most `attempts` tries can sleep in all: one sleep between each two."""
    return sum(backoff_ceiling(failed) for failed in range(1, attempts))


@contextmanager
def without_retries() -> Iterator[None]:
    """Connect once, as a readiness probe should: it reports now, it does not wait."""
    token = _retrying.set(False)
    try:
        yield
    finally:
        _retrying.reset(token)


def init_app(app: Flask) -> None:
    # One attempt is what SQLAlchemy makes on its own.
    if app.config["DB_CONNECT_ATTEMPTS"] > 1:
        with app.app_context():
            install(db.engine, app.config["DB_CONNECT_ATTEMPTS"])


def install(engine: sa.Engine, attempts: int) -> None:
    """Make every new connection of `engine` try up to `attempts` times before failing.

    Each attempt is bounded by DB_CONNECT_TIMEOUT (database_deadlines.py), so all of them
    together wait at most attempts x DB_CONNECT_TIMEOUT + longest_backoff(attempts).
    """

    def connect_with_retry(dialect: Any, connection_record: Any, cargs: Any, cparams: Any) -> Any:
        attempt = 1
        while True:
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError:
                if attempt >= attempts or not _retrying.get():
                    raise
            jitter = random.uniform(0, backoff_ceiling(attempt))  # noqa: S311 - not a secret
            time.sleep(jitter)
            attempt += 1

    sa.event.listen(engine, "do_connect", connect_with_retry)
