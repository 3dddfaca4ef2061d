{%- set has_api = cookiecutter.interface != "web-only" -%}
"""Stopping an instance loses no work: a deploy or a scale-in sends SIGTERM, then waits.

gunicorn must answer the requests it has already started{% if cookiecutter.use_celery %}, and a Celery worker must finish
or hand back the task it is running{% endif %}.
"""

from __future__ import annotations

import http.client
{%- if has_api %}
import json
{%- endif %}
{%- if cookiecutter.use_celery %}
import os
{%- endif %}
import runpy
import signal
import socket
{%- if cookiecutter.use_celery %}
import subprocess
{%- endif %}
import time
from collections.abc import Iterator
{%- if cookiecutter.use_celery %}
from pathlib import Path
{%- endif %}
{%- if not has_api %}
from urllib.parse import urlencode
{%- endif %}

import pytest
{%- if cookiecutter.use_celery %}
import redis
{%- endif %}
import sqlalchemy as sa
{%- if cookiecutter.use_celery %}
from flask import Flask
{%- endif %}

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User
{%- if cookiecutter.use_celery %}
from {{ cookiecutter.package_name }}.tasks import import_users
{%- endif %}

from ..conftest import (
    PROJECT_ROOT,
{%- if not has_api %}
    csrf_token_in,
{%- endif %}
{%- if cookiecutter.use_celery %}
    start_worker,
    user_count,
{%- endif %}
)
from ..servers import Server, start_gunicorn

pytestmark = pytest.mark.e2e

# Long enough for a server that drops in-flight requests on SIGTERM (graceful_timeout = 0,
# say) to have done so before the request can complete.
HOLD_SECONDS = 1


@pytest.fixture
def server(migrated_database: None, database_url: str) -> Iterator[Server]:
    server = start_gunicorn(APP_ENV="testing", TEST_DATABASE_URL=database_url)
    yield server
    server.stop()


def wait_for_log(server: Server, text: str) -> None:
    deadline = time.monotonic() + 10
    while text not in server.output():
        assert time.monotonic() < deadline, f"gunicorn never logged {text!r}:\n{server.output()}"
        time.sleep(0.05)


def read_interim_response(connection: socket.socket) -> bytes:
    received = b""
    while not received.endswith(b"\r\n\r\n") and (chunk := connection.recv(1024)):
        received += chunk
    return received
{%- if has_api %}


def create_user_request(server: Server) -> tuple[str, dict[str, str], bytes, int]:
    """Path, headers, body and success status of a JSON request creating the user ada."""
    body = json.dumps({"username": "ada", "email": "ada@example.com"}).encode()
    return "/api/users", {"Content-Type": "application/json"}, body, 201
{%- else %}


def create_user_request(server: Server) -> tuple[str, dict[str, str], bytes, int]:
    """Path, headers, body and success status of a form post creating the user ada, with the
    session cookie and CSRF token a browser would have."""
    page = server.get("/users")
    form = {"csrf_token": csrf_token_in(page.text), "username": "ada", "email": "ada@example.com"}
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": page.headers["Set-Cookie"].split(";", 1)[0],
    }
    return "/users", headers, urlencode(form).encode(), 303
{%- endif %}


def test_sigterm_lets_gunicorn_finish_a_request_in_flight(app, server):
    path, headers, body, success = create_user_request(server)
    # The worker answers "100 Continue" just before it hands the request to the app, which
    # then waits for the body: from then on the request is in flight.
    headers |= {"Host": server.host, "Content-Length": str(len(body)), "Expect": "100-continue"}
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection((server.host, server.port), timeout=10) as connection:
        connection.sendall(f"{head}\r\n".encode())
        interim = read_interim_response(connection)
        assert interim.startswith(b"HTTP/1.1 100 "), interim

        server.process.send_signal(signal.SIGTERM)
        wait_for_log(server, "Handling signal: term")
        time.sleep(HOLD_SECONDS)
        try:
            connection.sendall(body)
            response = http.client.HTTPResponse(connection)
            response.begin()
            answer = response.read()
            response.close()
        except (OSError, http.client.HTTPException) as error:
            pytest.fail(f"the in-flight request was dropped ({error!r}):\n{server.output()}")
    assert response.status == success, answer
{%- if has_api %}
    assert json.loads(answer)["username"] == "ada"
{%- endif %}

    conf = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    status = server.process.wait(timeout=conf["graceful_timeout"])
    log = server.stop()
    assert status == 0, log
    assert "Traceback" not in log
    with app.app_context():
        assert db.session.scalar(sa.select(User.username).filter_by(username="ada")) == "ada"
{%- if cookiecutter.use_celery %}


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
{%- endif %}
