# Read by the `flask` command: lets `flask db upgrade` etc. work without --app.
FLASK_APP=wsgi
