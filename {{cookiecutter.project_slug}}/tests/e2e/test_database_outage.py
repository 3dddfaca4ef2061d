"""Production gunicorn while PostgreSQL goes away and comes back, and while its pool runs dry.

The database is a cluster this module starts and stops itself, never the suite's own, and the
server runs with production settings behind a pretend TLS-terminating proxy.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
{%- if cookiecutter.use_caching %}
import redis
{%- endif %}

from ..servers import Server, start_production_gunicorn
from .client import CREATED, LIST_PATH, assert_unavailable
from .conftest import DATABASE, timed, user_creator, usernames

pytestmark = pytest.mark.e2e

# What the service promises its load balancer and its clients while the database is away.
READINESS_DEADLINE = 3
REQUEST_DEADLINE = 5
RECOVERY_DEADLINE = 10


@pytest.fixture(scope="module")
def server(deployment: dict[str, str]) -> Iterator[Server]:
    server = start_production_gunicorn(
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="4",
        # A stopped server: fail at once. test_connect_retries.py covers retries, which would
        # add their back-off to each refused request here.
        DB_CONNECT_ATTEMPTS="1",
        **deployment,
    )
    yield server
    server.stop()


def test_an_outage_is_a_fast_503_and_the_server_recovers_without_a_restart(postgres, server):
    create = user_creator(server)
    assert [create(f"before-{n}").status for n in range(3)] == [CREATED] * 3
    # A write just emptied any cached page, so the reads below must reach the database.

    postgres.stop()
    try:
        for _ in range(4):  # enough for both workers and their pooled connections
            ready, seconds = timed(lambda: server.get("/readyz"))
            assert ready.status == 503, ready.text
            assert ready.json()["status"] == "unavailable"
            assert seconds < READINESS_DEADLINE
        for read in (lambda: server.get(LIST_PATH), lambda: create("during-outage")):
            reply, seconds = timed(read)
            assert_unavailable(reply)
            assert seconds < REQUEST_DEADLINE
        assert server.get("/healthz").status == 200
    finally:
        postgres.start()

    deadline = time.monotonic() + RECOVERY_DEADLINE
    while server.get("/readyz").status != 200 or server.get(LIST_PATH).status != 200:
        assert time.monotonic() < deadline, "not recovered within the deadline"
        time.sleep(0.2)
    # The refused write left nothing behind, and nothing written before was lost.
    assert usernames(postgres) == ["before-0", "before-1", "before-2"]
    assert create("during-outage").status == CREATED
    assert server.process.poll() is None
    assert server.output().count("Booting worker") == 2, "a worker was restarted"


def test_writes_cut_off_by_an_outage_are_committed_or_refused_never_half_applied(postgres, server):
    create = user_creator(server)
    before = set(usernames(postgres))

    def write(number: int) -> tuple[str, int]:
        username = f"racing-{number}"
        return username, create(username).status

    with ThreadPoolExecutor(max_workers=4) as pool:
        writes = [pool.submit(write, number) for number in range(200)]
        while sum(future.done() for future in writes) < 20:
            time.sleep(0.01)
        postgres.stop()
        outcomes = dict(future.result() for future in writes)
    postgres.start()

    created = {username for username, status in outcomes.items() if status == CREATED}
    refused = {username for username, status in outcomes.items() if status == 503}
    unclean = {name: status for name, status in outcomes.items() if status not in {CREATED, 503}}
    assert not unclean, f"neither created nor refused: {unclean}\n{server.output()}"
    assert refused, "the outage refused no write: it came too late to test anything"
    stored = set(usernames(postgres)) - before
    assert created <= stored, f"acknowledged but lost: {created - stored}"
    # A write whose commit reached the server as it stopped may be stored yet reported as
    # refused (the acknowledgement was lost); none may be stored twice or half-way.
    assert stored <= set(outcomes)
    assert len(usernames(postgres)) == len(set(usernames(postgres)))
    # gunicorn logs this when an exception escaped the app: its client got gunicorn's bare 500.
    assert "Error handling request" not in server.output()


@pytest.fixture
def pool_of_one(deployment: dict[str, str]) -> Iterator[Server]:
    """Four request threads sharing one database connection that may be waited for 1 s."""
    server = start_production_gunicorn(
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
        DB_POOL_SIZE="1",
        DB_MAX_OVERFLOW="0",
        DB_POOL_TIMEOUT="1",
        **deployment,
    )
    yield server
    server.stop()


{% if cookiecutter.use_caching -%}
def test_requests_beyond_the_pool_get_a_503_after_the_pool_timeout(
    postgres, pool_of_one, redis_url
):
    # No page may come from the cache: each request must want a connection.
    redis.Redis.from_url(redis_url).flushdb()
{%- else -%}
def test_requests_beyond_the_pool_get_a_503_after_the_pool_timeout(postgres, pool_of_one):
{%- endif %}
    # A migration-like lock makes the first request hold the only connection while it waits.
    locker = psycopg2.connect(postgres.url(DATABASE))
    try:
        with locker.cursor() as cursor:
            cursor.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(max_workers=4) as pool:
            replies = [pool.submit(timed, lambda: pool_of_one.get(LIST_PATH)) for _ in range(4)]
            # Everyone but the lock holder gives up after the pool timeout.
            deadline = time.monotonic() + REQUEST_DEADLINE
            while sum(future.done() for future in replies) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            refused = [future.result() for future in replies if future.done()]
            locker.rollback()
            answered = [future.result() for future in replies]
    finally:
        locker.close()

    assert len(refused) == 3, "the requests beyond the pool did not give up in time"
    for reply, seconds in refused:
        assert_unavailable(reply)
        assert seconds < REQUEST_DEADLINE
    assert sorted(reply.status for reply, _ in answered) == [200, 503, 503, 503]
    assert pool_of_one.get(LIST_PATH).status == 200
