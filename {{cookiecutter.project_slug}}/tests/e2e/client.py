"""How the end-to-end tests use the service, as its clients do: through the JSON API."""

from __future__ import annotations

from collections.abc import Callable

from ..servers import Reply, Server

LIST_PATH = "/api/users"
CREATED = 201


def user_creator(server: Server) -> Callable[[str], Reply]:
    """Creates a user through the JSON API."""

    def create(username: str) -> Reply:
        return server.post_json(
            "/api/users", {"username": username, "email": f"{username}@example.com"}
        )

    return create


def assert_unavailable(reply: Reply) -> None:
    """A clean refusal: 503 with Retry-After, in the format the client speaks."""
    assert reply.status == 503, (reply.status, reply.text)
    assert reply.headers["Retry-After"]
    assert "Traceback" not in reply.text
    assert reply.json()["error"] == "Service Unavailable"
