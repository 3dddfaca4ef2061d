"""Settings, read from the environment once per app, and the guards that refuse dangerous ones.

Every guard raises ConfigError with one line that names the variable and says what to do:
a process that refuses to start is cheaper than one that runs with a leaked key or the
wrong database.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

{% if cookiecutter.database_provider == "neon" -%}
from . import neon
{% endif -%}
from .database_deadlines import bounded_connections, read_timeout

MIN_SECRET_KEY_LENGTH = 32
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "change-me",
        "changeme",
        "change-this",
        "replace-me",
        "secret",
        "secret-key",
        "your-secret-key",
        "dev",
        "development",
        "insecure",
        "please-change-me",
    }
)
# "test", "tests", "myapp_test", "test_orders": the names test databases are given.
TEST_DATABASE_NAME = re.compile(r"(^|[_-])tests?($|[_-])")
# How Flask reads FLASK_DEBUG (flask.helpers.get_debug_flag): any other value, "off" included,
# turns the debugger on.
FLASK_DEBUG_OFF = frozenset({"", "0", "false", "no"})
# What a yes/no setting accepts; unset means no.
YES = frozenset({"1", "true", "yes", "on"})
NO = frozenset({"", "0", "false", "no", "off"})
# Tries for each new database connection unless DB_CONNECT_ATTEMPTS says otherwise.
DEFAULT_CONNECT_ATTEMPTS = {{ cookiecutter.__db_connect_attempts }}
# The oldest a pooled connection gets unless DB_POOL_RECYCLE says otherwise.
POOL_RECYCLE_SECONDS = {{ cookiecutter.__db_pool_recycle }}
KEY_GENERATION_COMMAND = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


class ConfigError(RuntimeError):
    """A setting the app refuses to start with."""


def normalise_database_url(value: str, variable: str) -> str:
    """Return a PostgreSQL URL that names the psycopg2 driver this project installs.

    `postgres://` (Heroku, Render, Neon) and `postgresql://` both work; SQLAlchemy 2.1
    would otherwise read a bare `postgresql://` as psycopg 3, which is not installed.
    """
    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigError(
            f"{variable} is not a database URL; use postgresql://USER:PASSWORD@HOST:5432/DBNAME"
        ) from None
    if url.get_backend_name() == "sqlite":
        raise ConfigError(
            f"{variable} points at SQLite; this project runs on PostgreSQL only: "
            "use postgresql://USER:PASSWORD@HOST:5432/DBNAME"
        )
    if url.drivername in {"postgres", "postgresql", "postgresql+psycopg2"}:
        url = url.set(drivername="postgresql+psycopg2")
    else:
        raise ConfigError(
            f"{variable} uses {url.drivername!r}; this project supports PostgreSQL through "
            "psycopg2: use postgresql://USER:PASSWORD@HOST:5432/DBNAME"
        )
    return url.render_as_string(hide_password=False)


def _required(environ: Mapping[str, str], variable: str, hint: str) -> str:
    value = environ.get(variable, "").strip()
    if not value:
        raise ConfigError(f"{variable} is not set; {hint}")
    return value


def _integer(environ: Mapping[str, str], variable: str, default: int, minimum: int = 0) -> int:
    raw = environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigError(f"{variable} must be a whole number of at least {minimum}, not {raw!r}")
    return value


def _yes_or_no(environ: Mapping[str, str], variable: str) -> bool:
    raw = environ.get(variable, "").strip()
    if raw.lower() in YES:
        return True
    if raw.lower() in NO:
        return False
    raise ConfigError(f"{variable} must be 1 or 0 (yes/no, true/false, on/off), not {raw!r}")


def _list(environ: Mapping[str, str], variable: str) -> list[str]:
    return [item.strip() for item in environ.get(variable, "").split(",") if item.strip()]


def _database_name(url: str) -> str:
    return make_url(url).database or ""


def libpq_options(url: str, settings: Mapping[str, int]) -> str:
    """libpq's `options` for `url`: what the URL already asks for, then `-c name=Ns` for each
    server setting."""
    options = [str(make_url(url).query.get("options") or "")]
    options += [f"-c {name}={seconds}s" for name, seconds in settings.items()]
    return " ".join(option for option in options if option)


class BaseConfig:
    """Settings shared by every environment; subclasses say what differs."""

    ENV_NAME: ClassVar[str]
    DEBUG = False
    TESTING = False
    PROJECT_NAME = "{{ cookiecutter.project_name | replace('\\', '\\\\') | replace('"', '\\"') }}"
    PROJECT_DESCRIPTION = "{{ cookiecutter.description | replace('\\', '\\\\') | replace('"', '\\"') }}"

    # Refuse request bodies over 1 MiB with a 413 before they are read.
    MAX_CONTENT_LENGTH = 1024 * 1024
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "https"
    FORCE_HTTPS = True
    JSON_LOGS = False

    DATABASE_URL_VARIABLE = "DATABASE_URL"
    DATABASE_URL_HINT = (
        "set it to your PostgreSQL URL (see .env.example); for a local database run "
        "`flask local-db start`"
    )

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.SECRET_KEY = self._secret_key(environ)
        self.SECRET_KEY_FALLBACKS = _list(environ, "SECRET_KEY_FALLBACKS")
        self.TRUSTED_HOSTS = _list(environ, "TRUSTED_HOSTS") or None
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            _required(environ, self.DATABASE_URL_VARIABLE, self.DATABASE_URL_HINT),
            self.DATABASE_URL_VARIABLE,
        )
        self.MIGRATIONS_DATABASE_URI = self._migrations_database_url(environ)
        # Copies of this service sharing the database, for the connection budget
        # (gunicorn_checks.py).
        self.APP_INSTANCES = _integer(environ, "APP_INSTANCES", 1, minimum=1)
        # Set when a pooler (PgBouncer) stands between the app and PostgreSQL: its client limit
        # (max_client_conn) is then what the budget must fit. Unset: ask the server.
        self.DB_CONNECTION_LIMIT = _integer(environ, "DB_CONNECTION_LIMIT", 0)
        # Seconds. The server cancels a statement, a lock wait or an idle open transaction
        # after these (0 leaves one to the server); the client stops waiting for an answer a
        # second after the statement timeout, and for a new connection after the connect one.
        self.DB_STATEMENT_TIMEOUT = _integer(environ, "DB_STATEMENT_TIMEOUT", 5)
        self.DB_LOCK_TIMEOUT = _integer(environ, "DB_LOCK_TIMEOUT", 3)
        self.DB_IDLE_IN_TRANSACTION_TIMEOUT = _integer(
            environ, "DB_IDLE_IN_TRANSACTION_TIMEOUT", 30
        )
        self.DB_CONNECT_TIMEOUT = _integer(environ, "DB_CONNECT_TIMEOUT", 3, minimum=1)
        # A pooler refuses them at connect time ("unsupported startup parameter in options"):
        # behind one they are set at the start of every transaction instead.
        self.DB_SETTINGS_PER_TRANSACTION = (
            self._server_settings() if self._behind_pooler(self.SQLALCHEMY_DATABASE_URI) else {}
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = self._engine_options(environ)
        self.MIGRATIONS_CONNECT_ARGS = self._migrations_connect_args(environ)
        # Tries for each new connection (connect_retries.py); all of them, with their
        # back-off, must fit gunicorn's timeout with everything else a request may wait for
        # (gunicorn_checks.py).
        self.DB_CONNECT_ATTEMPTS = _integer(
            environ, "DB_CONNECT_ATTEMPTS", DEFAULT_CONNECT_ATTEMPTS, minimum=1
        )
        # Flask's CLI turns the debugger on from FLASK_DEBUG, whatever DEBUG says.
        self._debug_requested = environ.get("FLASK_DEBUG", "").lower() not in FLASK_DEBUG_OFF
        # Asks browsers' built-in lists to make the domain and every subdomain HTTPS-only: a
        # commitment that takes months to undo (https://hstspreload.org), so never a default.
        self.HSTS_PRELOAD = _yes_or_no(environ, "HSTS_PRELOAD")
        self.PROXY_FIX = {
            hop: _integer(environ, f"PROXY_FIX_X_{hop.upper()}", 0)
            for hop in ("for", "proto", "host", "port", "prefix")
        }

    def _secret_key(self, environ: Mapping[str, str]) -> str:
        return _required(environ, "SECRET_KEY", f"generate one with: {KEY_GENERATION_COMMAND}")

    def _migrations_database_url(self, environ: Mapping[str, str]) -> str:
        # Migrations take session-level locks that a transaction-mode pooler (PgBouncer,
        # Neon's -pooler host) does not keep, so they may use a direct URL instead.
        direct = environ.get("DATABASE_URL_DIRECT", "").strip()
        if not direct:
            return self.SQLALCHEMY_DATABASE_URI
        return normalise_database_url(direct, "DATABASE_URL_DIRECT")

    def _engine_options(self, environ: Mapping[str, str]) -> dict[str, Any]:
        return {
            # A connection the server or a firewall closed is replaced before use, and no
            # connection outlives the recycle age, kept below the idle timeout of anything
            # between the app and PostgreSQL (proxies, poolers, a compute that suspends).
            "pool_pre_ping": True,
            "pool_recycle": _integer(environ, "DB_POOL_RECYCLE", POOL_RECYCLE_SECONDS, minimum=1),
            "pool_size": _integer(environ, "DB_POOL_SIZE", 5, minimum=1),
            "max_overflow": _integer(environ, "DB_MAX_OVERFLOW", 5),
            # A request waits at most this long for a free connection, then gets a 503.
            "pool_timeout": _integer(environ, "DB_POOL_TIMEOUT", 10, minimum=1),
            "connect_args": self._connect_args(environ),
        }

    def _server_settings(self) -> dict[str, int]:
        """The server-side bounds the app sets, in seconds (those at 0 are left to the server)."""
        settings = {
            "statement_timeout": self.DB_STATEMENT_TIMEOUT,
            "lock_timeout": self.DB_LOCK_TIMEOUT,
            "idle_in_transaction_session_timeout": self.DB_IDLE_IN_TRANSACTION_TIMEOUT,
        }
        return {name: seconds for name, seconds in settings.items() if seconds}

    def _behind_pooler(self, url: str) -> bool:
        """Whether connections to `url` go through a pooler, which refuses startup options."""
{%- if cookiecutter.database_provider == "neon" %}
        if neon.is_pooler(url):
            return True
{%- endif %}
        # DB_CONNECTION_LIMIT is the limit of a pooler in front of the app's URL.
        return bool(self.DB_CONNECTION_LIMIT) and url == self.SQLALCHEMY_DATABASE_URI

    def _connect_args(self, environ: Mapping[str, str]) -> dict[str, Any]:
        url = self.SQLALCHEMY_DATABASE_URI
        bounds = self._connection_bounds(environ, read_timeout(self.DB_STATEMENT_TIMEOUT))
        if self._behind_pooler(url):
            return bounds
        return {**bounds, "options": libpq_options(url, self._server_settings())}

    def _migrations_connect_args(self, environ: Mapping[str, str]) -> dict[str, Any]:
        # A migration may rightly run one long statement (an index, a rewrite), but must not
        # queue for a lock for long: every query on that table would queue behind it.
        url = self.MIGRATIONS_DATABASE_URI
        bounds = self._connection_bounds(environ, read_timeout=None)
        if self._behind_pooler(url):
            return bounds
        lock_timeout = {"lock_timeout": self.DB_LOCK_TIMEOUT} if self.DB_LOCK_TIMEOUT else {}
        return {**bounds, "options": libpq_options(url, lock_timeout)}

    def _connection_bounds(
        self, environ: Mapping[str, str], read_timeout: float | None
    ) -> dict[str, Any]:
        return {
            "connection_factory": bounded_connections(self.DB_CONNECT_TIMEOUT, read_timeout),
            # libpq's own, for a connection made while no wait callback is installed.
            "connect_timeout": self.DB_CONNECT_TIMEOUT,
            # The kernel drops a connection whose peer is gone (a host down, a real partition)
            # before a query meets it: an idle one once keepalive probes go unanswered (about
            # 40 s with the defaults, on Linux), one with data unacknowledged after
            # DB_TCP_USER_TIMEOUT seconds.
            "keepalives": 1,
            "keepalives_idle": _integer(environ, "DB_KEEPALIVES_IDLE", 30, minimum=1),
            "keepalives_interval": _integer(environ, "DB_KEEPALIVES_INTERVAL", 10, minimum=1),
            "keepalives_count": _integer(environ, "DB_KEEPALIVES_COUNT", 3, minimum=1),
            "tcp_user_timeout": 1000 * _integer(environ, "DB_TCP_USER_TIMEOUT", 10, minimum=1),
        }

    def validate(self) -> None:
        """Raise ConfigError for a setting this environment must not run with."""
        for variable, url in (
            (self.DATABASE_URL_VARIABLE, self.SQLALCHEMY_DATABASE_URI),
            ("DATABASE_URL_DIRECT", self.MIGRATIONS_DATABASE_URI),
        ):
            if not self.TESTING and TEST_DATABASE_NAME.search(_database_name(url)):
                raise ConfigError(
                    f"{variable} names the test database {_database_name(url)!r} while "
                    f"APP_ENV={self.ENV_NAME}; point it at this environment's own database"
                )


class DevelopmentConfig(BaseConfig):
    """Local development: debugger-friendly, plain-HTTP, readable logs."""

    ENV_NAME = "development"
    DEBUG = True
    FORCE_HTTPS = False
    # Browsers only send Secure cookies over HTTPS, and `flask run` serves plain HTTP.
    SESSION_COOKIE_SECURE = False


class TestingConfig(BaseConfig):
    """The test suite: its own database, no pooling, a fixed key."""

    ENV_NAME = "testing"
    TESTING = True
    FORCE_HTTPS = False
    DATABASE_URL_VARIABLE = "TEST_DATABASE_URL"
    DATABASE_URL_HINT = "the test suite sets it (see tests/conftest.py)"

    def _secret_key(self, environ: Mapping[str, str]) -> str:
        return environ.get("SECRET_KEY") or "testing-only-secret-key-never-used-in-production"

    def _migrations_database_url(self, environ: Mapping[str, str]) -> str:
        return self.SQLALCHEMY_DATABASE_URI

    def _engine_options(self, environ: Mapping[str, str]) -> dict[str, Any]:
        # No connection outlives its test, so one test can never see another's session.
        return {"poolclass": NullPool, "connect_args": self._connect_args(environ)}


class ProductionConfig(BaseConfig):
    """Production: every guard on, JSON logs, HTTPS enforced."""

    ENV_NAME = "production"
    JSON_LOGS = True

    def validate(self) -> None:
        super().validate()
        for variable, key in [("SECRET_KEY", self.SECRET_KEY)] + [
            ("SECRET_KEY_FALLBACKS", fallback) for fallback in self.SECRET_KEY_FALLBACKS
        ]:
            if key.strip().lower() in PLACEHOLDER_SECRET_KEYS:
                raise ConfigError(
                    f"{variable} holds a placeholder value; generate a real key with: "
                    f"{KEY_GENERATION_COMMAND}"
                )
            if len(key) < MIN_SECRET_KEY_LENGTH:
                raise ConfigError(
                    f"{variable} is shorter than {MIN_SECRET_KEY_LENGTH} characters; generate "
                    f"a longer key with: {KEY_GENERATION_COMMAND}"
                )
{%- if cookiecutter.database_provider == "neon" %}
        for variable, url in (
            ("DATABASE_URL", self.SQLALCHEMY_DATABASE_URI),
            ("DATABASE_URL_DIRECT", self.MIGRATIONS_DATABASE_URI),
        ):
            if neon.is_neon(url) and make_url(url).query.get("sslmode") not in neon.TLS_SSLMODES:
                raise ConfigError(
                    f"{variable} points at Neon without sslmode=require; add ?sslmode=require "
                    "(or verify-full) to the URL Neon's console gives you"
                )
{%- endif %}
        if not self.TRUSTED_HOSTS:
            raise ConfigError(
                "TRUSTED_HOSTS is not set; list the host names this app answers for, "
                "comma-separated (e.g. TRUSTED_HOSTS=example.com,www.example.com)"
            )
        if self._debug_requested:
            raise ConfigError(
                "FLASK_DEBUG is on with APP_ENV=production; the debugger runs code for anyone "
                "who can reach it: unset FLASK_DEBUG"
            )


CONFIGS: dict[str, type[BaseConfig]] = {
    config.ENV_NAME: config for config in (DevelopmentConfig, TestingConfig, ProductionConfig)
}


def load_config(env: str | None = None, environ: Mapping[str, str] = os.environ) -> BaseConfig:
    """Build and validate the configuration for `env` (default: APP_ENV, else development)."""
    name = env or environ.get("APP_ENV", "").strip() or "development"
    if name not in CONFIGS:
        raise ConfigError(
            f"APP_ENV is {name!r}; use one of: {', '.join(CONFIGS)} (unset means development)"
        )
    config = CONFIGS[name](environ)
    config.validate()
    return config
