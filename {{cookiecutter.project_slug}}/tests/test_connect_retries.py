"""New connections are retried with a random, doubling back-off (connect_retries.py), except by
the readiness probe, which reports at once."""

from __future__ import annotations

import threading
import time

import pytest

from {{ cookiecutter.package_name }} import connect_retries, create_app
from {{ cookiecutter.package_name }}.config import ConfigError

from .failures import with_a_reading_view


def test_connect_attempts_below_one_are_refused(production_env):
    production_env.setenv("DB_CONNECT_ATTEMPTS", "0")
    with pytest.raises(ConfigError, match="DB_CONNECT_ATTEMPTS must be a whole number"):
        create_app()


def test_each_retry_sleeps_a_random_time_up_to_a_doubling_capped_ceiling(monkeypatch):
    drawn: list[tuple[float, float]] = []
    slept: list[float] = []

    def highest(low: float, high: float) -> float:
        drawn.append((low, high))
        return high

    monkeypatch.setattr(connect_retries.random, "uniform", highest)
    monkeypatch.setattr(connect_retries.time, "sleep", slept.append)
    # Port 9 (discard) refuses every attempt at once.
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:9/test")
    monkeypatch.setenv("DB_CONNECT_ATTEMPTS", "6")
    response = with_a_reading_view(create_app("testing")).test_client().get("/test-read")
    assert response.status_code == 503
    # What create_app installs: from 0.5 s, doubling after each failure, at most 4 s.
    assert drawn == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 4.0), (0, 4.0)]
    assert slept == [0.5, 1.0, 2.0, 4.0, 4.0]


# A database that takes longer than DB_CONNECT_TIMEOUT (3 s) to answer a new connection, as
# Neon's proxy does while a compute wakes up: the first attempt gives up, and the second, 0.5 s
# later (the longest back-off, pinned below), gets the database once it is up.
WAKE_UP_SECONDS = 4.5


def test_a_cold_start_longer_than_the_connect_timeout_is_survived(database_proxy, monkeypatch):
    monkeypatch.setenv("DB_CONNECT_ATTEMPTS", "3")
    monkeypatch.setattr(connect_retries.random, "uniform", lambda low, high: high)
    client = with_a_reading_view(create_app("testing")).test_client()
    database_proxy.blackhole()  # the compute is asleep
    waking = threading.Timer(WAKE_UP_SECONDS, database_proxy.forward)
    started = time.monotonic()
    waking.start()
    response = client.get("/test-read")
    elapsed = time.monotonic() - started
    waking.join()
    assert response.status_code == 200, response.get_data(as_text=True)
    assert database_proxy.connections_accepted == 2
    assert WAKE_UP_SECONDS <= elapsed < WAKE_UP_SECONDS + 1


def test_readiness_reports_a_sleeping_compute_at_once_and_wakes_it(database_proxy, monkeypatch):
    monkeypatch.setenv("DB_CONNECT_ATTEMPTS", "3")
    client = create_app("testing").test_client()
    database_proxy.blackhole()
    try:
        started = time.monotonic()
        response = client.get("/readyz")
        elapsed = time.monotonic() - started
    finally:
        database_proxy.forward()
    assert response.status_code == 503
    assert elapsed < 3
    # One attempt, which reached the proxy: on Neon, that is what wakes a suspended compute.
    assert database_proxy.connections_accepted == 1
