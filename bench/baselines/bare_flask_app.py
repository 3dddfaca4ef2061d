"""Baseline (b): the baked app's reads written with Flask and psycopg2 alone.

The same queries and the same JSON as the baked app's /api/users, /api/users/<id> and
/users, and nothing else: no security headers, request ids, access log, CSRF, schemas,
ORM or pool pre-ping. The gap between this and the baked app is the price of all that.
DATABASE_URL is a libpq URL (postgresql://...).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, abort, request
from psycopg2.extensions import connection as Connection
from psycopg2.pool import ThreadedConnectionPool

PER_PAGE = 20
MAX_PER_PAGE = 100
# The baked app's pool: DB_POOL_SIZE = 5 connections kept, DB_MAX_OVERFLOW = 5 more
# while busy. psycopg2's pool keeps `minconn` and closes the rest when they come back,
# so minconn must not be 1: every request past the first would connect anew.
POOL_KEPT = 5
POOL_MAX = 10

COLUMNS = "SELECT id, username, email, created_at FROM users"
PAGE_OLDEST_FIRST = f"{COLUMNS} ORDER BY id LIMIT %s OFFSET %s"
PAGE_NEWEST_FIRST = f"{COLUMNS} ORDER BY id DESC LIMIT %s OFFSET %s"
COUNT = "SELECT count(*) FROM users"
ONE_USER = f"{COLUMNS} WHERE id = %s"

USERS_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Users</title></head>
<body>
<h1>Users</h1>
<table>
<thead><tr><th>Id</th><th>Username</th><th>Email</th><th>Created (UTC)</th></tr></thead>
<tbody>
{% for user in items %}<tr><td>{{ user.id }}</td><td>{{ user.username }}</td>
<td>{{ user.email }}</td><td><time datetime="{{ user.created_at }}">
{{ user.created_at[:16] }}</time></td></tr>
{% endfor %}</tbody>
</table>
<nav><span>Page {{ page }} of {{ pages }}</span></nav>
</body>
</html>
"""

app = Flask(__name__)
# Compiled once: render_template_string would compile it again on every request.
users_template = app.jinja_env.from_string(USERS_PAGE)

_pool: ThreadedConnectionPool | None = None
_pool_pid = 0
_pool_lock = threading.Lock()


def pool() -> ThreadedConnectionPool:
    """This process's pool, made on first use: gunicorn --preload forks after import,
    and connections opened before the fork would be shared by every worker."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadedConnectionPool(
                POOL_KEPT, POOL_MAX, os.environ["DATABASE_URL"]
            )
            _pool_pid = os.getpid()
        return _pool


@contextmanager
def connection() -> Iterator[Connection]:
    # putconn() rolls back the transaction psycopg2 opened for the queries.
    conn = pool().getconn()
    try:
        yield conn
    finally:
        pool().putconn(conn)


def as_json(row: tuple[int, str, str, datetime]) -> dict[str, Any]:
    user_id, username, email, created_at = row
    return {
        "id": user_id,
        "username": username,
        "email": email,
        "created_at": created_at.astimezone(UTC).isoformat(),
    }


def users_page(page: int, per_page: int, newest_first: bool = False) -> dict[str, Any]:
    query = PAGE_NEWEST_FIRST if newest_first else PAGE_OLDEST_FIRST
    with connection() as conn, conn.cursor() as cursor:
        cursor.execute(query, (per_page, (page - 1) * per_page))
        items = [as_json(row) for row in cursor.fetchall()]
        cursor.execute(COUNT)
        (total,) = cursor.fetchone()
    pages = -(-total // per_page)
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
    }


def page_argument() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


@app.get("/api/users")
def list_users() -> dict[str, Any]:
    per_page = request.args.get("per_page", PER_PAGE, type=int)
    if not 1 <= per_page <= MAX_PER_PAGE:
        abort(422)
    return users_page(page_argument(), per_page)


@app.get("/api/users/<int:user_id>")
def get_user(user_id: int) -> dict[str, Any]:
    with connection() as conn, conn.cursor() as cursor:
        cursor.execute(ONE_USER, (user_id,))
        row = cursor.fetchone()
    if row is None:
        abort(404)
    return as_json(row)


@app.get("/users")
def users() -> str:
    return users_template.render(
        users_page(page_argument(), PER_PAGE, newest_first=True)
    )


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
