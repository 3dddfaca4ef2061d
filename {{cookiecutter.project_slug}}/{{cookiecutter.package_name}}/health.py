"""Probes for load balancers and orchestrators: is the process alive, is it ready to serve."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

{% if cookiecutter.database_provider == "neon" %}from .connection_retry import without_retries
{% endif %}from .extensions import db, talisman

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@talisman(force_https=False)
def healthz() -> dict[str, str]:
    """Liveness: answers while the process can serve, never touching the database."""
    return {"status": "ok"}


@bp.get("/readyz")
@talisman(force_https=False)
def readyz() -> tuple[dict[str, str], int]:
    """Readiness: 200 when the database answers, 503 (JSON) when it does not."""
    try:
{%- if cookiecutter.database_provider == "neon" %}
        # One attempt: waiting out a cold start here would hide the answer from the probe,
        # while the attempt itself is what wakes a suspended compute.
        with without_retries():
            db.session.execute(sa.text("SELECT 1"))
{%- else %}
        db.session.execute(sa.text("SELECT 1"))
{%- endif %}
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness check failed: %s", error.__class__.__name__)
        return {"status": "unavailable", "error": "database unavailable"}, 503
    return {"status": "ok"}, 200
