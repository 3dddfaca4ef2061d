"""Home page, and the users page with its create form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..users import MAX_PAGE, DuplicateUserError, create_user, users_page
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
    try:
        user = create_user(form.username.data or "", form.email.data or "")
    except DuplicateUserError as error:
        getattr(form, error.field).errors.append(str(error))
        return render_users(form), 409
    flash(f"Created user {user.username}.", "success")
    # Post/redirect/get: reloading the list does not submit the form again.
    return redirect(url_for("main.users"), code=303)


def render_users(form: UserForm) -> str:
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404, description="There is no such page.")
    listing = users_page(page, USERS_PER_PAGE, newest_first=True)
    return render_template("main/users.html", form=form, listing=listing)
