"""The database connections a deployment may open, checked against what the server allows.

Every gunicorn worker process has its own SQLAlchemy pool, so one instance of the service may
open WEB_CONCURRENCY x (DB_POOL_SIZE + DB_MAX_OVERFLOW) connections, and APP_INSTANCES copies
of it that many times over. Past the server's limit PostgreSQL refuses new connections ("too
many clients"), and it happens under load, when it hurts most: production refuses to start
instead, development warns.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from .config import ConfigError
{%- if cookiecutter.database_provider == "neon" %}

# Neon's pooled endpoint (a host name with "-pooler") is PgBouncer, which accepts up to 10,000
# client connections whatever the compute's max_connections:
# https://neon.com/docs/connect/connection-pooling
NEON_POOLER_CLIENT_CONNECTIONS = 10_000
{%- endif %}

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
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
{%- if cookiecutter.database_provider == "neon" %}
    if "-pooler." in (url.host or ""):
        return NEON_POOLER_CLIENT_CONNECTIONS
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
    if app.config["ENV_NAME"] == "production":
        raise ConfigError(message)
    app.logger.warning(message)
