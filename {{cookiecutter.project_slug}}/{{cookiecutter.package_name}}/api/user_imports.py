"""/api/users/imports: create many users at once, in the background (Celery)."""

from __future__ import annotations

from flask import abort
from kombu.exceptions import OperationalError as KombuOperationalError
from marshmallow import Schema, fields, validate

from ..tasks import import_users
from . import bp
from .schemas import ErrorSchema, UserCreateSchema

# One import is one task: small enough to finish well within a worker's shutdown grace period.
MAX_IMPORT_USERS = 1000


class UserImportSchema(Schema):
    users = fields.List(
        fields.Nested(UserCreateSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_IMPORT_USERS),
    )


class ImportAcceptedSchema(Schema):
    task_id = fields.String(
        dump_only=True, metadata={"description": "The Celery task creating the users."}
    )


@bp.post("/users/imports")
@bp.arguments(UserImportSchema())
@bp.response(202, ImportAcceptedSchema)
@bp.alt_response(503, schema=ErrorSchema, description="The job queue is unreachable.")
def import_later(payload: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    """Create many users in the background; they appear in the list as the task runs.

    A row whose username or email is taken by then is skipped.
    """
    try:
        # Nobody waits for the result: not subscribing to it keeps the call to one publish.
        task = import_users.apply_async((payload["users"],), ignore_result=True)
    except KombuOperationalError:
        abort(503, description="The job queue is unreachable; retry later.")
    return {"task_id": task.id}
