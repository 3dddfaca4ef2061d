"""The extensions every variant of the app uses, created unbound; their owners bind them.

An optional part creates its own extension next to the code that uses it (the API's in api/,
the cache's in caching.py), so this module imports nothing of the app but the models' base.
"""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman

from .models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
talisman = Talisman()
