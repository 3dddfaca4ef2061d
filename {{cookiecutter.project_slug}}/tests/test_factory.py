"""create_app() and the configuration each environment gets."""

from __future__ import annotations

import os
import runpy
from unittest import mock

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError
from {{ cookiecutter.package_name }}.extensions import db

from .conftest import PRODUCTION_KEY, PROJECT_ROOT


def test_testing_config_uses_the_test_database_without_pooling(app, database_url):
    assert app.testing
    assert not app.debug
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["poolclass"] is NullPool
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    assert url.drivername == "postgresql+psycopg2"
    assert url.database == sa.make_url(database_url).database


def test_development_is_the_default(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "development-key")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:55432/app")
    app = create_app()
    assert app.config["ENV_NAME"] == "development"
    assert app.debug
    assert not app.config["SESSION_COOKIE_SECURE"]
    assert not app.config["FORCE_HTTPS"]


def test_app_env_selects_the_config(production_env):
    app = create_app()
    assert app.config["ENV_NAME"] == "production"
    assert not app.debug
    assert app.config["FORCE_HTTPS"]
    assert app.config["JSON_LOGS"]
    assert app.config["TRUSTED_HOSTS"] == ["example.com"]


def test_explicit_env_wins_over_app_env(production_env):
    assert create_app("testing").config["ENV_NAME"] == "testing"


def test_production_engine_keeps_connections_healthy(production_env):
    production_env.setenv("DB_POOL_SIZE", "7")
    production_env.setenv("DB_MAX_OVERFLOW", "3")
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True
    assert 0 < options["pool_recycle"] <= 1800
    assert (options["pool_size"], options["max_overflow"]) == (7, 3)
    assert options["connect_args"]["connect_timeout"] <= 5


def test_production_pool_defaults(production_env):
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    defaults = {key: options[key] for key in ("pool_size", "max_overflow", "pool_timeout")}
    assert defaults == {"pool_size": 5, "max_overflow": 5, "pool_timeout": 10}
    assert options["connect_args"]["connect_timeout"] == 3


def test_a_secret_key_of_exactly_the_minimum_length_is_accepted(production_env):
    production_env.setenv("SECRET_KEY", "k" * 32)
    assert create_app().config["SECRET_KEY"] == "k" * 32
    production_env.setenv("SECRET_KEY", "k" * 31)
    with pytest.raises(ConfigError, match="SECRET_KEY is shorter than 32 characters"):
        create_app()


@pytest.mark.parametrize("value", ["", "0", "false", "False", "no"])
def test_production_accepts_flask_debug_values_that_keep_the_debugger_off(production_env, value):
    production_env.setenv("FLASK_DEBUG", value)
    assert not create_app().debug


@pytest.mark.parametrize("value", ["1", "true", "yes", "off"])
def test_production_refuses_flask_debug_values_that_turn_the_debugger_on(production_env, value):
    # "off" too: Flask's command line turns the debugger on for any value but 0, false and no.
    production_env.setenv("FLASK_DEBUG", value)
    with pytest.raises(ConfigError, match="FLASK_DEBUG is on with APP_ENV=production"):
        create_app()


def test_the_server_bounds_every_statement_lock_wait_and_idle_transaction(app):
    with app.app_context():
        settings = {
            name: db.session.scalar(sa.text(f"SHOW {name}"))
            for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")
        }
    assert settings == {
        "statement_timeout": "5s",
        "lock_timeout": "3s",
        "idle_in_transaction_session_timeout": "30s",
    }


def test_the_database_bounds_come_from_the_environment(production_env, database_url):
    for variable, value in {
        "DB_STATEMENT_TIMEOUT": "7",
        "DB_LOCK_TIMEOUT": "0",
        "DB_IDLE_IN_TRANSACTION_TIMEOUT": "60",
        "DB_CONNECT_TIMEOUT": "4",
        "DB_KEEPALIVES_IDLE": "20",
        "DB_KEEPALIVES_INTERVAL": "5",
        "DB_KEEPALIVES_COUNT": "2",
        "DB_TCP_USER_TIMEOUT": "8",
    }.items():
        production_env.setenv(variable, value)
    connect_args = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    # 0 leaves a server-side bound to the server: no lock_timeout is sent.
    assert connect_args["options"] == (
        "-c statement_timeout=7s -c idle_in_transaction_session_timeout=60s"
    )
    libpq_settings = {"connect_timeout", "keepalives", "tcp_user_timeout"} | {
        f"keepalives_{setting}" for setting in ("idle", "interval", "count")
    }
    assert {name: connect_args[name] for name in libpq_settings} == {
        "connect_timeout": 4,
        "keepalives": 1,
        "keepalives_idle": 20,
        "keepalives_interval": 5,
        "keepalives_count": 2,
        "tcp_user_timeout": 8000,  # libpq counts it in milliseconds
    }
    connection = connect_args["connection_factory"](database_url)
    try:
        # Connected: from now on the client waits DB_STATEMENT_TIMEOUT + 1 for each answer.
        assert connection.wait_timeout == 8
    finally:
        connection.close()


def test_options_already_in_the_database_url_are_kept(production_env):
    production_env.setenv("DATABASE_URL", "postgresql://u@h/app?options=-c%20search_path%3Dapp")
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
    assert options.startswith("-c search_path=app -c statement_timeout=5s ")


def test_behind_a_pooler_each_transaction_sets_the_server_bounds(monkeypatch):
    # A pooler (DB_CONNECTION_LIMIT is its limit) refuses startup options.
    monkeypatch.setenv("DB_CONNECTION_LIMIT", "100")
    app = create_app("testing")
    assert "options" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    names = ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")
    with app.app_context(), db.engine.connect() as connection:
        assert [connection.scalar(sa.text(f"SHOW {name}")) for name in names] == ["5s", "3s", "30s"]
        connection.commit()
        # SET LOCAL: gone with the transaction, so that no other client of the pooler's
        # server connection inherits it.
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)


def test_migrations_get_the_lock_timeout_but_no_statement_timeout(production_env):
    options = create_app().config["MIGRATIONS_CONNECT_ARGS"]["options"]
    assert options == "-c lock_timeout=3s"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/app", "postgresql+psycopg2://u:p@h:5432/app"),
        (
            "postgresql://u:p@h/app?sslmode=require",
            "postgresql+psycopg2://u:p@h/app?sslmode=require",
        ),
        ("postgresql+psycopg2://u@h/app", "postgresql+psycopg2://u@h/app"),
    ],
)
def test_postgres_urls_are_normalised_to_the_installed_driver(production_env, given, expected):
    production_env.setenv("DATABASE_URL", given)
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == expected


def test_migrations_use_the_direct_url_when_set(production_env):
    production_env.setenv("DATABASE_URL_DIRECT", "postgres://u:p@direct.internal/app")
    app = create_app()
    assert app.config["MIGRATIONS_DATABASE_URI"] == "postgresql+psycopg2://u:p@direct.internal/app"
    assert "direct.internal" not in app.config["SQLALCHEMY_DATABASE_URI"]


def test_secret_key_fallbacks_are_read_as_a_list(production_env):
    production_env.setenv("SECRET_KEY_FALLBACKS", f"old-{PRODUCTION_KEY}, older-{PRODUCTION_KEY}")
    assert create_app().config["SECRET_KEY_FALLBACKS"] == [
        f"old-{PRODUCTION_KEY}",
        f"older-{PRODUCTION_KEY}",
    ]


def test_proxy_fix_is_off_unless_configured(production_env):
    assert type(create_app().wsgi_app).__name__ != "ProxyFix"
    production_env.setenv("PROXY_FIX_X_PROTO", "1")
    app = create_app()
    assert type(app.wsgi_app).__name__ == "ProxyFix"
    assert app.wsgi_app.x_proto == 1
    assert app.wsgi_app.x_for == 0


# Every guard: the environment that trips it ("" for a variable left empty, which .env does
# not fill in), and what the one-line message must say.
GUARDS = [
    pytest.param({"APP_ENV": "staging"}, "APP_ENV is 'staging'; use one of", id="unknown-app-env"),
    pytest.param({"SECRET_KEY": ""}, "SECRET_KEY is not set", id="missing-secret-key"),
    pytest.param({"SECRET_KEY": "short-key"}, "SECRET_KEY is shorter", id="short-secret-key"),
    pytest.param({"SECRET_KEY": "change-me"}, "SECRET_KEY holds a placeholder", id="placeholder"),
    pytest.param(
        {"SECRET_KEY_FALLBACKS": "secret"},
        "SECRET_KEY_FALLBACKS holds a placeholder",
        id="fallback",
    ),
    pytest.param({"DATABASE_URL": ""}, "DATABASE_URL is not set", id="missing-database-url"),
    pytest.param(
        {"DATABASE_URL": "sqlite:///app.db"}, "DATABASE_URL points at SQLite", id="sqlite"
    ),
    pytest.param(
        {"DATABASE_URL": "mysql://u@h/app"}, "DATABASE_URL uses 'mysql'", id="not-postgres"
    ),
    pytest.param({"DATABASE_URL": "not a url"}, "DATABASE_URL is not a database URL", id="garbage"),
    pytest.param(
        {"DATABASE_URL": "postgresql://u@h/app_test"},
        "DATABASE_URL names the test database",
        id="test-db",
    ),
    pytest.param(
        {"DATABASE_URL_DIRECT": "postgresql://u@h/test"},
        "DATABASE_URL_DIRECT names the test database",
        id="test-db-direct",
    ),
    pytest.param(
        {"DATABASE_URL_DIRECT": "sqlite:///app.db"},
        "DATABASE_URL_DIRECT points at SQLite",
        id="sqlite-direct",
    ),
    pytest.param({"TRUSTED_HOSTS": ""}, "TRUSTED_HOSTS is not set", id="no-trusted-hosts"),
    pytest.param({"TRUSTED_HOSTS": " , "}, "TRUSTED_HOSTS is not set", id="blank-trusted-hosts"),
    pytest.param({"FLASK_DEBUG": "1"}, "FLASK_DEBUG is on", id="debug"),
    pytest.param({"DB_POOL_SIZE": "zero"}, "DB_POOL_SIZE must be a whole number", id="pool-size"),
    pytest.param(
        {"DB_MAX_OVERFLOW": "-1"}, "DB_MAX_OVERFLOW must be a whole number", id="overflow"
    ),
    pytest.param({"DB_POOL_TIMEOUT": "0"}, "DB_POOL_TIMEOUT must be a whole number", id="timeout"),
    pytest.param(
        {"DB_POOL_RECYCLE": "soon"}, "DB_POOL_RECYCLE must be a whole number", id="recycle"
    ),
    pytest.param(
        {"DB_CONNECT_TIMEOUT": "0"}, "DB_CONNECT_TIMEOUT must be a whole number", id="connect"
    ),
    *(
        pytest.param(
            {variable: value},
            f"{variable} must be a whole number of at least {minimum}, not {value!r}",
            id=variable.lower(),
        )
        for variable, value, minimum in [
            ("DB_STATEMENT_TIMEOUT", "5s", 0),
            ("DB_LOCK_TIMEOUT", "-1", 0),
            ("DB_IDLE_IN_TRANSACTION_TIMEOUT", "1.5", 0),
            ("DB_KEEPALIVES_IDLE", "0", 1),
            ("DB_KEEPALIVES_INTERVAL", "ten", 1),
            ("DB_KEEPALIVES_COUNT", "0", 1),
            ("DB_TCP_USER_TIMEOUT", "0", 1),
        ]
    ),
    pytest.param({"PROXY_FIX_X_FOR": "-1"}, "PROXY_FIX_X_FOR must be a whole number", id="proxy"),
    pytest.param({"APP_INSTANCES": "0"}, "APP_INSTANCES must be a whole number", id="instances"),
    pytest.param({"HSTS_PRELOAD": "maybe"}, "HSTS_PRELOAD must be 1 or 0", id="hsts-preload"),
]


@pytest.mark.parametrize(("changes", "message"), GUARDS)
def test_the_entry_point_refuses_each_dangerous_setting_in_one_line(
    production_env, changes, message
):
    for variable, value in changes.items():
        production_env.setenv(variable, value)
    # Outside production wsgi.py loads .env into os.environ: keep that from other tests.
    with mock.patch.dict(os.environ), pytest.raises(SystemExit) as refused:
        runpy.run_path(str(PROJECT_ROOT / "wsgi.py"))
    # A string exit code: Python prints it to stderr and exits with status 1.
    assert isinstance(refused.value.code, str)
    assert refused.value.code.startswith("error: ")
    assert message in refused.value.code
    assert "\n" not in refused.value.code


def test_development_also_refuses_a_test_database(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "development-key")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/test")
    with pytest.raises(ConfigError, match="DATABASE_URL names the test database 'test'"):
        create_app("development")


def test_unknown_env_argument_is_refused():
    with pytest.raises(ConfigError, match="APP_ENV is 'prod'; use one of"):
        create_app("prod")


def test_database_names_that_merely_contain_test_are_allowed(production_env):
    production_env.setenv("DATABASE_URL", "postgresql://u@h/contest_results")
    assert create_app().config["ENV_NAME"] == "production"
