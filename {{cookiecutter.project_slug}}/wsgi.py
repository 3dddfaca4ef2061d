"""The WSGI entry point: `gunicorn wsgi:app` in production, `flask --app wsgi ...` for commands."""

from dotenv import load_dotenv

from {{ cookiecutter.package_name }} import create_app
from {{ cookiecutter.package_name }}.config import ConfigError

# Values already in the environment win over .env, so a deployment's own settings stand.
load_dotenv()

try:
    app = create_app()
except ConfigError as error:
    # A refused setting is the operator's to fix: say which, in one line, with no traceback.
    raise SystemExit(f"error: {error}") from None
