"""Liveness and readiness probes."""

from __future__ import annotations

import time

from {{ cookiecutter.package_name }} import create_app


def test_healthz_is_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_a_json_503_quickly_when_the_database_is_down(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:9/test")
    client = create_app("testing").test_client()
    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert elapsed < 5, f"/readyz took {elapsed:.1f}s to report the outage"


def test_healthz_never_touches_the_database(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:9/test")
    assert create_app("testing").test_client().get("/healthz").status_code == 200
