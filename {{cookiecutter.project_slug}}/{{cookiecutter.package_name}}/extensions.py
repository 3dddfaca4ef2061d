"""Extension objects, created unbound; create_app() binds each one to the app."""

from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from .models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
talisman = Talisman()
# flask-smorest: registers the JSON blueprints and builds their OpenAPI document.
rest_api = Api()
