"""Liveness and readiness probes."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from {{ cookiecutter.package_name }} import create_app

# What a load balancer or Kubernetes is promised: an answer within this, whatever the database.
READINESS_DEADLINE = 3


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


def timed_probe(client: FlaskClient) -> tuple[TestResponse, float]:
    started = time.monotonic()
    response = client.get("/readyz")
    return response, time.monotonic() - started


def test_readyz_answers_in_time_while_the_database_does_not_and_checks_it_once(database_proxy):
    client = create_app("testing").test_client()
    assert client.get("/readyz").status_code == 200
    connections_before = database_proxy.connections_accepted

    database_proxy.blackhole()
    try:
        # Probes at once, as several load balancers send them: one check answers them all.
        with ThreadPoolExecutor(max_workers=3) as load_balancers:
            probes = list(load_balancers.map(lambda _: timed_probe(client), range(3)))
        for response, seconds in probes:
            assert response.status_code == 503
            assert response.get_json() == {"status": "unavailable", "error": "database unavailable"}
            assert seconds < READINESS_DEADLINE, f"/readyz took {seconds:.1f}s"
        assert database_proxy.connections_accepted == connections_before + 1
    finally:
        database_proxy.forward()

    deadline = time.monotonic() + 5
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "/readyz did not recover"
        time.sleep(0.1)


def test_healthz_never_touches_the_database(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:9/test")
    assert create_app("testing").test_client().get("/healthz").status_code == 200
