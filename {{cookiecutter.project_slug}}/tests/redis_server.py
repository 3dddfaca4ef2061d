"""Redis for the tests (a plugin, registered in tests/conftest.py): TEST_REDIS_URL when set
(e.g. redis://HOST:6379/15; the suite empties that database), otherwise a throwaway
`redis-server` on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from .conftest import app_with_empty_tables_after


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("TEST_REDIS_URL", "").strip()
    if configured:
        yield configured
        return
    server = shutil.which("redis-server")
    if server is None:
        pytest.exit(
            "redis-server was not found on PATH; install it (Debian/Ubuntu: `sudo apt-get "
            "install redis-server`; macOS: `brew install redis`) or set TEST_REDIS_URL to a Redis "
            "database the suite may empty (e.g. redis://HOST:6379/15)",
            returncode=2,
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - the local Redis server, fixed arguments
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.exit(f"redis-server did not start on port {port}", returncode=2)
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_app(
    redis_url: str, migrated_database: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """An app whose shared state lives in an empty Redis database, as in production."""
    redis.Redis.from_url(redis_url).flushdb()
    monkeypatch.setenv("REDIS_URL", redis_url)
    yield from app_with_empty_tables_after()
