{%- set json_errors = cookiecutter.interface != "web-only" %}
{%- set html_errors = cookiecutter.interface != "api-only" %}
{%- set error_bodies = {
    "web-and-api": "JSON under /api, an HTML page elsewhere",
    "api-only": "JSON, whatever the path",
    "web-only": "an HTML page",
}[cookiecutter.interface] %}
{%- set flask_imports = ["Flask", "Response", "current_app"]
    + (["jsonify"] if json_errors else [])
    + (["render_template"] if html_errors else [])
    + ["request"] -%}
"""Every error response: {{ error_bodies }}, never a traceback."""

from __future__ import annotations
{%- if json_errors %}

from typing import Any
{%- endif %}

from flask import {{ flask_imports | join(", ") }}
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .database import reset_session
from .database_deadlines import DeadlineExceeded

RETRY_AFTER_SECONDS = 5
# Why the database could not serve a request, in words that carry no secret (no URL, no
# password, no user name): by the SQLSTATE the server sent...
REASONS_BY_SQLSTATE = {
    "57014": "statement timeout",
    "55P03": "lock timeout",
    "25P03": "idle-in-transaction timeout",
    "53300": "too many connections",
    "57P01": "server shutting down",
    "57P03": "server starting up",
}
# ... or, for a connection that never got that far, by libpq's message.
REASONS_BY_MESSAGE = {
    "Connection refused": "refused",
    "could not translate host name": "unknown host",
    "timeout expired": "timed out",
    "No route to host": "no route to host",
    "password authentication failed": "authentication failed",
    "does not exist": "no such database or user",
    "server closed the connection": "connection lost",
    "connection already closed": "connection lost",
}
# Reasons that mean the server is not there for this app, or not as configured: in
# development, the log line says what to do.
UNREACHABLE = {"refused", "unknown host", "timed out", "no route to host", "connection lost"}
MISCONFIGURED = {"authentication failed", "no such database or user"}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    # The database is down or every pooled connection is busy: a temporary condition, so a
    # 503 with Retry-After rather than a 500.
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(PoolTimeoutError, handle_database_unavailable)
{%- if cookiecutter.interface == "web-and-api" %}


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")
{%- endif %}


def handle_http_error(error: HTTPException) -> tuple[Response, int]:
    code = error.code or 500
    if isinstance(error, InternalServerError):
        # The session may hold a failed transaction: whatever still runs in this request
        # (after_request hooks, the error page) must not inherit it.
        reset_session()
        current_app.logger.error(
            "unhandled exception on %s %s",
            request.method,
            request.path,
            exc_info=error.original_exception,
        )
    headers = {key: value for key, value in error.get_headers() if key.lower() != "content-type"}
{%- if cookiecutter.interface == "web-and-api" %}
    if wants_json():
        return json_error(error, code, headers)
    return html_error(error, code, headers)
{%- elif json_errors %}
    return json_error(error, code, headers)
{%- else %}
    return html_error(error, code, headers)
{%- endif %}
{%- if json_errors %}


def json_error(error: HTTPException, code: int, headers: dict[str, str]) -> tuple[Response, int]:
    body: dict[str, Any] = {"error": error.name, "message": error.description}
    # Field-by-field reasons from request validation (flask-smorest puts them here).
    details = getattr(error, "data", {}).get("messages")
    if details:
        body["details"] = details
    response = jsonify(body)
    response.headers.update(headers)
    return response, code
{%- endif %}
{%- if html_errors %}


def html_error(error: HTTPException, code: int, headers: dict[str, str]) -> tuple[Response, int]:
    page = render_template("errors/error.html", error=error)
    return Response(page, headers=headers, mimetype="text/html"), code
{%- endif %}


def database_error_reason(error: Exception) -> str | None:
    if isinstance(error, PoolTimeoutError):
        return "no free pooled connection"
    cause = getattr(error, "orig", None)
    if isinstance(cause, DeadlineExceeded):
        return "timed out"
    sqlstate = getattr(cause, "pgcode", None)
    if sqlstate in REASONS_BY_SQLSTATE:
        return REASONS_BY_SQLSTATE[sqlstate]
    message = str(cause)
    return next((reason for text, reason in REASONS_BY_MESSAGE.items() if text in message), None)


def describe_database_error(error: Exception) -> str:
    """A log line's worth on why the database failed (never its URL or password), and in
    development what to do when it is not there."""
    reason = database_error_reason(error)
    description = f"{reason} ({type(error).__name__})" if reason else type(error).__name__
    if current_app.config["ENV_NAME"] != "development":
        return description
    variable = current_app.config["DATABASE_URL_VARIABLE"]
    if reason is None or reason in UNREACHABLE:
        description += (
            "; is PostgreSQL running? `flask local-db start` starts this project's own, "
            f"or check {variable}"
        )
    elif reason in MISCONFIGURED:
        description += f"; check the user, password and database name in {variable}"
    return description


def handle_database_unavailable(error: Exception) -> tuple[Response, int]:
    reset_session()
    current_app.logger.warning("database unavailable: %s", describe_database_error(error))
    unavailable = ServiceUnavailable(
        "The database is not reachable right now. Please try again shortly.",
        retry_after=RETRY_AFTER_SECONDS,
    )
    return handle_http_error(unavailable)
