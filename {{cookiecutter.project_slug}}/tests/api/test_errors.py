"""Errors under /api answer JSON."""

from __future__ import annotations

from {{ cookiecutter.package_name }} import create_app

from ..failures import REFUSING_DATABASE, crashing_app


def test_a_500_is_json_with_an_error_key(migrated_database):
    response = crashing_app().test_client().get("/api/test-crash")
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == "Internal Server Error"


def test_a_database_outage_is_a_json_503_to_retry(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", REFUSING_DATABASE)
    response = create_app("testing").test_client().get("/api/users")
    assert response.status_code == 503
    assert response.get_json()["error"] == "Service Unavailable"
    assert response.headers["Retry-After"] == "5"


def test_an_untrusted_host_is_a_json_400(production_env):
    response = create_app().test_client().get("/api/users", base_url="https://evil.example.net")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
