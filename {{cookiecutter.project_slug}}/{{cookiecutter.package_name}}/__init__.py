"""{{ cookiecutter.description | replace('\\', '\\\\') | replace('"', '\\"') }}"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    cli,
{%- if cookiecutter.database_provider == "neon" %}
    connection_retry,
{%- endif %}
    database_deadlines,
    errors,
    logs,
{%- if cookiecutter.observability != "none" %}
    observability,
{%- endif %}
    security,
{%- if cookiecutter.use_celery %}
    tasks,
{%- endif %}
)
from .config import load_config
from .extensions import {% if cookiecutter.use_caching %}cache, {% endif %}{% if cookiecutter.interface != "api-only" %}csrf, {% endif %}db{% if cookiecutter.use_rate_limiting %}, limiter{% endif %}, migrate{% if cookiecutter.interface != "web-only" %}, rest_api{% endif %}


def create_app(env: str | None = None) -> Flask:
    """Build the app for `env` (default: APP_ENV, else development).

    Raises config.ConfigError, naming the variable to fix, when a setting is unsafe.
    Nothing here connects to the database.
    """
    app = Flask(__name__)
    config = load_config(env)
    app.config.from_object(config)

    logs.init_app(app)
    for warning in config.warnings():
        logs.warn_once(app, warning)
{%- if cookiecutter.observability != "none" %}
    observability.init_app(app)
{%- endif %}
    security.init_app(app)
    db.init_app(app)
    database_deadlines.init_app(app)
{%- if cookiecutter.database_provider == "neon" %}
    with app.app_context():
        connection_retry.install(db.engine, app.config["DB_CONNECT_ATTEMPTS"])
{%- endif %}
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
{%- if cookiecutter.interface != "api-only" %}
    csrf.init_app(app)
{%- endif %}
{%- if cookiecutter.interface != "web-only" %}
    rest_api.init_app(app)
{%- endif %}
{%- if cookiecutter.use_caching %}
    cache.init_app(app)
{%- endif %}
{%- if cookiecutter.use_rate_limiting %}
    limiter.init_app(app)
{%- endif %}
{%- if cookiecutter.use_celery %}
    tasks.init_app(app)
{%- endif %}
{%- if cookiecutter.interface != "web-only" %}

    from .api import bp as api_bp
    from .health import bp as health_bp
{%- else %}

    from .health import bp as health_bp
{%- endif %}
{%- if cookiecutter.interface != "api-only" %}
    from .main import bp as main_bp
{%- else %}
    from .home import bp as home_bp
{%- endif %}

    app.register_blueprint(health_bp)
{%- if cookiecutter.interface != "api-only" %}
    app.register_blueprint(main_bp)
{%- else %}
    app.register_blueprint(home_bp)
{%- endif %}
{%- if cookiecutter.interface == "web-and-api" %}
    # The JSON API uses no cookie-based auth and only parses application/json bodies,
    # which a cross-site form cannot send, so CSRF tokens are for the HTML forms.
    csrf.exempt(api_bp)
{%- endif %}
{%- if cookiecutter.interface != "web-only" %}
    rest_api.register_blueprint(api_bp)
{%- endif %}
{% if cookiecutter.interface != "web-only" %}
    # After flask-smorest, whose own HTTP error handler these replace.
{%- endif %}
    errors.init_app(app)
    cli.init_app(app)

    if any(app.config["PROXY_FIX"].values()):
        proxy_fix = {f"x_{hop}": count for hop, count in app.config["PROXY_FIX"].items()}
        app.wsgi_app = ProxyFix(app.wsgi_app, **proxy_fix)  # type: ignore[method-assign]
    return app
