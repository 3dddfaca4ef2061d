"""Project commands: seed-users, reset-db, local-db."""

from __future__ import annotations

import sqlalchemy as sa

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.extensions import db
from {{ cookiecutter.package_name }}.models import User


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


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
