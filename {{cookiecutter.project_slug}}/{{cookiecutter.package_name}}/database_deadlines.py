"""Every wait on PostgreSQL ends by a deadline, whatever the server or the network does.

libpq waits for an answer as long as the socket stays open, and a network partition, a frozen
server or a proxy that stopped forwarding keep it open: their kernels still acknowledge what is
sent, so TCP keepalives and tcp_user_timeout notice nothing. psycopg2's wait callback (its
support for coroutine libraries) hands every wait to Python instead, and `wait_with_deadline`
gives up when the connection's deadline passes. psycopg2 closes a connection whose wait failed,
so SQLAlchemy sees a disconnect: the pool replaces the connection, and errors.py answers 503.

The callback is process-wide and makes every psycopg2 connection non-blocking. Only a
BoundedConnection has deadlines; any other connection waits as long as libpq would. In this
mode psycopg2 supports neither COPY nor large objects (this project uses neither), and libpq
does not apply its own connect_timeout, so the connect deadline is enforced here too.

The server's own bounds (statement_timeout and the rest, config.py) normally come with each
new connection. A pooler (PgBouncer, or a provider's pooled endpoint) refuses them there, so
behind one they are set at the start of every transaction instead, at the cost of one more
round trip each.
"""

from __future__ import annotations

import math
import select
import time
from collections.abc import Callable
from functools import partial

import psycopg2
import sqlalchemy as sa
from flask import Flask
from psycopg2.extensions import POLL_OK, POLL_READ, POLL_WRITE

from .extensions import db

# The client waits this much longer than the server's statement_timeout: a slow statement ends
# with the server's own cancel (the connection stays usable), and only a server that does not
# answer at all meets the client's deadline.
READ_MARGIN_SECONDS = 1

WAIT_EVENTS = {POLL_READ: select.POLLIN, POLL_WRITE: select.POLLOUT}


class DeadlineExceeded(psycopg2.OperationalError):
    """The database server did not answer within the connection's deadline."""


class BoundedConnection(psycopg2.extensions.connection):
    """A psycopg2 connection whose every wait ends: `connect_timeout` seconds to connect,
    `read_timeout` seconds for each answer afterwards (None: as long as it takes)."""

    def __init__(self, dsn: str, *, connect_timeout: float, read_timeout: float | None) -> None:
        self.wait_timeout: float | None = connect_timeout
        super().__init__(dsn)
        self.wait_timeout = read_timeout


def bounded_connections(
    connect_timeout: float, read_timeout: float | None
) -> Callable[[str], BoundedConnection]:
    """A `connection_factory` for psycopg2.connect() (and SQLAlchemy's connect_args)."""
    return partial(BoundedConnection, connect_timeout=connect_timeout, read_timeout=read_timeout)


def read_timeout(statement_timeout: int) -> float | None:
    """How long the client waits for an answer, given the server's statement_timeout (0: off)."""
    return statement_timeout + READ_MARGIN_SECONDS if statement_timeout else None


def wait_with_deadline(connection: psycopg2.extensions.connection) -> None:
    """psycopg2's wait callback: psycopg2.extras.wait_select() with a deadline, and poll()
    instead of select(), which fails on descriptors past 1023 (a busy process has those)."""
    timeout: float | None = getattr(connection, "wait_timeout", None)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        state = connection.poll()
        if state == POLL_OK:
            return
        if state not in WAIT_EVENTS:
            raise psycopg2.OperationalError(f"unexpected state from poll(): {state}")
        # A new poll object each time: libpq may open a new socket while connecting.
        waiting = select.poll()
        waiting.register(connection.fileno(), WAIT_EVENTS[state])
        if deadline is None:
            waiting.poll()
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not waiting.poll(math.ceil(remaining * 1000)):
            raise DeadlineExceeded(f"timed out: no answer from the database within {timeout:g}s")


def init_app(app: Flask) -> None:
    """Give every wait in this process its deadline; behind a pooler, set the server's bounds
    in every transaction."""
    psycopg2.extensions.set_wait_callback(wait_with_deadline)
    settings = app.config["DB_SETTINGS_PER_TRANSACTION"]
    if settings:
        # SET LOCAL ends with the transaction: a plain SET would stay on the server connection
        # the pooler hands to another client next.
        statement = "; ".join(
            f"SET LOCAL {name} = '{seconds}s'" for name, seconds in settings.items()
        )
        with app.app_context():
            sa.event.listen(
                db.engine, "begin", lambda connection: connection.exec_driver_sql(statement)
            )
