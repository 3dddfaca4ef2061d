"""Production gunicorn while PostgreSQL stops answering without going away, then answers again.

A partition, a frozen server or a lock held forever refuses nothing and closes nothing: every
wait on such a database must end on the app's own deadlines, with a 503, and free its thread.
Three ways to stall it: a proxy in between that blackholes the traffic (tests/proxy.py), the
server's own processes stopped with SIGSTOP, and a table locked by another session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress

import psycopg2
import pytest

from {{ cookiecutter.package_name }}.config import DEFAULT_CONNECT_ATTEMPTS
from {{ cookiecutter.package_name }}.connect_retries import longest_backoff
from {{ cookiecutter.package_name }}.development.local_postgres import LocalPostgres

from ..proxy import BlackholeProxy
from ..servers import Server, start_production_gunicorn
from .client import CREATED, LIST_PATH, assert_unavailable
from .conftest import DATABASE, timed, user_creator, usernames

pytestmark = pytest.mark.e2e

WORKERS = 2
# What the service promises while its database does not answer (see the README's
# "When the database stops answering").
READINESS_DEADLINE = 3
# A pre-ping that times out (DB_STATEMENT_TIMEOUT 5 + 1), then the new connections, of
# DB_CONNECT_TIMEOUT (3) each, with the back-off between them; and a margin.
READ_DEADLINE = 5 + 1 + DEFAULT_CONNECT_ATTEMPTS * 3 + longest_backoff(DEFAULT_CONNECT_ATTEMPTS) + 1
# DB_LOCK_TIMEOUT (3), and a margin.
LOCK_DEADLINE = 5
RECOVERY_DEADLINE = 10


@pytest.fixture(scope="module")
def proxy(postgres: LocalPostgres) -> Iterator[BlackholeProxy]:
    with BlackholeProxy(postgres.url(DATABASE)) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def server(deployment: dict[str, str], proxy: BlackholeProxy) -> Iterator[Server]:
    """Production defaults (every database deadline included), reaching PostgreSQL through
    the proxy."""
    server = start_production_gunicorn(
        WEB_CONCURRENCY=str(WORKERS),
        GUNICORN_THREADS="4",
        **{**deployment, "DATABASE_URL": proxy.url},
    )
    yield server
    server.stop()


@pytest.fixture
def proxy_forwarding(proxy: BlackholeProxy) -> Iterator[BlackholeProxy]:
    """The proxy as each test finds it, and leaves it whatever happens: forwarding."""
    proxy.forward()
    yield proxy
    proxy.forward()


def children(pid: int) -> list[int]:
    found = subprocess.run(  # noqa: S603 - fixed arguments
        ["pgrep", "-P", str(pid)],  # noqa: S607 - procps, on every Linux and macOS
        capture_output=True,
        text=True,
        check=False,
    )
    return [int(child) for child in found.stdout.split()]


@contextmanager
def frozen(postgres: LocalPostgres) -> Iterator[None]:
    """Every PostgreSQL process stopped (SIGSTOP), as a hung server or VM would be: its kernel
    still accepts connections and acknowledges what is sent, and nothing answers."""
    postmaster = int((postgres.data_dir / "postmaster.pid").read_text().split()[0])
    # The postmaster first, so that it starts no backend the loop below would miss.
    os.kill(postmaster, signal.SIGSTOP)
    stopped = [postmaster]
    try:
        for pid in children(postmaster):
            with suppress(ProcessLookupError):  # a backend that has just ended
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
        yield
    finally:
        # The postmaster last: until it runs, a child that exited meanwhile stays a zombie,
        # which still takes signals, instead of being reaped.
        for pid in reversed(stopped):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


def assert_ready_quickly_says_unavailable(server: Server) -> None:
    reply, seconds = timed(lambda: server.get("/readyz"))
    assert reply.status == 503, reply.text
    assert reply.json() == {"status": "unavailable", "error": "database unavailable"}
    assert seconds <= READINESS_DEADLINE, f"/readyz took {seconds:.1f}s"


def assert_recovered(server: Server) -> None:
    deadline = time.monotonic() + RECOVERY_DEADLINE
    while server.get("/readyz").status != 200 or server.get(LIST_PATH).status != 200:
        assert time.monotonic() < deadline, "not recovered within the deadline"
        time.sleep(0.2)


def assert_no_worker_was_replaced(server: Server) -> None:
    log = server.output()
    assert server.process.poll() is None
    assert "WORKER TIMEOUT" not in log, log
    assert log.count("Booting worker") == WORKERS, f"a worker was restarted:\n{log}"


def test_a_blackholed_database_is_a_quick_503_and_the_server_recovers_without_a_restart(
    postgres, proxy_forwarding, server
):
    # Both workers pool connections now, which the blackhole will leave half-dead.
    assert all(server.get(LIST_PATH).status == 200 for _ in range(8))
    create = user_creator(server)
    # The writes also empty any cached page, so the reads below must reach the database.
    assert [create(f"before-stall-{n}").status for n in range(3)] == [CREATED] * 3

    proxy_forwarding.blackhole()
    try:
        for _ in range(3):
            assert_ready_quickly_says_unavailable(server)
        # Reads in parallel, so that each worker meets its own pooled connections.
        with ThreadPoolExecutor(max_workers=WORKERS * 2) as clients:
            reads = [
                clients.submit(timed, lambda: server.get(LIST_PATH, timeout=30))
                for _ in range(WORKERS * 2)
            ]
            # Liveness does not wait on the database, even while every read does.
            alive, seconds = timed(lambda: server.get("/healthz"))
            assert (alive.status, alive.json()) == (200, {"status": "ok"})
            assert seconds < 1, f"/healthz took {seconds:.1f}s"
            for read in reads:
                reply, seconds = read.result()
                assert_unavailable(reply)
                assert seconds <= READ_DEADLINE, f"{LIST_PATH} took {seconds:.1f}s"
        assert_ready_quickly_says_unavailable(server)
    finally:
        proxy_forwarding.forward()

    assert_recovered(server)
    before = [f"before-stall-{n}" for n in range(3)]
    assert [name for name in usernames(postgres) if name in before] == before
    assert create("after-stall").status == CREATED
    assert_no_worker_was_replaced(server)


def test_a_frozen_postgres_is_a_quick_503_and_the_server_recovers_after_sigcont(
    postgres, proxy_forwarding, server
):
    create = user_creator(server)
    assert create("before-freeze").status == CREATED  # and no page stays cached
    with frozen(postgres):
        for _ in range(3):
            assert_ready_quickly_says_unavailable(server)
        reply, seconds = timed(lambda: server.get(LIST_PATH, timeout=30))
        assert_unavailable(reply)
        assert seconds <= READ_DEADLINE, f"{LIST_PATH} took {seconds:.1f}s"
        assert server.get("/healthz").status == 200

    assert_recovered(server)
    assert create("after-freeze").status == CREATED
    assert {"before-freeze", "after-freeze"} <= set(usernames(postgres))
    assert_no_worker_was_replaced(server)


def test_a_lock_held_forever_is_a_503_after_the_lock_timeout_while_the_service_stays_ready(
    postgres, proxy_forwarding, server
):
    create = user_creator(server)
    assert create("before-lock").status == CREATED  # and no page stays cached
    # What a stuck migration or a forgotten psql session does to a table.
    locker = psycopg2.connect(postgres.url(DATABASE))
    try:
        with locker.cursor() as cursor:
            cursor.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        reply, seconds = timed(lambda: server.get(LIST_PATH, timeout=30))
        assert_unavailable(reply)
        assert seconds <= LOCK_DEADLINE, f"{LIST_PATH} took {seconds:.1f}s"
        # Only that table is out of reach: the service is still ready.
        assert server.get("/readyz").status == 200
    finally:
        locker.close()

    assert server.get(LIST_PATH).status == 200
    assert create("after-lock").status == CREATED
    assert "lock timeout" in server.output()
    assert_no_worker_was_replaced(server)
