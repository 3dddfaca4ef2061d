"""Stopping an instance loses no work: a deploy or a scale-in sends SIGTERM, then waits.

gunicorn must answer the requests it has already started.
"""

from __future__ import annotations

import http.client
import runpy
import signal
import socket
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from ..conftest import PROJECT_ROOT
from ..servers import Server, start_gunicorn
from .client import CREATED, LIST_PATH, write_request

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


def test_sigterm_lets_gunicorn_finish_a_request_in_flight(app, server):
    headers, body = write_request(server, {"username": "ada", "email": "ada@example.com"})
    # The worker answers "100 Continue" just before it hands the request to the app, which
    # then waits for the body: from then on the request is in flight.
    headers |= {"Host": server.host, "Content-Length": str(len(body)), "Expect": "100-continue"}
    head = f"POST {LIST_PATH} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
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
    assert response.status == CREATED, answer

    conf = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    status = server.process.wait(timeout=conf["graceful_timeout"])
    log = server.stop()
    assert status == 0, log
    assert "Traceback" not in log
    with app.app_context():
        assert db.session.scalar(sa.select(User.username).filter_by(username="ada")) == "ada"
