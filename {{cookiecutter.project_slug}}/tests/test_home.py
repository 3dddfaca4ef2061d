"""GET /: the API's front door."""

from __future__ import annotations

from importlib.metadata import version

from .failures import crashing_app


def test_the_front_door_names_the_service_and_links_its_parts(client, app):
    response = client.get("/")
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == app.config["PROJECT_NAME"]
    assert body["description"] == app.config["PROJECT_DESCRIPTION"]
    assert body["version"] == version("{{ cookiecutter.project_slug }}")
    assert body["links"] == {
        "openapi": "/api/openapi.json",
        "users": "/api/users",
        "health": "/healthz",
        "readiness": "/readyz",
    }


def test_every_link_answers(client):
    for link in client.get("/").get_json()["links"].values():
        assert client.get(link).status_code == 200, link


def test_errors_outside_the_api_answer_json_too(migrated_database):
    response = crashing_app().test_client().get("/test-crash")
    assert response.status_code == 500
    assert response.get_json()["error"] == "Internal Server Error"
