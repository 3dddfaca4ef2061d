"""/api/users: the JSON contract, its validation and its errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

{% if cookiecutter.use_celery -%}
from {{ cookiecutter.package_name }} import create_app
{% endif -%}
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User

from ..conftest import user_count
{%- if cookiecutter.use_celery %}
from ..servers import UNREACHABLE_REDIS
{%- endif %}


def create(client, username="alice", email="alice@example.com"):
    return client.post("/api/users", json={"username": username, "email": email})


def test_create_user_returns_201_with_the_stored_user(client, app):
    response = create(client, "alice", " Alice@Example.COM ")
    assert response.status_code == 201
    body = response.get_json()
    assert body["username"] == "alice"
    assert body["email"] == "alice@example.com"
    created_at = datetime.fromisoformat(body["created_at"])
    assert created_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - created_at).total_seconds()) < 60
    with app.app_context():
        stored = db.session.get(User, body["id"])
        assert (stored.username, stored.email) == ("alice", "alice@example.com")


def test_get_user_by_id(client):
    created = create(client).get_json()
    response = client.get(f"/api/users/{created['id']}")
    assert response.status_code == 200
    # The read path (plain rows) and the write path (the ORM object) give the same JSON.
    assert response.get_json() == created
    assert created["username"] == "alice"


@pytest.mark.parametrize("user_id", ["999", "2147483648", "99999999999999999999"])
def test_unknown_user_is_a_json_404(client, user_id):
    response = client.get(f"/api/users/{user_id}")
    assert response.status_code == 404
    assert response.is_json
    assert "error" in response.get_json()


def test_list_users_pages_oldest_first(client):
    for number in range(5):
        create(client, f"user{number}", f"user{number}@example.com")
    response = client.get("/api/users?page=2&per_page=2")
    assert response.status_code == 200
    body = response.get_json()
    assert [user["username"] for user in body["items"]] == ["user2", "user3"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 2, 5, 3)


def test_list_defaults_to_the_first_page_of_twenty(client):
    body = client.get("/api/users").get_json()
    assert body == {"items": [], "page": 1, "per_page": 20, "total": 0, "pages": 0}


@pytest.mark.parametrize("query", ["page=1&per_page=1", "per_page=100", "page=1000000"])
def test_pagination_limits_are_inclusive(client, query):
    assert client.get(f"/api/users?{query}").status_code == 200


def test_a_page_past_the_end_is_empty(client):
    create(client)
    body = client.get("/api/users?page=50").get_json()
    assert body["items"] == []
    assert body["total"] == 1


@pytest.mark.parametrize(
    "query",
    ["per_page=101", "per_page=0", "page=0", "page=-1", "page=abc", "page=99999999999"],
)
def test_out_of_bounds_pagination_is_a_422(client, query):
    response = client.get(f"/api/users?{query}")
    assert response.status_code == 422
    assert response.get_json()["details"]["query"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "a@example.com"}, "username"),
        ({"username": "alice"}, "email"),
        ({"username": "", "email": "a@example.com"}, "username"),
        ({"username": "   ", "email": "a@example.com"}, "username"),
        ({"username": "x" * 81, "email": "a@example.com"}, "username"),
        ({"username": "nul\x00byte", "email": "a@example.com"}, "username"),
        ({"username": "line\nbreak", "email": "a@example.com"}, "username"),
        ({"username": 42, "email": "a@example.com"}, "username"),
        ({"username": ["alice"], "email": "a@example.com"}, "username"),
        ({"username": "alice", "email": "not-an-email"}, "email"),
        ({"username": "alice", "email": "a" * 250 + "@example.com"}, "email"),
        ({"username": "alice", "email": "a@example.com", "admin": True}, "admin"),
    ],
)
def test_invalid_user_is_a_422_naming_the_field(client, payload, field):
    response = client.post("/api/users", json=payload)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "Unprocessable Entity"
    assert field in body["details"]["json"]


@pytest.mark.parametrize(
    "username",
    ["Robert'); DROP TABLE users;--", "<script>alert(1)</script>", "Zoë 🚀 用户", "a" * 80],
)
def test_unusual_but_valid_usernames_are_stored_verbatim(client, username):
    response = create(client, username, "odd@example.com")
    assert response.status_code == 201
    assert client.get(f"/api/users/{response.get_json()['id']}").get_json()["username"] == username


def test_malformed_json_is_a_400(client):
    response = client.post("/api/users", data='{"username": ', content_type="application/json")
    assert response.status_code == 400
    assert response.is_json
    assert "error" in response.get_json()


@pytest.mark.parametrize("body", ["[]", '"alice"', "null", "42"])
def test_json_that_is_not_an_object_is_refused(client, body):
    response = client.post("/api/users", data=body, content_type="application/json")
    assert response.status_code in {400, 422}
    assert "error" in response.get_json()


def test_form_encoded_body_is_refused(client):
    response = client.post("/api/users", data={"username": "alice", "email": "a@example.com"})
    assert response.status_code == 422
    assert "error" in response.get_json()


@pytest.mark.parametrize(
    ("second", "field"),
    [
        ({"username": "alice", "email": "other@example.com"}, "username"),
        ({"username": "bob", "email": "ALICE@example.com"}, "email"),
    ],
)
def test_duplicate_user_is_a_409_and_nothing_is_lost(client, app, second, field):
    create(client)
    response = client.post("/api/users", json=second)
    assert response.status_code == 409
    assert field in response.get_json()["message"]
    assert user_count(app) == 1


def test_oversized_body_is_a_json_413(client, app):
    padding = "x" * app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/api/users", json={"username": padding, "email": "a@example.com"})
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_wrong_method_is_a_json_405_with_allow(client):
    response = client.delete("/api/users")
    assert response.status_code == 405
    assert "error" in response.get_json()
    assert "POST" in response.headers["Allow"]


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Not Found"


{% if cookiecutter.interface == "web-and-api" -%}
def test_the_api_is_exempt_from_the_csrf_check_that_guards_the_forms(client, app):
    # The same app refuses a form posted without a token...
    form = {"username": "mallory", "email": "mallory@example.com"}
    refused = client.post("/users", data=form, headers={"Referer": "https://localhost/users"})
    assert refused.status_code == 400
    assert "CSRF token is missing" in refused.get_data(as_text=True)
    # ...while the API takes JSON without one: a cross-site form cannot send application/json.
    assert create(client).status_code == 201
    assert user_count(app) == 1


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "username=mallory&email=mallory%40example.com"),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data\r\n\r\n--x--"),
        ("text/plain", '{"username": "mallory", "email": "mallory@example.com"}'),
    ],
    ids=["urlencoded", "multipart", "text-plain"],
)
def test_the_api_refuses_every_body_a_cross_site_form_can_send(client, app, content_type, body):
    response = client.post("/api/users", data=body, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert user_count(app) == 0


{% endif -%}
def count_queries(app, path: str, client) -> int:
    statements: list[str] = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_listing_costs_the_same_queries_whatever_the_page_or_table_size(client, app):
    create(client)
    one_user = count_queries(app, "/api/users?per_page=100", client)
    for number in range(30):
        create(client, f"user{number}", f"user{number}@example.com")
    assert count_queries(app, "/api/users?per_page=1", client) == one_user
    assert count_queries(app, "/api/users?per_page=100", client) == one_user <= 2


def test_openapi_document_describes_the_users_api(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/users", "/api/users/{user_id}"} <= set(spec["paths"])
    assert {"get", "post"} <= set(spec["paths"]["/api/users"])
{%- if cookiecutter.use_celery %}
    assert "202" in spec["paths"]["/api/users/imports"]["post"]["responses"]
{%- endif %}
{%- if cookiecutter.use_celery %}


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
{%- endif %}
