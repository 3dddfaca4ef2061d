"""Extension objects, created unbound; create_app() binds each one to the app."""

{% if cookiecutter.use_caching %}from flask_caching import Cache
{% endif %}{% if cookiecutter.use_rate_limiting %}from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
{% endif %}from flask_migrate import Migrate
{% if cookiecutter.interface != "web-only" %}from flask_smorest import Api
{% endif %}from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
{% if cookiecutter.interface != "api-only" %}from flask_wtf.csrf import CSRFProtect
{% endif %}{% if cookiecutter.interface != "web-only" %}from marshmallow import Schema
{% endif %}
from .models import Base
{% if cookiecutter.interface != "web-only" %}

class RestApi(Api):
    # The OpenAPI document describes error bodies as errors.json_error() sends them, not as
    # flask-smorest sends its own. Read by init_app(), not at import: the api package imports
    # this module.
    @property
    def ERROR_SCHEMA(self) -> type[Schema]:
        from .api.schemas import ErrorSchema

        return ErrorSchema

{% endif %}
db = SQLAlchemy(model_class=Base)
migrate = Migrate()
talisman = Talisman()
{% if cookiecutter.interface != "api-only" %}csrf = CSRFProtect()
{% endif %}{% if cookiecutter.interface != "web-only" %}# flask-smorest: registers the JSON blueprints and builds their OpenAPI document.
rest_api = RestApi()
{% endif %}{% if cookiecutter.use_caching %}cache = Cache()
{% endif %}{% if cookiecutter.use_rate_limiting %}# Keyed by the client's address; behind a proxy, PROXY_FIX_X_FOR makes that the real client.
limiter = Limiter(get_remote_address)
{% endif %}