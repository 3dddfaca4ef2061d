"""The security-header grade, applied to what production gunicorn really sends.

tests/test_security.py grades responses from Flask's test client; gunicorn adds headers of its
own on the way out (its `Server` banner, unless gunicorn.conf.py drops it). These responses
come over a socket from `gunicorn wsgi:app` with production settings, behind a pretend
TLS-terminating proxy, pointed at a database that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response

from ..servers import Reply, Server, start_production_gunicorn
from ..test_security import header_findings

pytestmark = pytest.mark.e2e

# Each path with the status it answers without a database.
ANSWERS = {
{%- if cookiecutter.interface != "api-only" %}
    "/": 200,
{%- endif %}
    "/healthz": 200,
    "/readyz": 503,
    "/no-such-page": 404,
{%- if cookiecutter.interface != "web-only" %}
    "/api/openapi.json": 200,
    "/api/no-such-thing": 404,
{%- endif %}
}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    server = start_production_gunicorn()
    yield server
    server.stop()


def as_response(reply: Reply) -> Response:
    """The reply in the shape header_findings reads, repeated headers (Set-Cookie) kept."""
    return Response(reply.body, reply.status, Headers(list(reply.headers.items())))


@pytest.mark.parametrize(("path", "status"), ANSWERS.items())
def test_production_responses_pass_the_security_header_grade(server, path, status):
    reply = server.get(path)
    assert reply.status == status, reply.text
    assert header_findings(as_response(reply)) == []


@pytest.mark.parametrize("path", ANSWERS)
def test_production_responses_do_not_name_the_server(server, path):
    reply = server.get(path)
    assert "Server" not in reply.headers, reply.headers["Server"]
    # gunicorn's other own headers are still there: only the banner was dropped.
    assert reply.headers["Date"]
    assert reply.headers["Connection"] in ("keep-alive", "close")
