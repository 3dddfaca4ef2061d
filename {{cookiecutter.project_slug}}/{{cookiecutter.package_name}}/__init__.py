"""{{ cookiecutter.description | replace('\\', '\\\\') | replace('"', '\\"') }}"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, errors, logs, security
from .config import load_config
from .extensions import csrf, db, migrate, rest_api


def create_app(env: str | None = None) -> Flask:
    """Build the app for `env` (default: APP_ENV, else development).

    Raises config.ConfigError, naming the variable to fix, when a setting is unsafe.
    Nothing here connects to the database.
    """
    app = Flask(__name__)
    app.config.from_object(load_config(env))

    logs.init_app(app)
    security.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    rest_api.init_app(app)

    from .api import bp as api_bp
    from .health import bp as health_bp
    from .main import bp as main_bp

    # The JSON API uses no cookie-based auth and only parses application/json bodies,
    # which a cross-site form cannot send, so CSRF tokens are for the HTML forms.
    csrf.exempt(api_bp)
    rest_api.register_blueprint(api_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(main_bp)

    # After flask-smorest, whose own HTTP error handler these replace.
    errors.init_app(app)
    cli.init_app(app)

    if any(app.config["PROXY_FIX"].values()):
        proxy_fix = {f"x_{hop}": count for hop, count in app.config["PROXY_FIX"].items()}
        app.wsgi_app = ProxyFix(app.wsgi_app, **proxy_fix)  # type: ignore[method-assign]
    return app
