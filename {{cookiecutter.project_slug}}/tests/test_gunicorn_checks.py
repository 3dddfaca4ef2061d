import logging

import psycopg2
import pytest
import sqlalchemy as sa
from flask import Flask

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError, normalise_database_url
from {{ cookiecutter.package_name }}.gunicorn_checks import (
    ConnectionBudget,
    WaitBudget,
    check_connection_budget,
    check_wait_budget,
    server_connection_limit,
)

from .servers import (
    UNREACHABLE_DATABASE,
    free_port,
    production_settings,
    run_until_exit,
    start_gunicorn,
    start_production_gunicorn,
)


def test_the_budget_counts_every_connection_the_deployment_may_open():
    budget = ConnectionBudget(instances=3, workers=2, pool_size=5, max_overflow=5)
    assert budget.total == 60
    assert str(budget) == (
        "APP_INSTANCES=3 x WEB_CONCURRENCY=2 x (DB_POOL_SIZE=5 + DB_MAX_OVERFLOW=5) = 60"
    )


def deployment(
    env_name: str, database_url: str, instances: int = 1, connection_limit: int = 0
) -> Flask:
    """An app with the settings the check reads, as load_config() would give them."""
    app = Flask(__name__)
    app.config.update(
        ENV_NAME=env_name,
        APP_INSTANCES=instances,
        DB_CONNECTION_LIMIT=connection_limit,
        SQLALCHEMY_DATABASE_URI=normalise_database_url(database_url, "DATABASE_URL"),
        SQLALCHEMY_ENGINE_OPTIONS={
            "pool_size": 5,
            "max_overflow": 5,
            "connect_args": {"connect_timeout": 3},
        },
    )
    return app


@pytest.fixture
def server_limit(database_url: str) -> int:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        max_connections = int(cursor.fetchone()[0])
        cursor.execute("SHOW superuser_reserved_connections")
        reserved = int(cursor.fetchone()[0])
    connection.close()
    return max_connections - reserved


def test_the_limit_is_what_the_server_leaves_for_ordinary_roles(database_url, server_limit):
    assert server_connection_limit(deployment("production", database_url)) == server_limit


def instances_beyond(limit: int) -> int:
    # Each instance of the defaults below may open 2 x (5 + 5) = 20 connections.
    return limit // 20 + 1


def test_production_refuses_a_budget_beyond_the_servers_limit(database_url, server_limit):
    app = deployment("production", database_url, instances=instances_beyond(server_limit))
    with pytest.raises(ConfigError, match=rf"exceeds the {server_limit} connections") as refused:
        check_connection_budget(app, workers=2)
    instances = instances_beyond(server_limit)
    assert f"APP_INSTANCES={instances} x WEB_CONCURRENCY=2" in str(refused.value)


def test_development_warns_about_the_same_budget(database_url, server_limit, caplog):
    app = deployment("development", database_url, instances=instances_beyond(server_limit))
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        check_connection_budget(app, workers=2)
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert f"exceeds the {server_limit} connections" in caplog.records[0].getMessage()


def test_a_budget_within_the_limit_passes(database_url, server_limit):
    app = deployment("production", database_url, instances=server_limit // 20)
    check_connection_budget(app, workers=2)


def test_an_unreachable_database_does_not_stop_the_start(caplog):
    # /readyz reports the database; refusing to start would turn an outage into a crash loop.
    app = deployment("production", UNREACHABLE_DATABASE, instances=1_000_000)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        check_connection_budget(app, workers=2)
    assert "could not check the database connection budget" in caplog.text


def test_a_poolers_limit_replaces_the_servers(database_url):
    # PgBouncer in front: the app's connections count against the pooler's client limit.
    app = deployment("production", UNREACHABLE_DATABASE, instances=2, connection_limit=30)
    with pytest.raises(ConfigError, match=r"= 40 exceeds the 30 connections"):
        check_connection_budget(app, workers=2)
    check_connection_budget(deployment("production", UNREACHABLE_DATABASE, connection_limit=30), 2)


def maintenance_database(database_url: str) -> str:
    # Production refuses test databases by name; the check only reads server settings, which
    # the cluster's own "postgres" database shows as well.
    return sa.make_url(database_url).set(database="postgres").render_as_string(hide_password=False)


@pytest.mark.e2e
def test_gunicorn_refuses_to_start_past_the_budget(database_url, server_limit):
    settings = production_settings(
        DATABASE_URL=maintenance_database(database_url),
        APP_INSTANCES=str(instances_beyond(server_limit)),
        GUNICORN_BIND=f"127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="2",
    )
    result = run_until_exit("gunicorn", "wsgi:app", **settings)
    assert result.returncode != 0
    instances = instances_beyond(server_limit)
    assert f"error: the database connection budget APP_INSTANCES={instances} x" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_gunicorn_logs_the_budget_it_checked(database_url, server_limit):
    server = start_gunicorn(**production_settings(DATABASE_URL=maintenance_database(database_url)))
    log = server.stop()
    # start_gunicorn runs one worker: 1 x (5 + 5).
    assert f"= 10, within the {server_limit} allowed" in log


def test_the_wait_budget_adds_every_wait_a_request_may_meet():
    budget = WaitBudget(pool_timeout=10, statement_timeout=5, connect_timeout=3, connect_attempts=1)
    # The pool, a pre-ping (statement timeout + 1), then a new connection.
    assert budget.total == 10 + 6 + 3
    assert str(budget) == (
        "19 s (DB_POOL_TIMEOUT=10 for a pooled connection, DB_STATEMENT_TIMEOUT=5 + 1 for its "
        "pre-ping, DB_CONNECT_TIMEOUT=3 for a new one)"
    )


def test_the_wait_budget_counts_every_connect_attempt_and_the_back_off_between():
    budget = WaitBudget(pool_timeout=10, statement_timeout=5, connect_timeout=3, connect_attempts=3)
    # Three connects with up to 0.5 + 1 s between them.
    assert budget.total == 10 + 6 + 3 * 3 + 1.5
    assert str(budget) == (
        "26.5 s (DB_POOL_TIMEOUT=10 for a pooled connection, DB_STATEMENT_TIMEOUT=5 + 1 for "
        "its pre-ping, DB_CONNECT_ATTEMPTS=3 x DB_CONNECT_TIMEOUT=3 + 1.5 back-off for a new one)"
    )


# gunicorn's defaults, as when_ready passes them for a sync worker (a gthread worker's
# heartbeat does not wait for its requests: only the graceful timeout applies to it).
GUNICORN_LIMITS = {"GUNICORN_GRACEFUL_TIMEOUT": 30, "GUNICORN_TIMEOUT": 30}


def test_the_default_deadlines_fit_inside_gunicorns_default_timeouts(production_env):
    check_wait_budget(create_app(), GUNICORN_LIMITS)


@pytest.mark.parametrize("variable", list(GUNICORN_LIMITS))
def test_production_refuses_a_wait_gunicorn_would_cut_short(production_env, variable):
    with pytest.raises(ConfigError, match=rf"does not answer, and {variable}=15 does not leave"):
        check_wait_budget(create_app(), {**GUNICORN_LIMITS, variable: 15})


def test_production_refuses_a_statement_timeout_of_zero_under_gunicorn(production_env):
    production_env.setenv("DB_STATEMENT_TIMEOUT", "0")
    with pytest.raises(ConfigError, match=r"may wait without end \(DB_STATEMENT_TIMEOUT=0"):
        check_wait_budget(create_app(), GUNICORN_LIMITS)


def test_development_warns_about_the_same_wait(monkeypatch, caplog):
    monkeypatch.setenv("SECRET_KEY", "development-key")
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE_DATABASE)
    app = create_app("development")
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        app.logger.addHandler(caplog.handler)
        check_wait_budget(app, {**GUNICORN_LIMITS, "GUNICORN_TIMEOUT": 15})
    assert "GUNICORN_TIMEOUT=15 does not leave it that long" in caplog.text


def test_a_gunicorn_timeout_of_zero_is_no_limit(production_env):
    check_wait_budget(create_app(), {**GUNICORN_LIMITS, "GUNICORN_TIMEOUT": 0})


@pytest.mark.e2e
def test_gunicorn_refuses_to_start_when_a_request_could_outwait_its_graceful_timeout():
    settings = production_settings(
        GUNICORN_GRACEFUL_TIMEOUT="15", GUNICORN_BIND=f"127.0.0.1:{free_port()}"
    )
    result = run_until_exit("gunicorn", "wsgi:app", **settings)
    assert result.returncode != 0
    assert "error: a request may wait " in result.stderr
    assert "GUNICORN_GRACEFUL_TIMEOUT=15 does not leave it that long" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_gunicorn_checks_its_timeout_against_the_wait_only_for_sync_workers():
    # gthread (gunicorn.conf.py): the timeout cuts no request short, so it starts.
    server = start_production_gunicorn(GUNICORN_TIMEOUT="15")
    assert server.get("/healthz").status == 200
    server.stop()
    # A sync worker is killed after the timeout while its request waits: refused.
    sync = production_settings(
        GUNICORN_TIMEOUT="15",
        GUNICORN_THREADS="1",
        GUNICORN_CMD_ARGS="--worker-class sync",
        GUNICORN_BIND=f"127.0.0.1:{free_port()}",
    )
    result = run_until_exit("gunicorn", "wsgi:app", **sync)
    assert result.returncode != 0
    assert "GUNICORN_TIMEOUT=15 does not leave it that long" in result.stderr
