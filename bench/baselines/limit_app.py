"""Baseline (a), the machine's limit: a bare WSGI callable that answers fixed bytes.

No framework and no database, so whatever it serves is what gunicorn, the kernel's
loopback and wrk can do on this machine. The bodies are built once, at import, with the
shape and size of the baked app's answers, so the limit is measured for similar bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

PER_PAGE = 20
SEEDED_USERS = 10_000
# What /healthz answers in every target.
HEALTH = {"status": "ok"}

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def fake_user(user_id: int) -> dict[str, Any]:
    """A row shaped like the benchmark's seed data (bench/baked_venv_tasks.py)."""
    return {
        "id": user_id,
        "username": f"user{user_id}",
        "email": f"user{user_id}@example.com",
        "created_at": "2024-01-01T00:00:00+00:00",
    }


def users_json() -> bytes:
    items = [fake_user(user_id) for user_id in range(1, PER_PAGE + 1)]
    page = {"items": items, "page": 1, "per_page": PER_PAGE, "total": SEEDED_USERS}
    page["pages"] = SEEDED_USERS // PER_PAGE
    return json.dumps(page).encode()


def users_html() -> bytes:
    rows = "".join(
        f"<tr><td>{user['id']}</td><td>{user['username']}</td><td>{user['email']}</td>"
        f"<td>{user['created_at']}</td></tr>"
        for user in map(fake_user, range(SEEDED_USERS, SEEDED_USERS - PER_PAGE, -1))
    )
    head = "<head><meta charset='utf-8'><title>Users</title></head>"
    body = f"<body><h1>Users</h1><table>{rows}</table></body>"
    return f"<!doctype html><html lang='en'>{head}{body}</html>".encode()


JSON = "application/json"
LIST_BODY = (JSON, users_json())
USER_BODY = (JSON, json.dumps(fake_user(4242)).encode())
HTML_BODY = ("text/html; charset=utf-8", users_html())
HEALTH_BODY = (JSON, json.dumps(HEALTH).encode())


def body_for(path: str) -> tuple[str, bytes]:
    if path == "/users":
        return HTML_BODY
    if path == "/api/users":
        return LIST_BODY
    if path.startswith("/api/users/"):
        return USER_BODY
    return HEALTH_BODY


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    content_type, body = body_for(environ.get("PATH_INFO", "/"))
    start_response(
        "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    )
    return [body]
