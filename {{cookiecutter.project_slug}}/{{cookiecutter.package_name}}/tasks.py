"""Background work with Celery: each task runs inside the app's context on a worker process.

Start a worker with `celery --app worker worker --loglevel=INFO`; the broker is REDIS_URL.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task, shared_task
from flask import Flask

from .extensions import db
from .redis_config import redis_url
from .users import DuplicateUserError, create_user


def init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    # A worker lives long: hand the connection back to the pool after
                    # every task rather than holding it until the process ends.
                    db.session.remove()

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.config_from_object(app.config.setdefault("CELERY", settings(redis_url(app))))
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def settings(url: str) -> dict[str, Any]:
    """Celery's settings, with REDIS_URL as the broker."""
    return {
        "broker_url": url or "memory://",
        "result_backend": url or "cache+memory://",
        # Without Redis (a development machine without it, most tests), tasks run inline in
        # the calling process; production refuses to start without REDIS_URL (redis_config.py).
        "task_always_eager": not url,
        "task_ignore_result": True,
        # Acknowledge a task only once it has finished, so one lost with its worker is
        # delivered again (tasks must be safe to repeat), and take one at a time.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
    }


@shared_task(ignore_result=False)
def import_users(rows: list[dict[str, str]]) -> dict[str, int]:
    """Create users in the background; a duplicate or invalid row is counted, not fatal."""
    created = skipped = 0
    for row in rows:
        try:
            create_user(row.get("username", ""), row.get("email", ""))
        except (DuplicateUserError, ValueError):
            skipped += 1
        else:
            created += 1
    return {"created": created, "skipped": skipped}
