"""How the end-to-end tests use the service, as its clients do: through the pages, as a
browser would."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..servers import Reply, Server
from .forms import form_post, form_session, post_form

LIST_PATH = "/users"
CREATED = 303

# Sends a user's fields to the instance it is given.
Client = Callable[[Server, dict[str, str]], Reply]


def new_client(first: Server) -> Client:
    """A browser whose session (cookie and CSRF token) begins on `first`, while it answers: it
    posts the users form to any instance."""
    cookie, token = form_session(first)

    def write(server: Server, fields: dict[str, str]) -> Reply:
        return post_form(server, cookie, {**fields, "csrf_token": token})

    return write


def write_request(first: Server, fields: dict[str, str]) -> tuple[dict[str, str], bytes]:
    """The headers and body of a POST to LIST_PATH creating a user, for a test to send by hand:
    a form with the session cookie and CSRF token a browser would have."""
    cookie, token = form_session(first)
    return form_post(first, cookie, {**fields, "csrf_token": token})


def listed_usernames(server: Server) -> set[str]:
    """The second column of the users page's table."""
    return set(re.findall(r"<td>\d+</td>\s*<td>([^<]+)</td>", server.get(LIST_PATH).text))


def assert_unavailable(reply: Reply) -> None:
    """A clean refusal: 503 with Retry-After, as a page."""
    assert reply.status == 503, (reply.status, reply.text)
    assert reply.headers["Retry-After"]
    assert "Traceback" not in reply.text
    assert reply.headers.get_content_type() == "text/html"
