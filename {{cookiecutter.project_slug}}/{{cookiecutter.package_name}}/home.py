"""The front door of the API: what this service is and where its parts are, at GET /."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, current_app, url_for

bp = Blueprint("home", __name__)

try:
    VERSION: str | None = version("{{ cookiecutter.project_slug }}")
except PackageNotFoundError:  # run from a source tree that was never installed
    VERSION = None


@bp.get("/")
def index() -> dict[str, object]:
    """Name, version and links, so that `curl http://HOST/` says where to go next."""
    return {
        "name": current_app.config["PROJECT_NAME"],
        "description": current_app.config["PROJECT_DESCRIPTION"],
        "version": VERSION,
        "links": {
            "openapi": url_for("api-docs.openapi_json"),
            "users": url_for("api.list_users"),
            "health": url_for("health.healthz"),
            "readiness": url_for("health.readyz"),
        },
    }
