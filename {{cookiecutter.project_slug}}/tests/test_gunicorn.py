"""The production entry points: wsgi.py and gunicorn.conf.py, run through a real gunicorn."""

from __future__ import annotations

import json
import runpy
from collections.abc import Iterator

import pytest

from .conftest import PROJECT_ROOT
from .servers import (
    Server,
    free_port,
    production_settings,
    run_until_exit,
    start_gunicorn,
    start_production_gunicorn,
)


def gunicorn_settings(**environ: str) -> dict[str, object]:
    with pytest.MonkeyPatch.context() as patch:
        for variable, value in environ.items():
            patch.setenv(variable, value)
        return runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))


def test_gunicorn_defaults_are_production_ready():
    settings = gunicorn_settings()
    assert settings["worker_class"] == "gthread"
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["accesslog"] == "-"
    assert settings["max_requests"] > 0
    assert 0 < settings["max_requests_jitter"] < settings["max_requests"]
    assert settings["preload_app"] is True
    assert "{x-request-id}o" in settings["access_log_format"]


def test_gunicorn_sizing_comes_from_the_environment():
    settings = gunicorn_settings(
        GUNICORN_BIND="0.0.0.0:9000", WEB_CONCURRENCY="5", GUNICORN_THREADS="8"
    )
    assert (settings["bind"], settings["workers"], settings["threads"]) == ("0.0.0.0:9000", 5, 8)


def test_gunicorn_refuses_a_malformed_number():
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be a whole number"):
        gunicorn_settings(WEB_CONCURRENCY="many")


def test_production_logs_are_json():
    settings = gunicorn_settings(APP_ENV="production")
    handlers = settings["logconfig_dict"]["handlers"]
    assert {handler["formatter"] for handler in handlers.values()} == {"json"}


@pytest.fixture
def testing_server(migrated_database: None, database_url: str) -> Iterator[Server]:
    server = start_gunicorn(APP_ENV="testing", TEST_DATABASE_URL=database_url)
    yield server
    server.stop()


@pytest.mark.e2e
def test_gunicorn_serves_the_app_and_logs_each_request_with_its_id(testing_server):
    reply = testing_server.get("/readyz", {"X-Request-ID": "trace-42"})
    assert reply.status == 200
    assert reply.json() == {"status": "ok"}
    assert reply.headers["X-Request-ID"] == "trace-42"
{%- if cookiecutter.interface != "web-only" %}
    reply = testing_server.get("/api/users")
    assert reply.status == 200
    assert reply.json()["total"] == 0
{%- else %}
    reply = testing_server.get("/users")
    assert reply.status == 200
    assert "No users yet." in reply.text
{%- endif %}
    log = testing_server.stop()
    access_lines = [line for line in log.splitlines() if "GET /readyz" in line]
    assert "Traceback" not in log
    assert len(access_lines) == 1, log
    assert "request_id=trace-42" in access_lines[0]


@pytest.mark.e2e
def test_production_gunicorn_writes_json_access_logs():
    server = start_production_gunicorn()
    reply = server.get("/healthz")
    log = server.stop()
    assert reply.status == 200
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert len(entries) == len(log.splitlines()), f"a log line is not JSON:\n{log}"
    ours = [entry for entry in entries if entry["request_id"] == reply.headers["X-Request-ID"]]
    assert len(ours) == 1, log
    assert (ours[0]["logger"], ours[0]["path"], ours[0]["status"]) == (
        "gunicorn.access",
        "/healthz",
        "200",
    )


@pytest.mark.e2e
def test_gunicorn_refuses_to_start_with_a_dangerous_setting():
    placeholder = "change-me"
    settings = production_settings(SECRET_KEY=placeholder, GUNICORN_BIND=f"127.0.0.1:{free_port()}")
    result = run_until_exit("gunicorn", "wsgi:app", **settings)
    assert result.returncode != 0
    assert "error: SECRET_KEY holds a placeholder value" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_flask_cli_refuses_with_one_line_too():
    result = run_until_exit("flask", "--app", "wsgi", "routes", APP_ENV="nonsense")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith("error: APP_ENV is 'nonsense'")
    assert "Traceback" not in result.stderr
