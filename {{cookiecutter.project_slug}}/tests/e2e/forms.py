"""The users form, posted as a browser posts it: with the session cookie and its CSRF token."""

from __future__ import annotations

from urllib.parse import urlencode

from ..main.forms import csrf_token_in
from ..servers import Reply, Server


def form_session(server: Server) -> tuple[str, str]:
    """The session cookie GET /users sets, and the CSRF token its form holds for that session."""
    page = server.get("/users")
    assert page.status == 200, page.text
    return page.headers["Set-Cookie"].split(";", 1)[0], csrf_token_in(page.text)


def form_post(server: Server, cookie: str, fields: dict[str, str]) -> tuple[dict[str, str], bytes]:
    """The headers and body of the users form's POST."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
        # Flask-WTF checks that an HTTPS form was posted from this site.
        "Referer": f"https://{server.host}:{server.port}/users",
    }
    return headers, urlencode(fields).encode()


def post_form(server: Server, cookie: str, fields: dict[str, str]) -> Reply:
    headers, body = form_post(server, cookie, fields)
    return server.request("POST", "/users", body=body, headers=headers)
