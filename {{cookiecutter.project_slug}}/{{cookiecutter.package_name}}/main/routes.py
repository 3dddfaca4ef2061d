"""Home page, and the users page with its create form."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..api.schemas import MAX_PAGE
from ..extensions import db
from ..models import DuplicateUserError, User, create_user
from . import bp
from .forms import UserForm

USERS_PER_PAGE = 20


@bp.get("/")
def index() -> str:
    return render_template("main/index.html")


@bp.get("/users")
def users() -> str:
    return render_users(UserForm())


@bp.post("/users")
def create() -> Response | tuple[str, int]:
    form = UserForm()
    if not form.validate_on_submit():
        return render_users(form), 422
    username = (form.username.data or "").strip()
    email = (form.email.data or "").strip().lower()
    try:
        create_user(db.session, username, email)
    except DuplicateUserError as error:
        getattr(form, error.field).errors.append(f"A user with this {error.field} already exists.")
        return render_users(form), 409
    flash(f"Created user {username}.", "success")
    # Post/redirect/get: reloading the list does not submit the form again.
    return redirect(url_for("main.users"), code=303)


def render_users(form: UserForm) -> str:
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404, description="There is no such page.")
    pagination = db.paginate(
        sa.select(User).order_by(User.id.desc()),
        page=page,
        per_page=USERS_PER_PAGE,
        error_out=False,
    )
    return render_template("main/users.html", form=form, pagination=pagination)
