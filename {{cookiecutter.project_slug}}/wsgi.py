"""The WSGI entry point: `gunicorn wsgi:app` in production, `flask --app wsgi ...` for commands."""

from pathlib import Path

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError
from {{ cookiecutter.package_name }}.environment import load_env_file

try:
    load_env_file(Path(__file__).with_name(".env"))
    app = create_app()
except ConfigError as error:
    # A refused setting is the operator's to fix: say which, in one line, with no traceback.
    raise SystemExit(f"error: {error}") from None
