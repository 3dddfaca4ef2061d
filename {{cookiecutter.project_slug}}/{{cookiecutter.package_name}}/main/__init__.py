"""The HTML pages, and the CSRF protection of their forms."""

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFProtect

bp = Blueprint("main", __name__)
# Every POST, PUT, PATCH and DELETE must carry the session's token unless exempted.
csrf = CSRFProtect()

from . import routes  # noqa: E402, F401 - registers the routes on bp


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.register_blueprint(bp)
