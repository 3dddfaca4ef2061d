"""/api/users/imports: a batch of users, accepted at once and created by a Celery task."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from ..conftest import user_count
from ..servers import UNREACHABLE_REDIS
from .test_users import create


def test_the_openapi_document_describes_imports(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "202" in spec["paths"]["/api/users/imports"]["post"]["responses"]


def test_an_import_is_accepted_and_creates_the_valid_new_users(client, app):
    # Without REDIS_URL the task runs inline; tests/e2e/test_tasks_across_instances.py runs it
    # on a real worker through Redis.
    create(client, "taken", "taken@example.com")
    users = [
        {"username": "ada", "email": "ada@example.com"},
        {"username": "taken", "email": "other@example.com"},
    ]
    response = client.post("/api/users/imports", json={"users": users})
    assert response.status_code == 202
    assert response.get_json()["task_id"]
    with app.app_context():
        assert set(db.session.scalars(sa.select(User.username))) == {"taken", "ada"}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"users": []}, id="empty"),
        pytest.param({"users": [{"username": "ada", "email": "nope"}]}, id="invalid-row"),
        pytest.param(
            {"users": [{"username": f"u{n}", "email": f"u{n}@x.org"} for n in range(1001)]},
            id="too-many",
        ),
        pytest.param({}, id="missing"),
    ],
)
def test_an_invalid_import_is_refused_whole(client, app, body):
    response = client.post("/api/users/imports", json=body)
    assert response.status_code == 422
    assert "error" in response.get_json()
    assert user_count(app) == 0


def test_an_import_while_the_queue_is_unreachable_is_a_503(migrated_database, monkeypatch):
    monkeypatch.setenv("REDIS_URL", UNREACHABLE_REDIS)
    client = create_app("testing").test_client()
    users = [{"username": "ada", "email": "ada@example.com"}]
    response = client.post("/api/users/imports", json={"users": users})
    assert response.status_code == 503
    assert response.get_json()["error"]
