"""Every wait on the database ends by a deadline: against the real PostgreSQL, behind a proxy
that stops answering as a partitioned network or a frozen server would (tests/proxy.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import psycopg2
import pytest
import sqlalchemy as sa
from flask import Flask
from psycopg2.errors import LockNotAvailable, QueryCanceled

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.database_deadlines import DeadlineExceeded, bounded_connections
from {{ cookiecutter.package_name }}.extensions import db

from .proxy import BlackholeProxy

# Deadlines short enough to wait out in a test, and how late a deadline may be noticed.
CONNECT_SECONDS = 2
READ_SECONDS = 1
LATENESS = 0.5
# A wait with no deadline would hang the test: the proxy forwards again after this, so that
# such a wait ends, and the test fails instead.
SAFETY_NET_SECONDS = 8
SELECT_1 = sa.text("SELECT 1")


@pytest.fixture
def quick_app(database_proxy: BlackholeProxy, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The app through the proxy, with a 1 s statement timeout (so a 2 s read deadline); like
    every app, it installed the deadlines for the whole process."""
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "1")
    return create_app("testing")


@pytest.fixture
def stall(database_proxy: BlackholeProxy) -> Iterator[Callable[[], None]]:
    """Blackholes the proxy, for SAFETY_NET_SECONDS at most."""
    safety_nets: list[threading.Timer] = []

    def stall() -> None:
        database_proxy.blackhole()
        safety_nets.append(threading.Timer(SAFETY_NET_SECONDS, database_proxy.forward))
        safety_nets[-1].start()

    yield stall
    for safety_net in safety_nets:
        safety_net.cancel()


def elapsed_since(started: float) -> float:
    return time.monotonic() - started


def test_a_server_that_stops_answering_costs_a_statement_its_read_deadline(
    quick_app, database_proxy, stall
):
    connection = psycopg2.connect(
        database_proxy.url, connection_factory=bounded_connections(CONNECT_SECONDS, READ_SECONDS)
    )
    cursor = connection.cursor()
    cursor.execute("SELECT 1")
    stall()
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        cursor.execute("SELECT 1")
    assert READ_SECONDS <= elapsed_since(started) < READ_SECONDS + LATENESS
    # Closed, so that SQLAlchemy sees a disconnect and its pool never hands it out again.
    assert connection.closed


def test_connecting_to_a_server_that_does_not_answer_ends_at_the_connect_deadline(
    quick_app, database_proxy, stall
):
    # libpq's own connect_timeout covers only the blocking connects the deadlines replace.
    stall()
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        psycopg2.connect(
            database_proxy.url,
            connection_factory=bounded_connections(CONNECT_SECONDS, READ_SECONDS),
        )
    assert CONNECT_SECONDS <= elapsed_since(started) < CONNECT_SECONDS + LATENESS


def test_the_app_gives_up_on_a_stalled_connection_and_replaces_it(quick_app, database_proxy, stall):
    with quick_app.app_context():
        assert db.session.scalar(SELECT_1) == 1
        stall()
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError) as stalled:
            db.session.scalar(SELECT_1)
        # DB_STATEMENT_TIMEOUT + 1.
        assert 2 <= elapsed_since(started) < 2 + LATENESS
        assert stalled.value.connection_invalidated
        db.session.rollback()

        database_proxy.forward()
        assert db.session.scalar(SELECT_1) == 1


def test_a_slow_statement_is_cancelled_by_the_server_before_the_client_gives_up(quick_app):
    with quick_app.app_context():
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError) as cancelled:
            db.session.execute(sa.text("SELECT pg_sleep(3)"))
        assert 1 <= elapsed_since(started) < 1 + LATENESS
        assert isinstance(cancelled.value.orig, QueryCanceled)
        # The server's own cancel leaves the connection usable.
        assert not cancelled.value.connection_invalidated
        db.session.rollback()
        assert db.session.scalar(SELECT_1) == 1


def test_migrations_may_run_longer_than_the_app_but_not_queue_long_for_a_lock(
    migrated_database, database_url, monkeypatch
):
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "1")
    monkeypatch.setenv("DB_LOCK_TIMEOUT", "1")
    app = create_app("testing")
    engine = sa.create_engine(
        app.config["MIGRATIONS_DATABASE_URI"],
        poolclass=sa.pool.NullPool,
        connect_args=app.config["MIGRATIONS_CONNECT_ARGS"],
    )
    locker = psycopg2.connect(database_url)
    try:
        with engine.connect() as migration:
            # Past the app's statement timeout and read deadline (1 s and 2 s here).
            migration.execute(sa.text("SELECT pg_sleep(2.5)"))
            with locker.cursor() as cursor:
                cursor.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            with pytest.raises(sa.exc.OperationalError) as queued:
                migration.execute(sa.text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
            assert isinstance(queued.value.orig, LockNotAvailable)
            assert 1 <= elapsed_since(started) < 1 + LATENESS
    finally:
        locker.close()
        engine.dispose()
