"""Alembic's environment: the app's models and database, run by `flask db ...`."""

from __future__ import annotations

from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    # Keep the app's own loggers working after Alembic configures logging.
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = current_app.extensions["migrate"].db.metadata
# DATABASE_URL_DIRECT when set (a pooler in front of DATABASE_URL cannot hold the locks
# migrations take), else DATABASE_URL; config.py decides.
database_url = current_app.config["MIGRATIONS_DATABASE_URI"]


def skip_empty_autogenerate(context, revision, directives) -> None:
    """`flask db migrate` with no model changes writes no empty revision."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        print("No changes in the models; no migration written.")


def run_migrations_offline() -> None:
    """Write the SQL (`flask db upgrade --sql`) instead of running it."""
    context.configure(url=database_url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # The app's connection deadlines and lock_timeout, but no statement_timeout: a long index
    # build or table rewrite is a migration's right (config.py).
    connect_args = current_app.config["MIGRATIONS_CONNECT_ARGS"]
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool, connect_args=connect_args)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            process_revision_directives=skip_empty_autogenerate,
            compare_server_default=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
