"""Tasks bench/run.py runs with the baked project's interpreter, which has its packages.

    python baked_venv_tasks.py cluster-start PACKAGE DIRECTORY DATABASE  (prints a URL)
    python baked_venv_tasks.py cluster-stop PACKAGE DIRECTORY
    python baked_venv_tasks.py seed URL COUNT
    python baked_venv_tasks.py gunicorn-settings        (in the project directory)
    python baked_venv_tasks.py cold-start PACKAGE       (prints seconds: import, create)
    python baked_venv_tasks.py versions PACKAGE...
    python baked_venv_tasks.py server-version URL
    python baked_venv_tasks.py requests TARGET ENDPOINT COUNT  (for callgrind)

Heavy modules are imported inside each task, so that cold-start imports the app's
dependencies itself, as a fresh gunicorn would.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

# Before the counted ones: the first requests open pooled connections and fill caches.
WARM_UP_REQUESTS = 30

# Fixed rows, so every run and every target serves the same bytes: user<n>,
# user<n>@example.com, all created at the same instant.
SEED_SQL = """
INSERT INTO users (username, email, created_at)
SELECT 'user' || n, 'user' || n || '@example.com', timestamptz '2024-01-01 00:00:00+00'
FROM generate_series(1, %(count)s) AS n
"""


def local_postgres(package: str, directory: str) -> Any:
    """The baked package's LocalPostgres: initdb and pg_ctl as an unprivileged user."""
    from importlib import import_module

    module = import_module(f"{package}.development.local_postgres")
    # Throwaway data: skip fsync, as the baked test suite does.
    return module.LocalPostgres(Path(directory), durable=False)


def cluster_start(package: str, directory: str, database: str) -> None:
    cluster = local_postgres(package, directory)
    cluster.start()
    cluster.create_database(database)
    print(cluster.url(database))


def cluster_stop(package: str, directory: str) -> None:
    local_postgres(package, directory).stop()


def seed(url: str, count: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("TRUNCATE users RESTART IDENTITY")
            cursor.execute(SEED_SQL, {"count": int(count)})
        # Outside a transaction: VACUUM refuses to run in one. Fresh statistics and a
        # visibility map make the plans those of a settled table, not a just-loaded one.
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE users")
    finally:
        connection.close()


def gunicorn_settings() -> None:
    """The baked gunicorn.conf.py's values, as gunicorn would read them from here."""
    import runpy

    settings = runpy.run_path("gunicorn.conf.py")
    names = ("workers", "threads", "keepalive", "max_requests", "max_requests_jitter")
    print(json.dumps({name: settings[name] for name in names}))


def cold_start(package: str) -> None:
    started = time.perf_counter()
    from importlib import import_module

    create_app = import_module(package).create_app
    imported = time.perf_counter()
    create_app()
    created = time.perf_counter()
    print(json.dumps({"import": imported - started, "create_app": created - imported}))


def versions(*packages: str) -> None:
    from importlib.metadata import version

    found = {"python": sys.version.split()[0]}
    found.update({package: version(package) for package in packages})
    print(json.dumps(found))


def server_version(url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        print(connection.server_version)
    finally:
        connection.close()


def serve_requests(target: str, endpoint: str, count: str) -> None:
    """Serve COUNT requests to ENDPOINT in-process, for harness/instructions.py.

    `hardened` is the baked app (run in the project directory), `bare` the baseline (run
    in baselines/). Only operator.call() is counted: the imports and warm-up are not.
    """
    import io
    import operator

    sys.path.insert(0, str(Path.cwd()))
    module = "wsgi" if target == "hardened" else "bare_flask_app"
    app = __import__(module).app
    path, _, query = endpoint.partition("?")
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    def call(times: int) -> None:
        for _ in range(times):
            environ = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "REMOTE_ADDR": "127.0.0.1",
                "HTTP_HOST": "127.0.0.1",
                # As wrk sends it: production sits behind a TLS proxy.
                "HTTP_X_FORWARDED_PROTO": "https",
                "wsgi.url_scheme": "http",
                "wsgi.input": io.BytesIO(),
                "wsgi.errors": sys.stderr,
                "wsgi.version": (1, 0),
                "wsgi.multithread": True,
                "wsgi.multiprocess": True,
                "wsgi.run_once": False,
            }
            b"".join(app(environ, start_response))

    call(WARM_UP_REQUESTS)
    if not statuses[-1].startswith("200"):
        raise SystemExit(f"{target} answered {endpoint} with {statuses[-1]}")
    operator.call(call, int(count))


TASKS = {
    "cluster-start": cluster_start,
    "cluster-stop": cluster_stop,
    "seed": seed,
    "gunicorn-settings": gunicorn_settings,
    "cold-start": cold_start,
    "versions": versions,
    "server-version": server_version,
    "requests": serve_requests,
}

if __name__ == "__main__":
    TASKS[sys.argv[1]](*sys.argv[2:])
