"""REDIS_URL (redis_config.py): production refuses to start without a Redis URL, development
says once that each process keeps its own state."""

import pytest

from {{ cookiecutter.package_name }} import create_app, logs
from {{ cookiecutter.package_name }}.config import ConfigError


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "REDIS_URL is not set; production shares"),
        ("http://redis.internal", "REDIS_URL is not a Redis URL"),
    ],
)
def test_production_refuses_to_start_without_a_redis_url(production_env, value, message):
    production_env.setenv("REDIS_URL", value)
    with pytest.raises(ConfigError, match=message):
        create_app()


def test_production_starts_with_a_redis_url(production_env):
    assert create_app().config["REDIS_URL"] == "redis://redis.internal:6379/0"


def test_development_warns_that_without_redis_each_process_keeps_its_own_state(monkeypatch, capfd):
    monkeypatch.setattr(logs, "_warned", set())
    monkeypatch.setenv("SECRET_KEY", "development-key")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:55432/app")
    create_app("development")
    create_app("development")
    warnings = [line for line in capfd.readouterr().err.splitlines() if "REDIS_URL" in line]
    # Once per process, however many apps it makes (the CLI and the reloader make several).
    assert len(warnings) == 1, warnings
    assert "REDIS_URL is not set, so this process keeps" in warnings[0]

    monkeypatch.setattr(logs, "_warned", set())
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    create_app("development")
    assert "REDIS_URL" not in capfd.readouterr().err
