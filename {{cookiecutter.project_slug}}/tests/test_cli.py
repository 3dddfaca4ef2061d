"""Project commands: seed-users, reset-db, local-db."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa

from {{ cookiecutter.package_name }} import cli, create_app
from {{ cookiecutter.package_name }}.extensions import db

from .conftest import user_count
from .servers import free_port


def test_seed_users_inserts_and_skips_existing(app, runner):
    result = runner.invoke(args=["seed-users", "1500"])
    assert result.exit_code == 0, result.output
    assert "Inserted 1500 users" in result.output
    result = runner.invoke(args=["seed-users", "1600"])
    assert "Inserted 100 users (1500 already existed)" in result.output
    assert user_count(app) == 1600


def test_seed_users_refuses_a_nonsense_count(runner):
    result = runner.invoke(args=["seed-users", "0"])
    assert result.exit_code != 0
    assert "COUNT" in result.output


def test_reset_db_drops_everything_and_migrates_again(app, runner):
    runner.invoke(args=["seed-users", "3"])
    with app.app_context():
        db.session.execute(sa.text("CREATE TABLE leftover (id int)"))
        db.session.commit()
    result = runner.invoke(args=["reset-db", "--yes"])
    assert result.exit_code == 0, result.output
    assert user_count(app) == 0
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    assert "leftover" not in tables
    assert {"users", "alembic_version"} <= tables


def test_reset_db_asks_first(app, runner):
    runner.invoke(args=["seed-users", "3"])
    result = runner.invoke(args=["reset-db"], input="n\n")
    assert result.exit_code != 0
    assert user_count(app) == 3


def test_destructive_commands_refuse_in_production(production_env):
    runner = create_app().test_cli_runner()
    for command in (["reset-db", "--yes"], ["seed-users", "10"], ["local-db", "start"]):
        result = runner.invoke(args=command)
        assert result.exit_code != 0
        assert "refuses to run with APP_ENV=production" in result.output


def test_local_db_only_manages_a_local_database(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "development-key")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.example.com:5432/app")
    result = create_app("development").test_cli_runner().invoke(args=["local-db", "status"])
    assert result.exit_code != 0
    assert "only manages a database on 127.0.0.1" in result.output


def test_local_db_status_exits_as_pg_ctl_status_does(monkeypatch):
    # A cluster of the test's own, on a free port: never the project's .postgres/. Its own
    # temporary directory, which as root the cluster's `postgres` user is given.
    directory = Path(tempfile.mkdtemp(prefix="pytest-local-db-"))
    monkeypatch.setattr(cli, "local_db_directory", lambda: directory)
    monkeypatch.setenv("SECRET_KEY", "development-key")
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/app")
    runner = create_app("development").test_cli_runner()

    def status() -> tuple[int, str]:
        result = runner.invoke(args=["local-db", "status"])
        return result.exit_code, result.output.strip()

    assert status() == (4, "not created yet; `flask local-db start` creates and starts it")
    try:
        assert runner.invoke(args=["local-db", "start"]).exit_code == 0
        assert status() == (0, "running")
        assert runner.invoke(args=["local-db", "stop"]).exit_code == 0
        assert status() == (3, "stopped; start it with `flask local-db start`")
    finally:
        runner.invoke(args=["local-db", "stop"])
        shutil.rmtree(directory, ignore_errors=True)
