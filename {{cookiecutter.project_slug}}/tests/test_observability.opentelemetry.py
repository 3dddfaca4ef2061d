"""OpenTelemetry: silent without configuration, and really delivering data when configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from {{ cookiecutter.package_name }} import create_app

from .collector import Collector, serving_collector


@pytest.fixture
def collector() -> Iterator[Collector]:
    with serving_collector() as server:
        yield server


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
