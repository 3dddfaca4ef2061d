"""How the end-to-end tests use the service, as its clients do: through the pages, as a
browser would."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from ..conftest import csrf_token_in
from ..servers import Reply, Server

LIST_PATH = "/users"
CREATED = 303


def user_creator(server: Server) -> Callable[[str], Reply]:
    """Creates a user through the HTML form, as a browser would: session cookie, CSRF token.

    The token is fetched now, while the database answers; it stays valid for the session.
    """
    page = server.get("/users")
    assert page.status == 200, page.text
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = csrf_token_in(page.text)

    def create(username: str) -> Reply:
        form = {
            "csrf_token": token,
            "username": username,
            "email": f"{username}@example.com",
        }
        return server.request(
            "POST",
            "/users",
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                # Flask-WTF checks that an HTTPS form was posted from this site.
                "Referer": f"https://{server.host}:{server.port}/users",
            },
        )

    return create


def assert_unavailable(reply: Reply) -> None:
    """A clean refusal: 503 with Retry-After, in the format the client speaks."""
    assert reply.status == 503, (reply.status, reply.text)
    assert reply.headers["Retry-After"]
    assert "Traceback" not in reply.text
    assert reply.headers.get_content_type() == "text/html"
