"""The JSON API, mounted at /api and described at /api/openapi.json."""

from typing import Any

from flask import Request
from flask_smorest import Blueprint
from marshmallow import Schema
from webargs.flaskparser import FlaskParser, abort


class JsonBodyParser(FlaskParser):
    """webargs' parser, refusing a body nested too deeply to parse with a 400, not a 500."""

    def load_json(self, req: Request, schema: Schema) -> Any:
        try:
            return super().load_json(req, schema)
        except RecursionError:
            abort(400, messages={"json": ["The JSON body is nested too deeply."]})


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()


bp = ApiBlueprint("api", __name__, url_prefix="/api", description="Users")

from . import users  # noqa: E402, F401 - registers the routes on bp
