"""Static files are served, and stay cacheable: the no-store every other response carries
would make browsers fetch them again on every page."""

from __future__ import annotations

from {{ cookiecutter.package_name }} import create_app


def test_static_files_stay_cacheable(production_env):
    client = create_app().test_client()
    with client.get("/static/css/app.css", base_url="https://example.com") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers["Cache-Control"]
