"""Real gunicorn processes for end-to-end tests, started the way production starts them.

Each server runs `gunicorn wsgi:app` with the project's own gunicorn.conf.py on a free
loopback port; its output goes to a file (a pipe nobody reads would fill and stall it).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import IO, Any

import pytest

from .conftest import ISOLATED_VARIABLES, PRODUCTION_KEY, PROJECT_ROOT

STARTUP_SECONDS = 20
# Production runs behind a TLS-terminating proxy that says the request came over HTTPS
# (PROXY_FIX_X_PROTO=1); plain HTTP would be redirected.
BEHIND_PROXY = {"X-Forwarded-Proto": "https"}
# Port 9 (discard) refuses connections at once: a server that is down.
UNREACHABLE_DATABASE = "postgresql://app@127.0.0.1:9/app"
{%- if cookiecutter.__uses_redis %}
UNREACHABLE_REDIS = "redis://127.0.0.1:9/0"
{%- endif %}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(**settings: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in ISOLATED_VARIABLES}
    return {**environ, **settings}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        assert self.headers.get_content_type() == "application/json", (self.status, self.text)
        return json.loads(self.body)


@dataclass
class Server:
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log: IO[bytes]
    # Sent with every request: a production server also wants the proxy's headers.
    default_headers: Mapping[str, str]
    _final_output: str | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10,
    ) -> Reply:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(
                method, path, body=body, headers={**self.default_headers, **(headers or {})}
            )
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(
        self, path: str, headers: Mapping[str, str] | None = None, timeout: float = 10
    ) -> Reply:
        return self.request("GET", path, headers=headers, timeout=timeout)

    def post_json(self, path: str, payload: Any, timeout: float = 10) -> Reply:
        return self.request(
            "POST",
            path,
            body=json.dumps(payload),
            headers={"Content-Type": "application/json"},
            timeout=timeout,
        )

    def output(self) -> str:
        """Everything gunicorn has logged so far."""
        if self._final_output is not None:
            return self._final_output
        self.log.flush()
        # gunicorn shares this file's offset: read without moving it, or its next lines would
        # overwrite the first ones.
        descriptor = self.log.fileno()
        content = os.pread(descriptor, os.fstat(descriptor).st_size, 0)
        return content.decode("utf-8", errors="replace")

    def stop(self) -> str:
        """Stop gunicorn as a supervisor would (SIGTERM) and return everything it logged."""
        if self._final_output is None:
            if self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=30)
            self._final_output = self.output()
            self.log.close()
        return self._final_output


def start_gunicorn(default_headers: Mapping[str, str] | None = None, **settings: str) -> Server:
    """`gunicorn wsgi:app` with `settings` added to a clean environment, once it answers."""
    port = free_port()
    # One worker with two threads unless the test asks for more.
    sizing = {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2"}
    environ = clean_environment(**(sizing | settings))
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by Server.stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server("127.0.0.1", port, process, log, default_headers or {})
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited early:\n{server.stop()}")
        try:
            server.get("/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer within {STARTUP_SECONDS}s:\n{server.stop()}")


def run_until_exit(*command: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m <command>` in the project with `settings` and wait for it to exit."""
    return subprocess.run(  # noqa: S603 - the project's own entry points
        [sys.executable, "-m", *command],
        cwd=PROJECT_ROOT,
        env=clean_environment(**settings),
        capture_output=True,
        text=True,
        timeout=STARTUP_SECONDS,
        check=False,
    )


def production_settings(**overrides: str) -> dict[str, str]:
    """A production environment that passes every guard, its database{{ " and Redis" if cookiecutter.__uses_redis else "" }}
    down unless `overrides` say otherwise."""
    return {
        "APP_ENV": "production",
        "SECRET_KEY": PRODUCTION_KEY,
        "DATABASE_URL": UNREACHABLE_DATABASE,
        "TRUSTED_HOSTS": "127.0.0.1",
        "PROXY_FIX_X_PROTO": "1",
        # As the README deploys: the flask command must not read the project's development .env.
        "FLASK_SKIP_DOTENV": "1",
{%- if cookiecutter.__uses_redis %}
        "REDIS_URL": UNREACHABLE_REDIS,
{%- endif %}
        **overrides,
    }


def start_production_gunicorn(**overrides: str) -> Server:
    """gunicorn with production settings, spoken to as the proxy in front would."""
    return start_gunicorn(default_headers=BEHIND_PROXY, **production_settings(**overrides))
