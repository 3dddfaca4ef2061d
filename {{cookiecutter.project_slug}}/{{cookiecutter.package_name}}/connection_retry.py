"""New database connections are retried with exponential backoff and jitter.

Neon suspends an idle compute and wakes it on the next connection, which can take a few
seconds: the first attempts fail while it starts. Retrying rides out that cold start instead
of failing the request, and the random jitter keeps many workers from retrying in lockstep.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa

_retrying: ContextVar[bool] = ContextVar("retrying", default=True)


@contextmanager
def without_retries() -> Iterator[None]:
    """Connect once, as a readiness probe should: it reports now, it does not wait."""
    token = _retrying.set(False)
    try:
        yield
    finally:
        _retrying.reset(token)


def install(engine: sa.Engine, attempts: int, first_delay: float, max_delay: float) -> None:
    """Make every new connection of `engine` try up to `attempts` times before failing."""

    def connect_with_retry(dialect: Any, connection_record: Any, cargs: Any, cparams: Any) -> Any:
        attempt = 1
        while True:
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError:
                if attempt >= attempts or not _retrying.get():
                    raise
            ceiling = min(max_delay, first_delay * 2 ** (attempt - 1))
            time.sleep(random.uniform(0, ceiling))  # noqa: S311 - jitter, not a secret
            attempt += 1

    sa.event.listen(engine, "do_connect", connect_with_retry)
