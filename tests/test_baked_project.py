"""Representative bakes pass their own test suites, which fail when a guard breaks.

Each suite runs in a fresh virtual environment installed from that bake's
pruned locks alone, as its README says (see ``venv_for`` in conftest.py),
against the throwaway PostgreSQL the project's tests provision for themselves
and, for the options that use Redis, the real Redis at 127.0.0.1:6379 (one
database number per combination, so that suites never see each other's keys;
without one there, a throwaway redis-server per suite).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from drheader import Drheader

from template_hooks import denied_names

from conftest import PRODUCTION_SETTINGS, THROUGH_THE_PROXY, Bake, gunicorn, run, tail
from matrix import MATRIX, REPRESENTATIVE, uses_redis

pytestmark = pytest.mark.slow

# -rfs: list every failure and skip, whatever the project's own addopts say.
SUITE = ["-m", "pytest", "-q", "-rfs", "-p", "no:cacheprovider"]
SUITE_TIMEOUT = 900
MYPY_CACHE = Path(tempfile.gettempdir()) / "cookiecutter-flask-postgres-mypy-cache"
# The Redis the baked suites share (they read TEST_REDIS_URL); when none answers
# there, each suite starts a throwaway redis-server of its own instead.
REDIS_URL = os.environ.get("TEMPLATE_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _redis_answers(url: str) -> bool:
    parsed = urlsplit(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2
        ) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


REDIS_AVAILABLE = _redis_answers(REDIS_URL)


def redis_env(row: str) -> dict[str, str]:
    if not uses_redis(MATRIX[row]) or not REDIS_AVAILABLE:
        return {}
    # One database per combination, so that no suite sees another's keys.
    database = list(MATRIX).index(row) + 1
    return {"TEST_REDIS_URL": f"{REDIS_URL}/{database}"}


def _run_suite(
    python: Path, project: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """The project's own suite, in the project's own directory and venv.

    The bake is shared with other tests, which read every file in it: mypy's
    cache goes elsewhere (one for all bakes, which mypy checks file by file
    against their hashes), and no bytecode is written next to the sources.
    """
    return run(
        [str(python), *SUITE],
        cwd=project,
        timeout=SUITE_TIMEOUT,
        MYPY_CACHE_DIR=str(MYPY_CACHE),
        PYTHONDONTWRITEBYTECODE="1",
        **env,
    )


def _failed_tests(output: str) -> set[str]:
    return {
        line.removeprefix("FAILED ").split(" - ")[0]
        for line in output.splitlines()
        if line.startswith("FAILED ")
    }


Suite = subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def suite_of(bake: Bake, venv_for) -> Callable[[str], Suite]:
    """The baked project's own suite for a matrix row, run once per row."""
    done: dict[str, Suite] = {}

    def suite_of(row: str) -> Suite:
        if row not in done:
            project = bake(MATRIX[row])
            done[row] = _run_suite(venv_for(project), project, redis_env(row))
        return done[row]

    return suite_of


@pytest.fixture(params=REPRESENTATIVE, scope="module")
def row(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def suite(row: str, suite_of) -> Suite:
    return suite_of(row)


def test_baked_project_suite_passes_in_a_fresh_venv(row: str, suite) -> None:
    assert suite.returncode == 0, (
        f"the {row} bake's tests failed (exit {suite.returncode}):\n"
        f"{tail(suite.stdout)}"
    )


def test_no_baked_test_is_skipped(row: str, suite) -> None:
    # Everything the baked suites need is here (PostgreSQL's server programs,
    # Redis, Chromium): a skip would leave a protection untested.
    assert not re.search(r"\d+ skipped", suite.stdout), (
        f"the {row} bake skipped tests:\n{tail(suite.stdout)}"
    )


@pytest.mark.parametrize("row", ["all-on", "all-on-neon"])
def test_two_instances_share_their_state_through_redis_and_postgresql(
    row: str, bake: Bake, venv_for
) -> None:
    # The all-on-neon suite runs these tests too; here they run alone, for each database
    # provider, and must all have run.
    project = bake(MATRIX[row])
    result = run(
        [str(venv_for(project)), *SUITE, "-m", "multi_instance"],
        cwd=project,
        timeout=SUITE_TIMEOUT,
        PYTHONDONTWRITEBYTECODE="1",
        **redis_env(row),
    )
    assert result.returncode == 0, tail(result.stdout)
    assert re.search(r"\b5 passed", result.stdout), tail(result.stdout)


def test_each_option_brings_its_own_tests(row: str, bake: Bake) -> None:
    tests = bake(MATRIX[row]) / "tests"
    answers = MATRIX[row]
    expected = {
        "test_caching.py": answers["use_caching"],
        "test_rate_limits.py": answers["use_rate_limiting"],
        "test_tasks.py": answers["use_celery"],
        "test_observability.py": answers["observability"] != "none",
        "test_neon.py": answers["database_provider"] == "neon",
        "test_redis_config.py": uses_redis(answers),
        "main/test_static.py": answers["interface"] != "api-only",
        "test_home.py": answers["interface"] == "api-only",
        "e2e/test_browser.py": answers["interface"] != "api-only",
        "e2e/test_hostile_input.py": answers["interface"] != "web-only",
        "e2e/two_instances.py": uses_redis(answers),
        "e2e/test_sessions_across_instances.py": uses_redis(answers)
        and answers["interface"] != "api-only",
        "e2e/test_caching_across_instances.py": answers["use_caching"],
        "e2e/test_rate_limits_across_instances.py": answers["use_rate_limiting"],
        "e2e/test_tasks_across_instances.py": answers["use_celery"]
        and answers["interface"] != "web-only",
    }
    assert {name: (tests / name).is_file() for name in expected} == expected


def test_baked_suite_fails_when_session_cookie_is_readable_by_scripts(
    default_bake: Path,
    default_answers,
    baked_venv_python: Path,
    suite_of,
    tmp_path: Path,
) -> None:
    package = str(default_answers["package_name"])
    project = tmp_path / default_bake.name
    shutil.copytree(default_bake, project, symlinks=True)
    config = project / package / "config.py"
    guarded = "SESSION_COOKIE_HTTPONLY = True"
    source = config.read_text(encoding="utf-8")
    assert source.count(guarded) == 1, f"{guarded!r} is no longer in {config.name}"
    config.write_text(
        source.replace(guarded, "SESSION_COOKIE_HTTPONLY = False"), encoding="utf-8"
    )
    # The venv has the default bake installed in editable mode; the copy must
    # win, as it does for `python -m pytest` (the working directory comes first).
    imported = run(
        [str(baked_venv_python), "-c", f"import {package}; print({package}.__file__)"],
        cwd=project,
    )
    assert Path(imported.stdout.strip()).is_relative_to(project), imported.stdout

    unmodified = suite_of("defaults")
    broken = _run_suite(baked_venv_python, project, redis_env("defaults"))

    # Judged against the unmodified suite, so that it holds even while that fails.
    newly_failing = _failed_tests(broken.stdout) - _failed_tests(unmodified.stdout)
    assert broken.returncode == 1
    assert newly_failing, (
        "no test of the baked project caught a session cookie without HttpOnly:\n"
        f"{tail(broken.stdout)}"
    )


def test_package_denylist_covers_every_module_the_baked_projects_install(
    default_answers, bake: Bake, venv_for
) -> None:
    uncovered: dict[str, list[str]] = {}
    for row in REPRESENTATIVE:
        project = bake(MATRIX[row])
        listed = run(
            [
                str(venv_for(project)),
                "-c",
                "import importlib.metadata, json;"
                "print(json.dumps(sorted(importlib.metadata.packages_distributions())))",
            ],
            cwd=project,
        )
        assert listed.returncode == 0, listed.stdout
        installed = set(json.loads(listed.stdout)) - {default_answers["package_name"]}
        could_shadow = {
            name for name in installed if re.fullmatch("[a-z][a-z0-9_]*", name)
        }
        missing = sorted(could_shadow - denied_names.forbidden_package_names())
        if missing:
            uncovered[row] = missing
    assert uncovered == {}, (
        "denied names miss these: see IMPORT_NAMES in template_hooks/denied_names.py"
    )


# The baked suites grade their responses by drHEADer's default rules, restated in
# their tests/test_security.py (drHEADer itself cannot be a dependency of theirs:
# it pins a PyYAML without wheels for Python 3.13). Here drHEADer itself grades
# the same production responses: from Flask's test client (with a route that
# writes the session, for its cookie) and from the bake's own gunicorn, which
# adds headers of its own.
HEADER_SAMPLE = """
import json, sys
from flask import session
from {package} import create_app

app = create_app()

@app.get("/sample-session")
def sample_session():
    session["seen"] = True
    return "ok"

client = app.test_client()
samples = {{}}
for path in sys.argv[1:]:
    response = client.get(path, base_url="https://example.com")
    headers = {{k: v for k, v in response.headers.items() if k != "Set-Cookie"}}
    headers["Set-Cookie"] = response.headers.getlist("Set-Cookie")
    samples[path] = headers
print(json.dumps(samples))
"""


def _graded(headers: list[tuple[str, str]]) -> dict[str, object]:
    """Headers as drHEADer takes them: one entry each, Set-Cookie as a list."""
    graded: dict[str, object] = {k: v for k, v in headers if k.lower() != "set-cookie"}
    graded["Set-Cookie"] = [v for k, v in headers if k.lower() == "set-cookie"]
    return graded


def test_drheader_finds_no_issue_in_production_responses(
    row: str, bake: Bake, venv_for
) -> None:
    project = bake(MATRIX[row])
    python = venv_for(project)
    interface = MATRIX[row]["interface"]
    # / is the home page, or the JSON index of an API-only service.
    paths = ["/", "/healthz", "/readyz", "/no-such-page"]
    paths += (
        ["/api/openapi.json", "/api/no-such-thing"] if interface != "web-only" else []
    )
    package = project.joinpath("pyproject.toml").read_text(encoding="utf-8")
    package_name = re.search(r'^packages = \["(\w+)"\]', package, re.M)
    assert package_name, "no package in pyproject.toml"
    sampled = run(
        [
            str(python),
            "-c",
            HEADER_SAMPLE.format(package=package_name.group(1)),
            *paths,
            "/sample-session",
        ],
        cwd=project,
        **PRODUCTION_SETTINGS,
    )
    assert sampled.returncode == 0, tail(sampled.stdout)
    samples = {
        f"test client {path}": headers
        for path, headers in json.loads(sampled.stdout.splitlines()[-1]).items()
    }
    with gunicorn(python, project, **PRODUCTION_SETTINGS) as server:
        for path in paths:
            answer = server.get(path, THROUGH_THE_PROXY)
            samples[f"gunicorn {path}"] = _graded(answer.headers)
    findings = {
        name: Drheader(headers=headers).analyze() for name, headers in samples.items()
    }
    assert findings == {name: [] for name in samples}, findings
