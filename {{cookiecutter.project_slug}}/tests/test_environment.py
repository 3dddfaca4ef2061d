"""Which settings file a process reads: `.env` in development, only a named file in production."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import ConfigError
from {{ cookiecutter.package_name }}.environment import load_env_file

from .conftest import PRODUCTION_KEY, PROJECT_ROOT
from .servers import clean_environment, production_settings

DEVELOPMENT_KEY = "a-development-key-from-the-dotenv-file"
DEVELOPMENT_DATABASE = "postgresql://postgres@127.0.0.1:55432/from_dotenv"
DOTENV = f"SECRET_KEY={DEVELOPMENT_KEY}\nDATABASE_URL={DEVELOPMENT_DATABASE}\n"


def env_file(directory: Path, content: str = DOTENV, name: str = ".env") -> Path:
    path = directory / name
    path.write_text(content, encoding="utf-8")
    return path


def test_development_reads_the_dotenv_file_and_the_environment_wins(tmp_path):
    environ = {"SECRET_KEY": "set-in-the-shell"}
    assert load_env_file(env_file(tmp_path), environ) == tmp_path / ".env"
    assert environ == {"SECRET_KEY": "set-in-the-shell", "DATABASE_URL": DEVELOPMENT_DATABASE}


def test_production_never_reads_the_dotenv_file(tmp_path):
    environ = {"APP_ENV": "production"}
    assert load_env_file(env_file(tmp_path), environ) is None
    assert environ == {"APP_ENV": "production"}


def test_production_reads_the_file_env_file_names(tmp_path):
    named = env_file(tmp_path, name="production.env")
    environ = {"APP_ENV": "production", "ENV_FILE": str(named)}
    assert load_env_file(tmp_path / ".env", environ) == named
    assert environ["SECRET_KEY"] == DEVELOPMENT_KEY


def test_a_named_file_may_choose_production(tmp_path):
    named = env_file(tmp_path, f"APP_ENV=production\n{DOTENV}", name="production.env")
    environ = {"ENV_FILE": str(named)}
    load_env_file(tmp_path / ".env", environ)
    assert environ["APP_ENV"] == "production"


def test_a_missing_named_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"ENV_FILE names .*, which is not a file"):
        load_env_file(tmp_path / ".env", {"ENV_FILE": str(tmp_path / "nowhere.env")})


def test_the_dotenv_file_cannot_switch_production_on(tmp_path):
    default = env_file(tmp_path, f"APP_ENV=production\n{DOTENV}")
    environ: dict[str, str] = {}
    with pytest.raises(ConfigError, match=r"APP_ENV=production is set in .*, a development file"):
        load_env_file(default, environ)
    assert environ == {}, "nothing may be loaded from a refused file"


def test_without_a_dotenv_file_nothing_is_read(tmp_path):
    environ = {"SECRET_KEY": "set-in-the-shell"}
    assert load_env_file(tmp_path / ".env", environ) is None
    assert environ == {"SECRET_KEY": "set-in-the-shell"}


@pytest.mark.parametrize("skip", ["", "0", "no"])
def test_production_refuses_what_the_flask_command_read_from_dotenv(tmp_path, monkeypatch, skip):
    env_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    environ = {"APP_ENV": "production", "FLASK_RUN_FROM_CLI": "true", "FLASK_SKIP_DOTENV": skip}
    with pytest.raises(ConfigError, match="run flask commands in production with FLASK_SKIP_"):
        load_env_file(tmp_path / ".env", environ)


def test_production_trusts_the_flask_command_told_to_skip_dotenv(tmp_path, monkeypatch):
    env_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    environ = {"APP_ENV": "production", "FLASK_RUN_FROM_CLI": "true", "FLASK_SKIP_DOTENV": "1"}
    assert load_env_file(tmp_path / ".env", environ) is None


# Through the real entry points: a copy of wsgi.py in a directory of its own, with a .env
# beside it, run as a deployment would run it.


@pytest.fixture
def deploy_directory(tmp_path: Path) -> Path:
    shutil.copy(PROJECT_ROOT / "wsgi.py", tmp_path / "wsgi.py")
    env_file(tmp_path)
    return tmp_path


def run_in(directory: Path, *command: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own entry points
        [sys.executable, *command],
        cwd=directory,
        env=clean_environment(**settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


LOADS_THE_APP = ("-c", "import wsgi; print(wsgi.app.config['SQLALCHEMY_DATABASE_URI'])")
LISTS_THE_ROUTES = ("-m", "flask", "--app", "wsgi", "routes")
# A valid production environment without the key and the database, whose source is under test,
# and with the flask command left to read .env as it does by default.
PRODUCTION = {
    variable: value
    for variable, value in production_settings().items()
    if variable not in {"SECRET_KEY", "DATABASE_URL", "FLASK_SKIP_DOTENV"}
}


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": PRODUCTION_KEY}, "DATABASE_URL"),
    ],
)
def test_production_with_a_dotenv_file_still_refuses_what_the_environment_lacks(
    deploy_directory, settings, missing
):
    ran = run_in(deploy_directory, *LOADS_THE_APP, **PRODUCTION, **settings)
    assert ran.returncode == 1, ran.stdout
    assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert ran.stderr.startswith(f"error: {missing} is not set"), ran.stderr


def test_production_starts_with_the_file_env_file_names(deploy_directory):
    production_file = env_file(
        deploy_directory,
        f"SECRET_KEY={PRODUCTION_KEY}\nDATABASE_URL=postgresql://app@db.internal/app\n",
        name="production.env",
    )
    ran = run_in(deploy_directory, *LOADS_THE_APP, **PRODUCTION, ENV_FILE=str(production_file))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "postgresql+psycopg2://app@db.internal/app"


def test_development_still_reads_the_dotenv_file(deploy_directory):
    ran = run_in(deploy_directory, *LOADS_THE_APP)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == DEVELOPMENT_DATABASE.replace("postgresql:", "postgresql+psycopg2:")


def test_the_flask_command_in_production_refuses_a_dotenv_file(deploy_directory):
    settings = {
        **PRODUCTION,
        "SECRET_KEY": PRODUCTION_KEY,
        "DATABASE_URL": "postgresql://app@db.internal/app",
    }
    refused = run_in(deploy_directory, *LISTS_THE_ROUTES, **settings)
    assert refused.returncode == 1, refused.stdout
    assert "FLASK_SKIP_DOTENV=1" in refused.stderr, refused.stderr

    skipped = run_in(deploy_directory, *LISTS_THE_ROUTES, FLASK_SKIP_DOTENV="1", **settings)
    assert skipped.returncode == 0, skipped.stderr
    assert "/healthz" in skipped.stdout
