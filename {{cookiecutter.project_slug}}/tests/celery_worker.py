"""Real Celery workers for the tests, taking tasks from Redis as in production (a plugin,
registered in tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import IO

import pytest
from flask import Flask

from .conftest import ISOLATED_VARIABLES, PROJECT_ROOT


def start_worker(
    database_url: str, redis_url: str, *options: str, stdout: IO[str] | IO[bytes] | int
) -> subprocess.Popen[str]:
    """A real `celery worker` process taking tasks from Redis, as in production."""
    environ = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    environ.update(APP_ENV="testing", TEST_DATABASE_URL=database_url, REDIS_URL=redis_url)
    command = ["celery", "--app", "worker", "worker", "--loglevel", "INFO", *options]
    return subprocess.Popen(  # noqa: S603 - the project's own worker, fixed arguments
        [sys.executable, "-m", *command, "--without-gossip", "--without-mingle"],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=stdout,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def worker(redis_app: Flask, redis_url: str, database_url: str) -> Iterator[subprocess.Popen[str]]:
    """One worker running one task at a time in its own process; its log in stdout."""
    process = start_worker(database_url, redis_url, "--pool", "solo", stdout=subprocess.PIPE)
    yield process
    process.terminate()
    process.communicate(timeout=30)
