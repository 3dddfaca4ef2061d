"""Request ids and log formatting, shared by the app and gunicorn (see gunicorn.conf.py).

Each request gets an id, taken from a well-formed incoming X-Request-ID (so a proxy's id
follows the request through) or made up here, and every response returns it. Log records
carry it as `request_id`; gunicorn's access log reads it from the response header.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# Anything else (too long, spaces, control characters) could forge or break log lines.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# gunicorn access-log atoms → JSON field names (gunicorn's own names are single letters).
ACCESS_LOG_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "response_bytes",
    "M": "duration_ms",
    "a": "user_agent",
}


def init_app(app: Flask) -> None:
    app.before_request(assign_request_id)
    app.after_request(return_request_id)
    configure_app_logger(app)


# Start-up warnings already logged by this process (see warn_once).
_warned: set[str] = set()


def warn_once(app: Flask, message: str) -> None:
    """Log a start-up warning once per process, however many apps the process creates."""
    if message not in _warned:
        _warned.add(message)
        app.logger.warning(message)


def current_request_id() -> str:
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if WELL_FORMED_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    return str(g.request_id)


def assign_request_id() -> None:
    current_request_id()


def return_request_id(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = current_request_id()
    return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, "-" outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log pipelines; gunicorn access records get named fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            atoms = record.args
            entry.update({field: atoms.get(atom) for atom, field in ACCESS_LOG_FIELDS.items()})
            entry["request_id"] = atoms.get("{x-request-id}o") or None
        else:
            entry["message"] = record.getMessage()
            entry["request_id"] = getattr(record, "request_id", None)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_app_logger(app: Flask) -> None:
    """Send app logs through gunicorn's handlers under gunicorn, else to stderr."""
    gunicorn_logger = logging.getLogger("gunicorn.error")
    handlers: list[logging.Handler]
    if gunicorn_logger.handlers:
        # gunicorn.conf.py has already chosen the format and level; share its handlers so
        # app and server lines land in one stream without being written twice.
        handlers = list(gunicorn_logger.handlers)
        app.logger.setLevel(gunicorn_logger.level)
    else:
        stream = logging.StreamHandler()
        stream.setFormatter(JsonFormatter() if app.config["JSON_LOGS"] else TextFormatter())
        handlers = [stream]
        app.logger.setLevel(logging.DEBUG if app.debug else logging.INFO)
    for handler in handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
    app.logger.handlers = handlers
    app.logger.propagate = False


class TextFormatter(logging.Formatter):
    """Readable lines for development, with the request id in brackets."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)
