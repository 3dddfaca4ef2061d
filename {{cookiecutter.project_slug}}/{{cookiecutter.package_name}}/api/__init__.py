"""The JSON API, mounted at /api and described at /api/openapi.json."""

from flask_smorest import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api", description="Users")

from . import users  # noqa: E402, F401 - registers the routes on bp
