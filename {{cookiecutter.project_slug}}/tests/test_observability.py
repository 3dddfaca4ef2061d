"""Sentry: silent without configuration, and really delivering data when configured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sentry_sdk
from flask import Flask

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError

from .collector import Collector, serving_collector


@pytest.fixture
def collector() -> Iterator[Collector]:
    with serving_collector() as server:
        yield server


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
