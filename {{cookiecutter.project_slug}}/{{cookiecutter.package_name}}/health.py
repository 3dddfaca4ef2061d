"""Probes for load balancers and orchestrators: is the process alive, is it ready to serve."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import sqlalchemy as sa
from flask import Blueprint, current_app
from flask.blueprints import BlueprintSetupState
from sqlalchemy.exc import SQLAlchemyError

from .connect_retries import without_retries
from .errors import describe_database_error
from .extensions import db, talisman

# /readyz answers within this whatever the database does: inside any probe's own timeout
# (5 s in deploy/kubernetes.yaml), and short of the connect and statement deadlines.
READINESS_TIMEOUT_SECONDS = 2
SELECT_1 = sa.text("SELECT 1")
UNAVAILABLE = {"status": "unavailable", "error": "database unavailable"}

bp = Blueprint("health", __name__)


class ReadinessCheck:
    """Asks the database, in one background thread per process, under a hard time limit.

    The database deadlines bound the check's waits on the server, but not a host name lookup
    or a wait for a free pooled connection: only a thread the probe does not wait for past
    its limit bounds everything. Probes that arrive while a check runs wait for that one
    instead of starting another, so checks against a stalled database never pile up.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = 0
        self._executor: ThreadPoolExecutor | None = None
        self._running: Future[None] | None = None

    def run(self, engine: sa.Engine, timeout: float) -> None:
        """Return once the database answered; raise its SQLAlchemyError, or TimeoutError."""
        with self._lock:
            # gunicorn loads the app, then forks its workers: a thread of the parent's is not
            # in the child.
            if self._executor is None or self._pid != os.getpid():
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="readiness")
                self._pid = os.getpid()
                self._running = None
            if self._running is None or self._running.done():
                self._running = self._executor.submit(select_1, engine)
            running = self._running
        running.result(timeout)


def select_1(engine: sa.Engine) -> None:
    # One attempt: waiting out a restart or a cold start here would hide the answer from the
    # probe (and the attempt itself is what wakes a suspended compute).
    with without_retries(), engine.connect() as connection:
        connection.execute(SELECT_1)


@bp.record_once
def add_readiness_check(state: BlueprintSetupState) -> None:
    state.app.extensions["readiness_check"] = ReadinessCheck()


@bp.get("/healthz")
@talisman(force_https=False)
def healthz() -> dict[str, str]:
    """Liveness: answers while the process can serve, never touching the database."""
    return {"status": "ok"}


@bp.get("/readyz")
@talisman(force_https=False)
def readyz() -> tuple[dict[str, str], int]:
    """Readiness: 200 when the database answers, 503 (JSON) when it does not or not in time."""
    try:
        current_app.extensions["readiness_check"].run(db.engine, READINESS_TIMEOUT_SECONDS)
    except TimeoutError:
        current_app.logger.warning(
            "readiness check failed: no answer within %ss", READINESS_TIMEOUT_SECONDS
        )
        return UNAVAILABLE, 503
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness check failed: %s", describe_database_error(error))
        return UNAVAILABLE, 503
    return {"status": "ok"}, 200
