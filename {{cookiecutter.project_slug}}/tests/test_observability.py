{%- set sentry = cookiecutter.observability == "sentry" %}
{%- set service = "Sentry" if sentry else "OpenTelemetry" %}
{%- set endpoint = "Sentry" if sentry else "OTLP collector" -%}
"""{{ service }}: silent without configuration, and really delivering data when configured."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
{%- if sentry %}
import sentry_sdk
{%- endif %}
from flask import Flask

from {{ cookiecutter.package_name }} import create_app
{%- if sentry %}
from {{ cookiecutter.package_name }}.config import ConfigError
{%- endif %}


class Collector(ThreadingHTTPServer):
    """A local stand-in for the {{ endpoint }} endpoint: it records what it is sent."""

    received: list[tuple[str, bytes]]


class RecordingHandler(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def collector() -> Iterator[Collector]:
    server = Collector(("127.0.0.1", 0), RecordingHandler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
{%- if sentry %}


@pytest.fixture(autouse=True)
def sentry_off_afterwards() -> Iterator[None]:
    yield
    # The Sentry client is process-wide: leave it off for the tests that follow.
    sentry_sdk.init()


def test_without_a_dsn_nothing_is_sent(app):
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.parametrize("rate", ["2", "-0.1", "half"])
def test_a_sample_rate_outside_0_to_1_is_refused(migrated_database, monkeypatch, rate):
    monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", rate)
    with pytest.raises(ConfigError, match="SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1"):
        create_app("testing")


def test_errors_reach_sentry_with_the_request_id(migrated_database, monkeypatch, collector):
    port = collector.server_address[1]
    monkeypatch.setenv("SENTRY_DSN", f"http://public@127.0.0.1:{port}/1")
    app: Flask = create_app("testing")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-crash")
    def crash() -> str:
        raise RuntimeError("reported to Sentry")

    response = app.test_client().get("/test-crash")
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    envelopes = [body for path, body in collector.received if path.endswith("/envelope/")]
    assert any(b"reported to Sentry" in body for body in envelopes), collector.received
    assert any(response.headers["X-Request-ID"].encode() in body for body in envelopes)
{%- else %}


def test_without_an_endpoint_nothing_is_exported(app):
    assert "opentelemetry" not in app.extensions


def test_requests_are_exported_as_spans_with_the_request_id(
    migrated_database, monkeypatch, collector
):
    endpoint = f"http://127.0.0.1:{collector.server_address[1]}"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
    app: Flask = create_app("testing")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert app.extensions["opentelemetry"].force_flush(timeout_millis=5000)
    spans = [body for path, body in collector.received if path == "/v1/traces"]
    assert spans, collector.received
    assert any(response.headers["X-Request-ID"].encode() in body for body in spans)
    app.extensions["opentelemetry"].shutdown()
{%- endif %}
