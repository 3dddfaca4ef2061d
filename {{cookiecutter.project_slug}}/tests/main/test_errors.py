"""Errors on the pages answer HTML."""

from __future__ import annotations

from {{ cookiecutter.package_name }} import create_app

from ..failures import REFUSING_DATABASE, crashing_app


def test_a_500_is_a_page(migrated_database):
    response = crashing_app().test_client().get("/test-crash")
    assert response.status_code == 500
    assert response.mimetype == "text/html"


def test_a_database_outage_is_a_503_page_to_retry(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", REFUSING_DATABASE)
    response = create_app("testing").test_client().get("/users")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "5"


def test_an_untrusted_host_is_a_400_page(production_env):
    response = create_app().test_client().get("/", base_url="https://evil.example.net")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
