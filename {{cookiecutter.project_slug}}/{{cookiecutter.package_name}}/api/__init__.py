"""The JSON API, mounted at /api and described at /api/openapi.json."""

from typing import Any

from flask import Flask, Request
from flask_smorest import Api, Blueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser, abort

from .schemas import ErrorSchema


class JsonBodyParser(FlaskParser):
    """webargs' parser, refusing a body nested too deeply to parse with a 400, not a 500."""

    def load_json(self, req: Request, schema: Schema) -> Any:
        try:
            return super().load_json(req, schema)
        except RecursionError:
            abort(400, messages={"json": ["The JSON body is nested too deeply."]})


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()


class RestApi(Api):
    # The OpenAPI document describes error bodies as errors.json_error() sends them, not as
    # flask-smorest sends its own.
    ERROR_SCHEMA = ErrorSchema


# flask-smorest: registers the JSON blueprints and builds their OpenAPI document.
rest_api = RestApi()
# Annotated, so that mypy knows its type in the route modules this one imports below.
bp: ApiBlueprint = ApiBlueprint("api", __name__, url_prefix="/api", description="Users")

from . import users  # noqa: E402, F401 - registers the routes on bp
{%- if cookiecutter.use_celery %}
from .user_imports import import_later  # noqa: E402, F401 - registers its route on bp
{%- endif %}


def init_app(app: Flask) -> None:
    # flask-smorest: validation and the OpenAPI document at /api/openapi.json.
    app.config.setdefault("API_TITLE", app.config["PROJECT_NAME"])
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    rest_api.init_app(app)
    rest_api.register_blueprint(bp)
{%- if cookiecutter.interface == "web-and-api" %}
    # The JSON API uses no cookie-based auth and only parses application/json bodies, which a
    # cross-site form cannot send, so CSRF tokens are for the HTML forms (main.init_app).
    app.extensions["csrf"].exempt(bp)
{%- endif %}
