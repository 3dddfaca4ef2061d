"""Which settings file, if any, a process may read on top of its environment.

Development reads the project's `.env`, which wsgi.py names. Production (APP_ENV=production
in the process environment) reads its environment only, unless the operator names a file with
ENV_FILE: a development `.env` left in a deploy directory must never hand production its key or
database. Nor can a `.env` switch production on; only the environment or a named file can.
Values already in the environment always win over a file's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from dotenv import dotenv_values, find_dotenv

from .config import ConfigError


def load_env_file(default: Path, environ: MutableMapping[str, str] = os.environ) -> Path | None:
    """Copy the settings of the file this process may read (`default`, the development file,
    or the one ENV_FILE names) into `environ` without overriding anything already there, and
    return it; None when no file is read.

    Raises ConfigError, naming what to change, when a development file would reach production.
    """
    named = environ.get("ENV_FILE", "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise ConfigError(
                f"ENV_FILE names {named!r}, which is not a file; fix the path or unset ENV_FILE"
            )
    elif _is_production(environ):
        path = None
    elif default.is_file():
        path = default
    else:
        return None
    values = {k: v for k, v in dotenv_values(path).items() if v is not None} if path else {}

    if path == default and _is_production(values):
        raise ConfigError(
            f"APP_ENV=production is set in {default}, a development file; production takes its "
            "settings from the process environment: set APP_ENV=production there (and name a "
            "settings file with ENV_FILE if you keep one)"
        )
    if _is_production({**values, **environ}):
        _refuse_what_the_flask_command_loaded(environ)
    for key, value in values.items():
        environ.setdefault(key, value)
    return path


def _is_production(settings: Mapping[str, str]) -> bool:
    return settings.get("APP_ENV", "").strip() == "production"


def _refuse_what_the_flask_command_loaded(environ: MutableMapping[str, str]) -> None:
    # The `flask` command copies `.env` into the environment before it imports the app, unless
    # FLASK_SKIP_DOTENV is set: by now its values are indistinguishable from the operator's.
    skipped = environ.get("FLASK_SKIP_DOTENV", "").strip().lower() not in {"", "0", "false", "no"}
    if environ.get("FLASK_RUN_FROM_CLI") != "true" or skipped:
        return
    found = find_dotenv(".env", usecwd=True)
    if found:
        raise ConfigError(
            f"the flask command read the development file {found} into this production "
            "process; run flask commands in production with FLASK_SKIP_DOTENV=1 (and name a "
            "settings file with ENV_FILE if you keep one), or remove that file"
        )
