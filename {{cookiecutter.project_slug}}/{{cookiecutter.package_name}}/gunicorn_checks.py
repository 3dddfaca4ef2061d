"""What a deployment asks of its database, checked at start-up against what it can have.

The connections: every gunicorn worker process has its own SQLAlchemy pool, so one instance
of the service may open WEB_CONCURRENCY x (DB_POOL_SIZE + DB_MAX_OVERFLOW) connections, and
APP_INSTANCES copies of it that many times over. Past the server's limit PostgreSQL refuses
new connections ("too many clients"), and it happens under load, when it hurts most.

The time: a request that meets a database which does not answer waits for a free pooled
connection, for the pre-ping of it, then for a new connection (DB_CONNECT_ATTEMPTS tries),
each up to its deadline (database_deadlines.py), before its 503. gunicorn must let it: a
request still running GUNICORN_GRACEFUL_TIMEOUT after a SIGTERM is cut off, and a sync worker
is killed after GUNICORN_TIMEOUT. (A gthread worker, this project's, answers gunicorn's
heartbeat from its main thread whatever its requests wait for: its GUNICORN_TIMEOUT cuts no
request short.)

Over either budget, production refuses to start, development warns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

{% if cookiecutter.database_provider == "neon" -%}
from . import neon
{% endif -%}
from .config import ConfigError
from .connect_retries import longest_backoff
from .database_deadlines import read_timeout

# Connections the server keeps for superusers and (PostgreSQL 16+) other reserved roles.
LIMIT_QUERY = sa.text(
    "SELECT name, setting::int FROM pg_settings"
    " WHERE name IN ('max_connections', 'superuser_reserved_connections', 'reserved_connections')"
)


@dataclass(frozen=True)
class ConnectionBudget:
    instances: int
    workers: int
    pool_size: int
    max_overflow: int

    @property
    def total(self) -> int:
        return self.instances * self.workers * (self.pool_size + self.max_overflow)

    def __str__(self) -> str:
        return (
            f"APP_INSTANCES={self.instances} x WEB_CONCURRENCY={self.workers} x "
            f"(DB_POOL_SIZE={self.pool_size} + DB_MAX_OVERFLOW={self.max_overflow}) = {self.total}"
        )


def connection_budget(app: Flask, workers: int) -> ConnectionBudget:
    engine_options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    return ConnectionBudget(
        instances=app.config["APP_INSTANCES"],
        workers=workers,
        pool_size=engine_options["pool_size"],
        max_overflow=engine_options["max_overflow"],
    )


def server_connection_limit(app: Flask) -> int:
    """How many connections the database server gives to roles like this app's."""
    if app.config["DB_CONNECTION_LIMIT"]:
        return int(app.config["DB_CONNECTION_LIMIT"])
    url = app.config["SQLALCHEMY_DATABASE_URI"]
{%- if cookiecutter.database_provider == "neon" %}
    if neon.is_pooler(url):
        return neon.POOLER_CLIENT_CONNECTIONS
{%- endif %}
    connect_args = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    # A connection of its own, closed before gunicorn forks its workers.
    engine = sa.create_engine(url, poolclass=NullPool, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            rows = connection.execute(LIMIT_QUERY).all()
    finally:
        engine.dispose()
    settings: dict[str, int] = dict(rows)
    return settings["max_connections"] - sum(
        count for name, count in settings.items() if name != "max_connections"
    )


def check_connection_budget(app: Flask, workers: int) -> None:
    """Refuse (production) or warn when the deployment could open more connections than allowed.

    A database that does not answer is not a reason to stay down: the check is skipped with a
    warning, and /readyz reports the database until it answers.
    """
    if app.testing:
        return  # the test suite opens a connection per use (NullPool): nothing to budget
    budget = connection_budget(app, workers)
    try:
        limit = server_connection_limit(app)
    except SQLAlchemyError as error:
        app.logger.warning(
            "could not check the database connection budget (%s); it is %s",
            error.__class__.__name__,
            budget,
        )
        return
    if budget.total <= limit:
        app.logger.info("database connection budget %s, within the %d allowed", budget, limit)
        return
    message = (
        f"the database connection budget {budget} exceeds the {limit} connections the database "
        "allows; lower one of those settings or put a connection pooler in front of the database"
    )
    _refuse_or_warn(app, message)


@dataclass(frozen=True)
class WaitBudget:
    """The longest a request waits on a database that does not answer, before its 503."""

    pool_timeout: int
    statement_timeout: int
    connect_timeout: int
    connect_attempts: int

    @property
    def total(self) -> float:
        read = read_timeout(self.statement_timeout)
        if read is None:
            return math.inf
        connecting = self.connect_attempts * self.connect_timeout + longest_backoff(
            self.connect_attempts
        )
        return self.pool_timeout + read + connecting

    def __str__(self) -> str:
        if self.total == math.inf:
            return "without end (DB_STATEMENT_TIMEOUT=0: no deadline for an answer)"
        connecting = f"DB_CONNECT_TIMEOUT={self.connect_timeout}"
        if self.connect_attempts > 1:
            connecting = (
                f"DB_CONNECT_ATTEMPTS={self.connect_attempts} x {connecting} + "
                f"{longest_backoff(self.connect_attempts):g} back-off"
            )
        return (
            f"{self.total:g} s (DB_POOL_TIMEOUT={self.pool_timeout} for a pooled connection, "
            f"DB_STATEMENT_TIMEOUT={self.statement_timeout} + 1 for its pre-ping, "
            f"{connecting} for a new one)"
        )


def wait_budget(app: Flask) -> WaitBudget:
    return WaitBudget(
        # The tests' NullPool never waits for a connection.
        pool_timeout=app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_timeout", 0),
        statement_timeout=app.config["DB_STATEMENT_TIMEOUT"],
        connect_timeout=app.config["DB_CONNECT_TIMEOUT"],
        connect_attempts=app.config["DB_CONNECT_ATTEMPTS"],
    )


def check_wait_budget(app: Flask, limits: Mapping[str, int]) -> None:
    """Refuse (production) or warn when gunicorn would cut a request short before its wait
    ends; `limits` names each of gunicorn's limits that applies, with its seconds (0: none)."""
    budget = wait_budget(app)
    for variable, seconds in limits.items():
        if seconds and budget.total >= seconds:
            _refuse_or_warn(
                app,
                f"a request may wait {budget} on a database that does not answer, and "
                f"{variable}={seconds} does not leave it that long; lower those settings "
                f"or raise {variable}",
            )
            return


def _refuse_or_warn(app: Flask, message: str) -> None:
    if app.config["ENV_NAME"] == "production":
        raise ConfigError(message)
    app.logger.warning(message)
