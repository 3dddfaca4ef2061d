"""The HTML users page and its CSRF-protected create form."""

from __future__ import annotations

import pytest
from markupsafe import escape

from ..conftest import user_count
from .forms import csrf_token_in


def csrf_token(client) -> str:
    """The token of the form on /users, for the client's session."""
    return csrf_token_in(client.get("/users").get_data(as_text=True))


# The test client speaks HTTPS, where Flask-WTF also checks that the form was posted from
# this site; browsers send this Referer for a same-origin form.
SAME_ORIGIN = {"Referer": "https://localhost/users"}


def submit(client, username="alice", email="alice@example.com", token=None, headers=SAME_ORIGIN):
    data = {"username": username, "email": email, "csrf_token": token or csrf_token(client)}
    return client.post("/users", data=data, headers=headers)


def test_home_page_links_to_users(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/users"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("path", "status"), [("/", 200), ("/users", 200), ("/nothing", 404)])
def test_every_page_describes_the_service(client, app, path, status):
    response = client.get(path)
    assert response.status_code == status
    description = escape(app.config["PROJECT_DESCRIPTION"])
    assert f'<meta name="description" content="{description}">' in response.get_data(as_text=True)


def test_users_page_lists_users_newest_first(client):
    for name in ("first", "second"):
        assert submit(client, name, f"{name}@example.com").status_code == 303
    page = client.get("/users").get_data(as_text=True)
    assert page.index("second@example.com") < page.index("first@example.com")


def test_create_user_redirects_and_shows_the_new_user(client, app):
    response = submit(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/users")
    page = client.get("/users").get_data(as_text=True)
    assert "Created user alice." in page
    assert "alice@example.com" in page
    assert user_count(app) == 1


def test_form_without_csrf_token_is_refused_with_an_html_400(client, app):
    data = {"username": "alice", "email": "alice@example.com"}
    response = client.post("/users", data=data, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "CSRF" in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_form_with_a_forged_csrf_token_is_refused(client, app):
    csrf_token(client)
    response = submit(client, token="forged-token")  # noqa: S106 - not a secret
    assert response.status_code == 400
    assert user_count(app) == 0


def test_form_posted_from_another_site_is_refused(client, app):
    response = submit(client, headers={"Referer": "https://evil.example.net/form"})
    assert response.status_code == 400
    assert "referrer does not match" in response.get_data(as_text=True)
    assert user_count(app) == 0


@pytest.mark.parametrize(
    ("username", "email", "message"),
    [
        ("", "alice@example.com", "This field is required."),
        ("alice", "not-an-email", "Not a valid email address."),
        ("x" * 81, "alice@example.com", "Field cannot be longer than 80 characters."),
        ("nul\x00", "alice@example.com", "Must not contain control characters."),
    ],
)
def test_invalid_form_is_shown_again_with_the_error(client, app, username, email, message):
    response = submit(client, username, email)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_duplicate_from_the_form_is_a_409_with_the_field_error(client, app):
    submit(client)
    response = submit(client, "alice", "another@example.com")
    assert response.status_code == 409
    assert "A user with this username already exists." in response.get_data(as_text=True)
    assert user_count(app) == 1


def test_usernames_are_escaped_not_executed(client):
    submit(client, "<script>alert(1)</script>", "xss@example.com")
    page = client.get("/users").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("page", ["0", "-1", "1000001"])
def test_out_of_range_page_is_an_html_404(client, page):
    response = client.get(f"/users?page={page}")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)


def test_oversized_form_is_an_html_413(client, app):
    response = client.post("/users", data={"username": "x" * app.config["MAX_CONTENT_LENGTH"]})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
