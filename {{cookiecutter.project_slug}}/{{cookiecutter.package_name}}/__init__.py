"""{{ cookiecutter.description | replace('\\', '\\\\') | replace('"', '\\"') }}"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, database, errors, health, logs, security
from .config import load_config


def create_app(env: str | None = None) -> Flask:
    """Build the app for `env` (default: APP_ENV, else development).

    Raises config.ConfigError, naming the variable to fix, when a setting is unsafe.
    Nothing here connects to the database.
    """
    app = Flask(__name__)
    app.config.from_object(load_config(env))

    logs.init_app(app)
{%- if cookiecutter.observability != "none" %}

    from . import observability

    observability.init_app(app)
{%- endif %}
    security.init_app(app)
    database.init_app(app)
{%- if cookiecutter.use_caching %}

    from . import caching

    caching.init_app(app)
{%- endif %}
{%- if cookiecutter.use_rate_limiting %}

    from . import rate_limits

    rate_limits.init_app(app)
{%- endif %}
{%- if cookiecutter.use_celery %}

    from . import tasks

    tasks.init_app(app)
{%- endif %}

    app.register_blueprint(health.bp)
{%- if cookiecutter.interface == "api-only" %}

    from . import home

    app.register_blueprint(home.bp)
{%- else %}

    from . import main

    main.init_app(app)
{%- endif %}
{%- if cookiecutter.interface != "web-only" %}

    from . import api

    api.init_app(app)
{%- endif %}
    # After the API's, whose own HTTP error handler these replace.
    errors.init_app(app)
    cli.init_app(app)

    if any(app.config["PROXY_FIX"].values()):
        proxy_fix = {f"x_{hop}": count for hop, count in app.config["PROXY_FIX"].items()}
        app.wsgi_app = ProxyFix(app.wsgi_app, **proxy_fix)  # type: ignore[method-assign]
    return app
