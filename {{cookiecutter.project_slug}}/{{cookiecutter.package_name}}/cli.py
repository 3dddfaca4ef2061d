"""Project commands: `flask reset-db`, `flask seed-users N` and `flask local-db ...`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy.dialects.postgresql import insert

from .development.local_postgres import (
    NO_CLUSTER,
    RUNNING,
    STOPPED,
    LocalPostgres,
    PostgresNotFoundError,
)
from .extensions import db
from .models import User

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def init_app(app: Flask) -> None:
    app.cli.add_command(reset_db_command)
    app.cli.add_command(seed_users_command)
    app.cli.add_command(local_db_group)


def refuse_in_production(command: str) -> None:
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(f"{command} refuses to run with APP_ENV=production.")


@click.command("reset-db")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def reset_db_command(yes: bool) -> None:
    """Drop every table, then rebuild the schema by running all migrations."""
    refuse_in_production("reset-db")
    url = db.engine.url
    if not yes:
        click.confirm(f"Delete every table and row in {url.database!r} on {url.host}?", abort=True)
    # Reflect rather than use the models, so tables a model no longer has (and Alembic's
    # own version table) go too.
    existing = sa.MetaData()
    existing.reflect(bind=db.engine)
    existing.drop_all(bind=db.engine)
    upgrade()
    click.echo(f"Rebuilt {url.database!r} from the migrations.")


@click.command("seed-users")
@click.argument("count", type=click.IntRange(1, 1_000_000))
@with_appcontext
def seed_users_command(count: int) -> None:
    """Insert COUNT sample users (user000001, ...), skipping names that already exist."""
    refuse_in_production("seed-users")
    inserted = 0
    batch_size = 1000
    for start in range(1, count + 1, batch_size):
        rows = [
            {"username": f"user{number:06d}", "email": f"user{number:06d}@example.com"}
            for number in range(start, min(start + batch_size, count + 1))
        ]
        result = db.session.execute(insert(User).values(rows).on_conflict_do_nothing())
        inserted += cast("sa.CursorResult[Any]", result).rowcount
    db.session.commit()
    click.echo(f"Inserted {inserted} users ({count - inserted} already existed).")


@click.group("local-db")
def local_db_group() -> None:
    """A private PostgreSQL for development, in .postgres/ (needs no Docker)."""


def local_db_directory() -> Path:
    """Where `flask local-db` keeps its cluster: .postgres/ in the project."""
    return Path(current_app.root_path).parent / ".postgres"


def _local_cluster() -> tuple[LocalPostgres, str]:
    refuse_in_production("local-db")
    url = sa.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.host not in LOCAL_HOSTS or not url.database:
        raise click.ClickException(
            f"DATABASE_URL points at {url.host!r}; local-db only manages a database on "
            "127.0.0.1 (e.g. postgresql://postgres@127.0.0.1:55432/dbname)"
        )
    try:
        cluster = LocalPostgres(
            local_db_directory(), port=url.port or 5432, listen_addresses="127.0.0.1"
        )
    except PostgresNotFoundError as error:
        raise click.ClickException(str(error)) from None
    return cluster, url.database


@local_db_group.command("start")
@with_appcontext
def local_db_start() -> None:
    """Create (first time) and start the cluster, and the database DATABASE_URL names."""
    cluster, database = _local_cluster()
    try:
        cluster.start()
        cluster.create_database(database)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"PostgreSQL is running on 127.0.0.1:{cluster.port} with database {database!r}.")


@local_db_group.command("stop")
@with_appcontext
def local_db_stop() -> None:
    """Stop the cluster; its data stays in .postgres/."""
    cluster, _ = _local_cluster()
    cluster.stop()
    click.echo("PostgreSQL stopped.")


STATUS_MESSAGES = {
    RUNNING: "running",
    STOPPED: "stopped; start it with `flask local-db start`",
    NO_CLUSTER: "not created yet; `flask local-db start` creates and starts it",
}


@local_db_group.command("status")
@with_appcontext
def local_db_status() -> None:
    """Say whether the cluster is running; exit 0 if so, 3 if stopped, 4 if there is none (as
    `pg_ctl status` does), so that scripts can ask too."""
    cluster, _ = _local_cluster()
    status = cluster.status()
    click.echo(STATUS_MESSAGES.get(status, f"unknown (pg_ctl status exited {status})"))
    raise click.exceptions.Exit(status)
