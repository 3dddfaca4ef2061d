"""Stopping a Celery worker loses no task: a deploy or a scale-in sends SIGTERM, then waits.

The worker must finish the task it is running, or hand it back when its process is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from {{ cookiecutter.package_name }}.tasks import import_users

from ..celery_worker import start_worker
from ..conftest import user_count

pytestmark = pytest.mark.e2e

ROWS = [{"username": f"user{n}", "email": f"user{n}@example.com"} for n in range(1000)]
WORKER_DEADLINE = 60


@pytest.fixture
def prefork_worker(
    redis_app: Flask, redis_url: str, database_url: str, tmp_path: Path
) -> Iterator[subprocess.Popen[str]]:
    """A production-like worker: prefork pool, one child process (so one task at a time)."""
    with (tmp_path / "worker.log").open("wb") as log:
        process = start_worker(
            database_url, redis_url, "--pool", "prefork", "--concurrency", "1", stdout=log
        )
        yield process
        if process.poll() is None:
            process.kill()
        process.wait(timeout=WORKER_DEADLINE)


def wait_until_importing(app: Flask) -> None:
    deadline = time.monotonic() + WORKER_DEADLINE
    while user_count(app) == 0:
        assert time.monotonic() < deadline, "the worker never started the import"
        time.sleep(0.05)


def pool_processes(worker: subprocess.Popen[str]) -> list[int]:
    found = subprocess.run(  # noqa: S603 - fixed arguments
        ["pgrep", "-P", str(worker.pid)],  # noqa: S607 - procps, on every Linux and macOS
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(pid) for pid in found.stdout.split()]


def assert_stopped_cleanly(worker: subprocess.Popen[str], redis_url: str) -> None:
    """A clean exit after SIGTERM, and no message left in Redis to run again."""
    status = worker.wait(timeout=WORKER_DEADLINE)
    assert status == 0, f"the worker exited with status {status}"
    broker = redis.Redis.from_url(redis_url)
    try:
        # Kombu's Redis layout: the "celery" list holds waiting messages, the "unacked" hash
        # the delivered ones not yet acknowledged.
        left = {"waiting": broker.llen("celery"), "unacknowledged": broker.hlen("unacked")}
        assert left == {"waiting": 0, "unacknowledged": 0}, "a task would run again"
    finally:
        broker.close()


def test_sigterm_lets_celery_finish_the_running_task(redis_app, redis_url, prefork_worker):
    with redis_app.app_context():
        result = import_users.delay(ROWS)
        wait_until_importing(redis_app)
        prefork_worker.send_signal(signal.SIGTERM)
        assert user_count(redis_app) < len(ROWS), "the import ended before SIGTERM: use more rows"
        assert_stopped_cleanly(prefork_worker, redis_url)
        # Finished by this worker in one go, not handed back to run again.
        assert result.get(timeout=1) == {"created": len(ROWS), "skipped": 0}
    assert user_count(redis_app) == len(ROWS)


def test_a_task_killed_with_its_process_is_delivered_again(redis_app, redis_url, prefork_worker):
    with redis_app.app_context():
        result = import_users.delay(ROWS)
        wait_until_importing(redis_app)
        # What the kernel's OOM killer does: task_acks_late and task_reject_on_worker_lost put
        # the message back, where acknowledging on receipt would have lost it.
        (child,) = pool_processes(prefork_worker)
        os.kill(child, signal.SIGKILL)
        outcome = result.get(timeout=WORKER_DEADLINE, propagate=False)
    assert result.successful(), outcome
    # The second delivery skipped the rows the first had created: the task is safe to repeat.
    assert outcome["skipped"] > 0, outcome
    assert outcome["created"] + outcome["skipped"] == len(ROWS)
    assert user_count(redis_app) == len(ROWS)
    prefork_worker.send_signal(signal.SIGTERM)
    assert_stopped_cleanly(prefork_worker, redis_url)
