"""How the end-to-end tests use the service, as its clients do: through the JSON API."""

from __future__ import annotations

import json
from collections.abc import Callable

from ..servers import Reply, Server

LIST_PATH = "/api/users"
CREATED = 201

# Sends a user's fields to the instance it is given.
Client = Callable[[Server, dict[str, str]], Reply]


def new_client(first: Server) -> Client:
    """A client of the JSON API, which needs no session (a browser would begin one on `first`)."""

    def write(server: Server, fields: dict[str, str]) -> Reply:
        return server.post_json(LIST_PATH, fields)

    return write


def write_request(first: Server, fields: dict[str, str]) -> tuple[dict[str, str], bytes]:
    """The headers and body of a POST to LIST_PATH creating a user, for a test to send by hand."""
    return {"Content-Type": "application/json"}, json.dumps(fields).encode()


def listed_usernames(server: Server) -> set[str]:
    return {user["username"] for user in server.get(LIST_PATH).json()["items"]}


def assert_unavailable(reply: Reply) -> None:
    """A clean refusal: 503 with Retry-After, in JSON."""
    assert reply.status == 503, (reply.status, reply.text)
    assert reply.headers["Retry-After"]
    assert "Traceback" not in reply.text
    assert reply.json()["error"] == "Service Unavailable"
