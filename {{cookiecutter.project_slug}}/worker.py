"""The Celery worker's entry point: `celery --app worker worker --loglevel=INFO`."""

from wsgi import app as flask_app

celery = flask_app.extensions["celery"]
