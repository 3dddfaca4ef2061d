"""gunicorn settings for production: `gunicorn wsgi:app` reads this file by default.

Every value can be overridden from the environment, so one image serves any size of machine.
"""

import os

from gunicorn.arbiter import Arbiter
from gunicorn.http.wsgi import Response
from gunicorn.workers.sync import SyncWorker


def _integer(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"error: {variable} must be a whole number, not {raw!r}") from None


# Loopback unless told otherwise; a container sets GUNICORN_BIND=0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Processes use the cores, threads overlap each request's database waits: start from one
# worker per core (see the README). Every thread can hold one database
# connection, so keep threads <= DB_POOL_SIZE + DB_MAX_OVERFLOW (default 5 + 5); the total
# budget is checked against the database at start-up (when_ready below).
worker_class = "gthread"
workers = _integer("WEB_CONCURRENCY", 2)
threads = _integer("GUNICORN_THREADS", 4)
# A request waiting on a database that does not answer must get its 503 before the graceful
# timeout ends (and under sync workers, before the timeout): checked in when_ready below.
timeout = _integer("GUNICORN_TIMEOUT", 30)
graceful_timeout = _integer("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle each worker after a while, at staggered times, so a slow leak never takes the
# whole service down and workers never restart all at once. Not too often: a restart costs
# new database connections and cold caches.
max_requests = _integer("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = _integer("GUNICORN_MAX_REQUESTS_JITTER", 1_000)
# Load the app once in the master: a refused setting stops gunicorn at once with its
# one-line message (instead of workers crash-looping), and workers share the loaded code.
# Nothing connects to the database while loading, so no connection crosses the fork.
preload_app = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The request id the app returned, so an access line and the app's lines can be joined.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'

_formatter = "json" if os.environ.get("APP_ENV") == "production" else "text"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "{{ cookiecutter.package_name }}.logs.JsonFormatter"},
        "text": {"()": "{{ cookiecutter.package_name }}.logs.TextFormatter"},
        "access": {"format": "%(asctime)s %(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": _formatter,
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _formatter == "json" else "access",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["error_console"],
            "propagate": False,
        },
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}


def when_ready(server: Arbiter) -> None:
    """Before any worker starts, check what the deployment asks of the database against what
    it can have: time and connections (see gunicorn_checks.py)."""
    from {{ cookiecutter.package_name }}.config import ConfigError
    from {{ cookiecutter.package_name }}.gunicorn_checks import check_connection_budget, check_wait_budget

    app = server.app.wsgi()
    # After a SIGTERM requests get the graceful timeout. The timeout kills a worker that does
    # not answer gunicorn's heartbeat: a sync one does not while a request waits, a gthread
    # one always does (its main thread answers).
    limits = {"GUNICORN_GRACEFUL_TIMEOUT": server.cfg.graceful_timeout}
    if issubclass(server.cfg.worker_class, SyncWorker):
        limits["GUNICORN_TIMEOUT"] = server.cfg.timeout
    try:
        check_wait_budget(app, limits)
        check_connection_budget(app, server.cfg.workers)
    except ConfigError as error:
        raise SystemExit(f"error: {error}") from None


# gunicorn >= 25.1 opens a management socket in $HOME by default; instances are managed by
# their supervisor (systemd, Kubernetes) instead, and a read-only home must not break start-up.
control_socket_disable = True


def on_starting(server: Arbiter) -> None:
    """Send no `Server: gunicorn` header: it only tells a scanner what to try.

    gunicorn has no setting for it (github.com/benoitc/gunicorn/issues/825) and writes it among
    the lines Response.default_headers returns, ahead of the app's own headers, so that method
    loses that one line. Done in the master before any worker forks, so every worker has it;
    tests/e2e/test_production_headers.py checks real responses.
    """
    default_headers = Response.default_headers

    def without_server(response: Response) -> list[str]:
        return [line for line in default_headers(response) if not line.startswith("Server:")]

    Response.default_headers = without_server
