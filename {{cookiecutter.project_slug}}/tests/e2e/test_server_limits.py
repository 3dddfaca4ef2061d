{%- set has_api = cookiecutter.interface != "web-only" -%}
"""Production gunicorn against oversized, slow and malformed requests, over real sockets.

The server runs with production settings behind a pretend TLS-terminating proxy, pointed at
a database that does not exist: a request that reaches it gets a 503, never a traceback.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator

import pytest

from ..servers import Server, start_production_gunicorn
from .client import LIST_PATH

pytestmark = pytest.mark.e2e

MAX_BODY = 1024 * 1024
# Short enough that a stalled request would get its worker killed during the test, long enough
# that a worker on a busy 2-core machine always gets to send its heartbeat in time.
WORKER_TIMEOUT = 5
# What a response must never show: a traceback, a source path, a version number.
LEAKS = re.compile(
    r"Traceback|File \"|site-packages|\.py\b|(werkzeug|python|gunicorn|flask)/\d", re.IGNORECASE
)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    server = start_production_gunicorn(GUNICORN_TIMEOUT=str(WORKER_TIMEOUT), GUNICORN_THREADS="4")
    yield server
    server.stop()


def raw_exchange(server: Server, request: bytes, pause: float = 0) -> bytes:
    """Send raw bytes (with an optional pause half-way) and read what comes back."""
    with socket.create_connection((server.host, server.port), timeout=10) as connection:
        half = len(request) // 2
        connection.sendall(request[:half])
        time.sleep(pause)
        connection.sendall(request[half:])
        return read_response(connection)


def read_response(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def test_an_oversized_body_is_refused_before_it_is_read(server):
    with socket.create_connection((server.host, server.port), timeout=10) as connection:
        # A user's fields, announced as 200 MB, then 1 KB sent: the answer must come without
        # the rest.
        connection.sendall(
            f"POST {LIST_PATH} HTTP/1.1\r\nHost: {server.host}\r\n"
            "X-Forwarded-Proto: https\r\nContent-Type: application/json\r\n"
            f"Content-Length: {200 * MAX_BODY}\r\n\r\n".encode()
            + b"{" * 1024
        )
        response = read_response(connection)
    assert response.startswith(b"HTTP/1.1 413 "), response[:200]
{%- if has_api %}
    assert b'"error":' in response
{%- endif %}
    assert server.get("/healthz").status == 200


def test_a_slow_client_holds_up_no_one_and_kills_no_worker(server):
    request = f"GET /healthz HTTP/1.1\r\nHost: {server.host}\r\nConnection: close\r\n\r\n"
    with socket.create_connection((server.host, server.port), timeout=10) as slow:
        slow.sendall(request[:20].encode())
        # Longer than the worker timeout: other requests are served meanwhile.
        deadline = time.monotonic() + WORKER_TIMEOUT + 1
        while time.monotonic() < deadline:
            assert server.get("/healthz").status == 200
            time.sleep(0.3)
        slow.sendall(request[20:].encode())
        assert read_response(slow).startswith(b"HTTP/1.1 200 ")
    assert "WORKER TIMEOUT" not in server.output()
    assert server.output().count("Booting worker") == 1


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        pytest.param(b"NOT-HTTP\r\n\r\n", 400, id="garbage-request-line"),
        pytest.param(
            b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, id="huge-url"
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n",
            431,
            id="huge-header",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-Many: 1\r\n" * 200 + b"\r\n",
            431,
            id="many-headers",
        ),
    ],
)
def test_malformed_requests_are_refused_by_gunicorn_and_the_worker_survives(
    server, request_bytes, status
):
    response = raw_exchange(server, request_bytes)
    assert response.startswith(f"HTTP/1.1 {status} ".encode()), response[:200]
    assert not LEAKS.search(response.decode("latin-1")), response
    assert server.get("/healthz").status == 200


ERROR_REQUESTS = [
    pytest.param("GET", "/nothing-here", None, 404, id="404-page"),
    pytest.param("DELETE", "/healthz", None, 405, id="405"),
    pytest.param("GET", "/readyz", None, 503, id="database-down"),
{%- if has_api %}
    pytest.param("GET", "/api/nothing-here", None, 404, id="404-api"),
    pytest.param("POST", "/api/users", b"{not json", 400, id="malformed-json"),
    pytest.param("GET", "/api/users", None, 503, id="api-database-down"),
{%- endif %}
{%- if cookiecutter.interface != "api-only" %}
    pytest.param("POST", "/users", b"username=x", 400, id="missing-csrf-token"),
    pytest.param("GET", "/users", None, 503, id="page-database-down"),
{%- endif %}
]


@pytest.mark.parametrize(("method", "path", "body", "status"), ERROR_REQUESTS)
def test_error_responses_leak_no_traceback_path_or_version(server, method, path, body, status):
    form = not path.startswith("/api/")
    content_type = "application/x-www-form-urlencoded" if form else "application/json"
    reply = server.request(method, path, body=body, headers={"Content-Type": content_type})
    assert reply.status == status, reply.text
    assert not LEAKS.search(reply.text), reply.text
    for header, value in reply.headers.items():
        assert not LEAKS.search(f"{header}: {value}"), (header, value)
    # gunicorn logs this when an exception escaped the app: its client got gunicorn's bare 500.
    assert "Error handling request" not in server.output()
