"""How a baked project ships: the container image and development stack
(use_docker), the CI pipeline (ci_provider), and, in every bake, pre-commit
hooks that run offline.

Each file is checked by the tool its users' own tooling would apply: hadolint
for the Dockerfile, `docker-compose config` for compose.yaml, actionlint (with
shellcheck on every `run:` script) and GitHub's workflow schema for workflows,
GitLab's CI schema for pipelines. No Docker engine is needed, and none builds
an image here: these tests read what the build would do instead, down to which
files `docker build` would send (the .dockerignore rules, applied as Docker
applies them), and run the image's health check command against the app
served as the image serves it.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from conftest import (
    INSTALL_DEVELOPMENT,
    INSTALL_PROJECT,
    PRODUCTION_SETTINGS,
    ROOT,
    Bake,
    gunicorn,
    postgresql,
    run,
    tail,
)
from matrix import MATRIX, REPRESENTATIVE, uses_redis

TOOLS = Path(sys.executable).parent
# The uv the template resolves the locks with; images and pipelines install with it.
UV_VERSION = re.search(
    r"^uv==(\S+)$", (ROOT / "requirements-dev.txt").read_text(encoding="utf-8"), re.M
).group(1)

DOCKER_ROWS = [name for name, row in MATRIX.items() if row["use_docker"]]
GITHUB_ROWS = [name for name, row in MATRIX.items() if row["ci_provider"] == "github"]
GITLAB_ROWS = [name for name, row in MATRIX.items() if row["ci_provider"] == "gitlab"]

DOCKER_FILES = ("Dockerfile", ".dockerignore", "compose.yaml")
WORKFLOW = ".github/workflows/ci.yml"
DEPENDABOT = ".github/dependabot.yml"
PIPELINE = ".gitlab-ci.yml"

# The commands every pipeline runs, in this order: the install is the one the
# baked projects' suites are tested with (conftest.py's venv_for).
INSTALL = [f"uv {INSTALL_DEVELOPMENT}", f"uv {INSTALL_PROJECT}"]
LINT = ["ruff check .", "ruff format --check ."]
MIGRATE_AND_TEST = [
    "flask --app wsgi db upgrade",
    "flask --app wsgi db check",
    "python -m pytest",
]


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _isolated(tmp_path: Path) -> dict[str, str]:
    """An environment in which no user configuration can loosen a linter."""
    return {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}


@pytest.fixture(scope="module")
def baked(bake: Bake):
    """The bake of a matrix row, by name (one bake per row per session)."""
    return lambda row: bake(MATRIX[row])


# Which files each option leaves.


@pytest.mark.parametrize("row", list(MATRIX))
def test_the_options_decide_which_delivery_files_exist(row: str, baked) -> None:
    answers, project = MATRIX[row], baked(row)
    present = {
        path
        for path in (*DOCKER_FILES, WORKFLOW, DEPENDABOT, PIPELINE)
        if (project / path).is_file()
    }
    expected = set(DOCKER_FILES) if answers["use_docker"] else set()
    if answers["ci_provider"] == "github":
        expected |= {WORKFLOW, DEPENDABOT}
    elif answers["ci_provider"] == "gitlab":
        expected.add(PIPELINE)
    assert present == expected
    assert (project / ".github").exists() == (answers["ci_provider"] == "github")
    assert (project / ".pre-commit-config.yaml").is_file()


# The Dockerfile.


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs: continuation lines joined, runs of
    whitespace made one space, comments gone."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    return [
        (words[0].upper(), " ".join(words[1:]))
        for words in (line.split() for line in joined.splitlines())
        if words and not words[0].startswith("#")
    ]


def _stages(dockerfile: str) -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions(dockerfile):
        if instruction[0] == "FROM":
            stages.append([])
        stages[-1].append(instruction)
    return stages


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_dockerfile_passes_hadolint(row: str, baked, tmp_path) -> None:
    linted = run(
        [str(TOOLS / "hadolint"), "--failure-threshold", "style", "Dockerfile"],
        cwd=baked(row),
        **_isolated(tmp_path),
    )
    assert linted.returncode == 0, linted.stdout


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_image_is_slim_unprivileged_and_serves_with_gunicorn(row: str, baked) -> None:
    dockerfile = (baked(row) / "Dockerfile").read_text(encoding="utf-8")
    build, final = _stages(dockerfile)
    base = f"python:{MATRIX[row]['python_version']}-slim-trixie"
    assert build[0] == ("FROM", f"{base} AS build")
    assert final[0] == ("FROM", base)

    build_text = " ".join(arguments for _, arguments in build)
    assert f"ghcr.io/astral-sh/uv:{UV_VERSION} " in build_text
    assert "--require-hashes --no-deps -r /tmp/requirements.lock" in build_text

    final_text = "\n".join(f"{name} {arguments}" for name, arguments in final)
    for absent in ("uv", "requirements-dev", "gcc", "build-essential", "apt-get"):
        assert not re.search(rf"(^|[\s/]){re.escape(absent)}\b", final_text), absent
    user = [arguments for name, arguments in final if name == "USER"]
    assert user == ["10001:10001"], "the app must run as a fixed, unprivileged user"
    assert ("COPY", "--from=build /opt/venv /opt/venv") in final
    assert ("EXPOSE", "8000") in final
    environment = " ".join(arguments for name, arguments in final if name == "ENV")
    assert "APP_ENV=production" in environment
    assert "GUNICORN_BIND=0.0.0.0:8000" in environment
    (healthcheck,) = [arguments for name, arguments in final if name == "HEALTHCHECK"]
    assert "/healthz" in healthcheck
    assert "timeout=" in healthcheck
    assert final[-1] == ("CMD", '["gunicorn", "wsgi:app"]')


@pytest.mark.slow
def test_the_image_health_check_passes_against_the_app(
    default_bake: Path, baked_venv_python: Path
) -> None:
    """The HEALTHCHECK's own command, against the app served by gunicorn with the
    image's settings; and the same command failing when the Host it sends is not
    one the app trusts."""
    dockerfile = (default_bake / "Dockerfile").read_text(encoding="utf-8")
    final = _stages(dockerfile)[-1]
    image_env = dict(
        word.split("=", 1)
        for name, arguments in final
        if name == "ENV"
        for word in shlex.split(arguments)
    )
    (healthcheck,) = [a for n, a in final if n == "HEALTHCHECK"]
    command = json.loads(healthcheck.split("CMD", 1)[1])
    assert command[:2] == ["python", "-c"]
    port = image_env["GUNICORN_BIND"].rpartition(":")[2]
    address = f"127.0.0.1:{port}"
    assert command[2].count(address) == 1, "the probe must ask the port gunicorn binds"
    # The image's venv is first on its PATH; the default bake's stands in for it.
    python = str(baked_venv_python)
    trusted = ".example.com, www.example.com"
    settings = {
        **PRODUCTION_SETTINGS,
        "APP_ENV": image_env["APP_ENV"],
        "TRUSTED_HOSTS": trusted,
    }
    with gunicorn(baked_venv_python, default_bake, **settings) as server:
        probe = command[2].replace(address, f"127.0.0.1:{server.port}")
        passed = run([python, "-c", probe], cwd=default_bake, TRUSTED_HOSTS=trusted)
        refused = run(
            [python, "-c", probe], cwd=default_bake, TRUSTED_HOSTS="other.org"
        )
    assert passed.returncode == 0, passed.stdout
    assert refused.returncode != 0
    assert "HTTP Error 400" in refused.stdout


# What `docker build` would send: the .dockerignore rules, as Docker applies them
# (github.com/moby/patternmatcher): patterns are relative to the context root,
# cleaned, with a leading "/" dropped; "*" and "?" never cross a "/", "**" spans
# any number of directories; a pattern excludes the paths it matches and
# everything under them; the last matching pattern wins, "!" re-including.


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    expression, i = "^", 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
            expression += ".*" if i == len(pattern) else "(.*/)?"
            continue
        if char == "*":
            expression += "[^/]*"
        elif char == "?":
            expression += "[^/]"
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            expression += re.escape(pattern[i])
        elif char in "[]":
            expression += char
        else:
            expression += re.escape(char)
        i += 1
    return re.compile(expression + "$")


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, pattern) for every rule of a .dockerignore, in order."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line[1:].strip() if exception else line
        cleaned = str(PurePosixPath(pattern)).lstrip("/") or "."
        while "/../" in f"/{cleaned}/":
            cleaned = re.sub(r"(^|/)[^/]+/\.\.(/|$)", r"\1", cleaned, count=1)
        rules.append((exception, _pattern_regex(cleaned)))
    return rules


def is_excluded(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    parents = path.split("/")[:-1]
    candidates = [path, *("/".join(parents[: i + 1]) for i in range(len(parents)))]
    excluded = False
    for exception, pattern in rules:
        if exception == excluded and any(pattern.match(c) for c in candidates):
            excluded = not exception
    return excluded


def build_context(project: Path) -> set[str]:
    """Every file `docker build` would send from ``project``."""
    rules = dockerignore_rules((project / ".dockerignore").read_text(encoding="utf-8"))
    files = (p.relative_to(project).as_posix() for p in project.rglob("*"))
    return {
        path
        for path in files
        if (project / path).is_file() and not is_excluded(path, rules)
    }


@pytest.mark.parametrize(
    ("patterns", "path", "excluded"),
    [
        # Docker's documented examples.
        ("*/temp*", "somedir/temporary.txt", True),
        ("*/temp*", "somedir/temp", True),
        ("*/temp*", "temp", False),
        ("*/temp*", "a/b/temp", False),
        ("*/*/temp*", "a/b/temp.txt", True),
        ("temp?", "tempa", True),
        ("temp?", "dir/tempa", False),
        ("**/*.go", "main.go", True),
        ("**/*.go", "a/b/c.go", True),
        ("*.md\n!README*.md\nREADME-secret.md", "README.md", False),
        ("*.md\n!README*.md\nREADME-secret.md", "README-secret.md", True),
        ("*.md\n!README*.md\nREADME-secret.md", "NOTES.md", True),
        # A pattern also excludes what is under what it matches.
        (".git", ".git/objects/ab/cdef", True),
        ("**/.venv", "sub/.venv/bin/python", True),
        # Patterns are cleaned and relative to the root.
        ("/tests", "tests/test_x.py", True),
        ("./a/../tests", "tests/test_x.py", True),
        (".env", "pkg/.env", False),
        ("**/.env", ".env", True),
        ("**/.env", "pkg/.env", True),
        ("**/*.py[cod]", "pkg/__pycache__/x.cpython-313.pyc", True),
        ("# .env", ".env", False),
        ("docs/**", "docs/a/b.md", True),
    ],
)
def test_dockerignore_rules_follow_docker(patterns: str, path: str, excluded) -> None:
    assert is_excluded(path, dockerignore_rules(patterns)) is excluded


def _with_local_state(project: Path, tmp_path: Path, package: str) -> Path:
    """A copy of a bake as a developer's checkout looks after some work."""
    copy = tmp_path / project.name
    shutil.copytree(project, copy)
    assert (copy / ".env").is_file(), "every bake has a .env"
    planted = [
        ".git/HEAD",
        ".git/config",
        ".venv/bin/python",
        ".postgres/PG_VERSION",
        f"{package}/.env",
        f"{package}/__pycache__/config.cpython-313.pyc",
        ".pytest_cache/v/cache/nodeids",
        ".ruff_cache/CACHEDIR.TAG",
        ".mypy_cache/CACHEDIR.TAG",
        "node_modules/tailwindcss/package.json",
        ".env.production",
    ]
    for path in planted:
        (copy / path).parent.mkdir(parents=True, exist_ok=True)
        (copy / path).write_text("local state\n", encoding="utf-8")
    return copy


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_no_image_gets_secrets_or_local_state(
    row: str, baked, default_answers, tmp_path
) -> None:
    package = str(default_answers["package_name"])
    checkout = _with_local_state(baked(row), tmp_path, package)
    context = build_context(checkout)

    leaked = sorted(
        path
        for path in context
        if re.search(
            r"(^|/)(\.env(\..*)?|\.git|\.venv|\.postgres|__pycache__|\.pytest_cache"
            r"|\.ruff_cache|\.mypy_cache|node_modules)(/|$)",
            path,
        )
    )
    assert leaked == [], "these would be in the image"
    assert not any(path.startswith("tests/") for path in context)

    needed = {
        "wsgi.py",
        "gunicorn.conf.py",
        f"{package}/__init__.py",
        f"{package}/config.py",
        "migrations/env.py",
        "migrations/alembic.ini",
        "requirements.lock",
    }
    needed |= {
        path.relative_to(checkout).as_posix()
        for path in (checkout / "migrations" / "versions").glob("*.py")
    }
    if MATRIX[row]["use_celery"]:
        needed.add("worker.py")
    assert needed - context == set(), "the image needs these"
    # Every file the Dockerfile copies from the context is in it.
    for name, arguments in _instructions((checkout / "Dockerfile").read_text("utf-8")):
        if name == "COPY" and not arguments.startswith("--from"):
            source = arguments.split()[0]
            assert source == "." or source in context, arguments


# compose.yaml.


def _compose(project: Path, tmp_path: Path, *args: str):
    return run(
        [str(TOOLS / "docker-compose"), *args],
        cwd=project,
        timeout=60,
        **_isolated(tmp_path),
        DOCKER_CONFIG=str(tmp_path / "docker"),
    )


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_compose_file_is_valid(row: str, baked, tmp_path) -> None:
    validated = _compose(baked(row), tmp_path, "config", "--quiet")
    assert validated.returncode == 0, validated.stdout


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_compose_stack_waits_for_healthy_services_and_migrations(
    row: str, baked, tmp_path
) -> None:
    answers, project = MATRIX[row], baked(row)
    rendered = _compose(project, tmp_path, "config", "--format", "json")
    assert rendered.returncode == 0, rendered.stdout
    services = json.loads(rendered.stdout)["services"]
    redis, celery = uses_redis(answers), answers["use_celery"]

    expected = {"db", "migrate", "web"} | ({"redis"} if redis else set())
    assert set(services) == expected | ({"worker"} if celery else set())
    assert re.fullmatch(r"postgres:\d+-trixie", services["db"]["image"])
    assert services["db"]["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert "ports" not in services["db"]
    if redis:
        assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]

    assert services["migrate"]["command"] == ["flask", "--app", "wsgi", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker") if celery else ("web",):
        waits_for = {
            service: condition["condition"]
            for service, condition in services[name]["depends_on"].items()
        }
        assert waits_for == {
            "db": "service_healthy",
            "migrate": "service_completed_successfully",
            **({"redis": "service_healthy"} if redis else {}),
        }
    if celery:
        worker = ["celery", "--app", "worker", "worker"]
        assert services["worker"]["command"][:4] == worker
    assert services["web"]["ports"][0]["host_ip"] == "127.0.0.1"

    for name in {"migrate", "web"} | ({"worker"} if celery else set()):
        environment = services[name]["environment"]
        assert environment["APP_ENV"] == "development"
        assert environment["DATABASE_URL"].startswith("postgresql://postgres@db:5432/")
        assert ("REDIS_URL" in environment) == redis
        assert environment["SECRET_KEY"], "SECRET_KEY comes from .env"
        assert services[name]["build"]["dockerfile"] == "Dockerfile"


@pytest.mark.parametrize("row", DOCKER_ROWS)
def test_compose_file_holds_no_secret_and_refuses_to_run_without_one(
    row: str, baked, tmp_path
) -> None:
    project = baked(row)
    compose = (project / "compose.yaml").read_text(encoding="utf-8")
    secret = re.search(
        r"^SECRET_KEY=(.+)$", (project / ".env").read_text("utf-8"), re.M
    ).group(1)
    assert secret not in compose
    assert re.search(r"SECRET_KEY: \$\{SECRET_KEY:\?[^}]+\}", compose)

    empty = tmp_path / "empty.env"
    empty.write_text("", encoding="utf-8")
    refused = _compose(project, tmp_path, "--env-file", str(empty), "config", "--quiet")
    assert refused.returncode != 0
    assert "set SECRET_KEY in .env" in refused.stdout


# The GitHub Actions workflow.


def _steps(job: dict[str, Any]) -> Iterator[str]:
    """Each step's command lines, one by one."""
    for step in job["steps"]:
        for line in step.get("run", "").splitlines():
            if line.strip():
                yield line.strip()


@pytest.mark.parametrize("row", GITHUB_ROWS)
def test_github_workflow_passes_actionlint(row: str, baked, tmp_path) -> None:
    linted = run(
        [
            str(TOOLS / "actionlint"),
            "-shellcheck",
            str(TOOLS / "shellcheck"),
            "-pyflakes=",
            WORKFLOW,
        ],
        cwd=baked(row),
        **_isolated(tmp_path),
    )
    assert linted.returncode == 0, linted.stdout


@pytest.mark.parametrize(
    ("schema", "path", "rows"),
    [
        ("vendor.github-workflows", WORKFLOW, GITHUB_ROWS),
        ("vendor.dependabot", DEPENDABOT, GITHUB_ROWS),
        ("vendor.gitlab-ci", PIPELINE, GITLAB_ROWS),
    ],
)
def test_pipelines_match_their_schema(schema, path, rows, baked, tmp_path) -> None:
    # One run for every bake: check-jsonschema takes half a second to start.
    copies = []
    for row in rows:
        copy = tmp_path / row / Path(path).name
        copy.parent.mkdir()
        shutil.copyfile(baked(row) / path, copy)
        copies.append(str(copy))
    checked = run(
        [str(TOOLS / "check-jsonschema"), "--builtin-schema", schema, *copies],
        cwd=tmp_path,
    )
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize("row", GITHUB_ROWS)
def test_github_workflow_lints_migrates_checks_drift_and_tests(row: str, baked) -> None:
    answers = MATRIX[row]
    workflow = _load(baked(row) / WORKFLOW)
    assert workflow["permissions"] == {"contents": "read"}
    # YAML 1.1, which PyYAML reads, takes the key "on" for True.
    assert set(workflow[True]) == {"push", "pull_request"}
    job = workflow["jobs"]["test"]
    assert "permissions" not in job

    commands = list(_steps(job))
    assert commands == [*INSTALL, *LINT, *MIGRATE_AND_TEST]
    postgres = job["services"]["postgres"]
    assert re.fullmatch(r"postgres:\d+-trixie", postgres["image"])
    assert "pg_isready" in postgres["options"]
    assert job["env"]["APP_ENV"] == "testing"
    database = job["env"]["TEST_DATABASE_URL"].rsplit("/", 1)[1]
    assert "test" in database, "the suite only runs on a database named *test*"
    assert postgres["env"]["POSTGRES_DB"] == database
    assert ("redis" in job["services"]) == uses_redis(answers)
    assert ("TEST_REDIS_URL" in job["env"]) == uses_redis(answers)
    if uses_redis(answers):
        assert "redis-cli ping" in job["services"]["redis"]["options"]

    setup_uv = next(s for s in job["steps"] if s.get("uses", "").startswith("astral"))
    assert setup_uv["with"]["version"] == UV_VERSION
    assert setup_uv["with"]["python-version"] == answers["python_version"]


@pytest.mark.parametrize("row", GITHUB_ROWS)
def test_github_actions_are_pinned_and_checkout_keeps_no_token(row: str, baked) -> None:
    workflow = _load(baked(row) / WORKFLOW)
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" not in step:
                continue
            action, _, version = step["uses"].partition("@")
            # An exact release: a major tag (v7) moves under the project's feet.
            assert re.fullmatch(r"v\d+\.\d+\.\d+", version), step["uses"]
            if action == "actions/checkout":
                assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("row", GITHUB_ROWS)
def test_github_neon_job_branches_migrates_tests_and_always_deletes(
    row: str, baked
) -> None:
    answers = MATRIX[row]
    jobs = _load(baked(row) / WORKFLOW)["jobs"]
    assert ("neon" in jobs) == (answers["database_provider"] == "neon")
    if "neon" not in jobs:
        return
    job = jobs["neon"]
    condition = " ".join(job["if"].split())
    assert "github.event_name == 'pull_request'" in condition
    assert "vars.NEON_PROJECT_ID != ''" in condition
    assert "head.repo.full_name == github.repository" in condition
    assert "secrets" not in json.dumps(job.get("env", {})), "secrets go to steps"

    steps = job["steps"]
    create = next(s for s in steps if s.get("id") == "branch")
    assert "::add-mask::" in create["run"]
    assert "expires_at" in create["run"]
    delete = steps[-1]
    assert delete["if"].startswith("always()")
    assert "--request DELETE" in delete["run"]
    commands = [
        (step.get("env", {}).get("APP_ENV"), step["run"].strip())
        for step in steps[steps.index(create) + 1 : -1]
    ]
    assert commands == [
        ("development", "flask --app wsgi db upgrade"),
        ("development", "flask --app wsgi db check"),
        (
            "testing",
            'TEST_DATABASE_URL="$TEST_DATABASE_URL_DIRECT" flask --app wsgi db upgrade',
        ),
        (None, "python -m pytest"),
    ]
    assert ("redis" in job.get("services", {})) == uses_redis(answers)


# The GitLab pipeline.


def _flatten(lines: list[Any]) -> list[str]:
    """A GitLab script, nested lists (from YAML anchors) flattened as GitLab does."""
    flat = []
    for line in lines:
        flat.extend(_flatten(line) if isinstance(line, list) else [line])
    return flat


@pytest.mark.parametrize("row", GITLAB_ROWS)
def test_gitlab_pipeline_lints_migrates_checks_drift_and_tests(row: str, baked) -> None:
    answers = MATRIX[row]
    pipeline = _load(baked(row) / PIPELINE)
    neon = answers["database_provider"] == "neon"
    assert pipeline["stages"] == ["lint", "test"]
    jobs = {name for name in pipeline if not name.startswith(".")} - {
        "workflow",
        "stages",
        "default",
        "variables",
    }
    neon_jobs = {"neon-branch", "neon-cleanup"} if neon else set()
    assert jobs == {"lint", "test"} | neon_jobs
    assert pipeline["default"]["image"] == (
        f"python:{answers['python_version']}-slim-trixie"
    )

    lint, test = pipeline["lint"], pipeline["test"]
    assert _flatten(lint["before_script"])[-2:] == INSTALL
    assert _flatten(lint["before_script"])[0] == (
        f"pip install --quiet --no-cache-dir --root-user-action=ignore uv=={UV_VERSION}"
    )
    assert lint["script"] == LINT
    assert _flatten(test["before_script"])[-2:] == INSTALL
    assert test["script"] == MIGRATE_AND_TEST
    services = {service["alias"]: service["name"] for service in test["services"]}
    assert set(services) == {"postgres"} | ({"redis"} if uses_redis(answers) else set())
    assert re.fullmatch(r"postgres:\d+-trixie", services["postgres"])
    assert test["variables"]["APP_ENV"] == "testing"
    assert "test" in test["variables"]["TEST_DATABASE_URL"].rsplit("/", 1)[1]
    assert ("TEST_REDIS_URL" in test["variables"]) == uses_redis(answers)

    if neon:
        branch, cleanup = pipeline["neon-branch"], pipeline["neon-cleanup"]
        rule = '$CI_PIPELINE_SOURCE == "merge_request_event" && $NEON_PROJECT_ID'
        assert pipeline[".neon"]["rules"] == [{"if": rule}]
        assert cleanup["rules"] == [{"if": rule, "when": "always"}]
        assert cleanup["stage"] == ".post"
        assert cleanup["needs"] == [{"job": "neon-branch", "artifacts": True}]
        # The branch's id, even when the job fails, for neon-cleanup.
        report = {"when": "always", "reports": {"dotenv": "neon.env"}}
        assert branch["artifacts"] == report
        script = _flatten(branch["script"])
        assert script[2:] == [
            "APP_ENV=development flask --app wsgi db upgrade",
            "APP_ENV=development flask --app wsgi db check",
            'APP_ENV=testing TEST_DATABASE_URL="$TEST_DATABASE_URL_DIRECT" '
            "flask --app wsgi db upgrade",
            "python -m pytest",
        ]
        assert "expires_at" in script[0]
        assert "print(" not in script[0], "GitLab cannot mask what a job prints"


@pytest.mark.parametrize("row", GITLAB_ROWS)
def test_gitlab_job_scripts_pass_shellcheck(row: str, baked, tmp_path) -> None:
    pipeline = _load(baked(row) / PIPELINE)
    for name, job in pipeline.items():
        if name.startswith(".") or not isinstance(job, dict) or "script" not in job:
            continue
        lines = _flatten([*job.get("before_script", []), *job["script"]])
        script = tmp_path / f"{name}.sh"
        script.write_text("#!/bin/bash\nset -e\n" + "\n".join(lines) + "\n", "utf-8")
        checked = run(
            # SC1091: the virtual environment's activate script exists only in CI.
            [str(TOOLS / "shellcheck"), "--exclude=SC1091", str(script)],
            cwd=tmp_path,
        )
        assert checked.returncode == 0, f"{name}:\n{checked.stdout}"


def _embedded_python(text: str) -> list[str]:
    """The Python each `python - <<'PY'` heredoc of a pipeline runs."""
    return [
        textwrap.dedent(source)
        for source in re.findall(r"python - <<'PY'\n(.*?)\n[ ]*PY\n", text, re.S)
    ]


@pytest.mark.parametrize("row", GITHUB_ROWS + GITLAB_ROWS)
def test_embedded_python_compiles(row: str, baked) -> None:
    github = MATRIX[row]["ci_provider"] == "github"
    path = baked(row) / (WORKFLOW if github else PIPELINE)
    sources = _embedded_python(path.read_text(encoding="utf-8"))
    neon = MATRIX[row]["database_provider"] == "neon"
    # Creating a branch; on GitLab, deleting it too (GitHub uses curl for that).
    assert len(sources) == ((1 if github else 2) if neon else 0)
    for source in sources:
        compile(source, str(path), "exec", dont_inherit=True)


# The same uv everywhere.


@pytest.mark.parametrize("row", list(MATRIX))
def test_images_and_pipelines_install_with_the_uv_that_locked(row: str, baked) -> None:
    project = baked(row)
    for path in ("Dockerfile", WORKFLOW, PIPELINE):
        if (project / path).is_file():
            text = (project / path).read_text(encoding="utf-8")
            versions = set(re.findall(r"(?:uv:|uv==|version: \")(\d+\.\d+\.\d+)", text))
            assert versions == {UV_VERSION}, path


# pre-commit.


def test_pre_commit_hooks_are_local_and_offline(default_bake: Path) -> None:
    config = _load(default_bake / ".pre-commit-config.yaml")
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = config["repos"][0]["hooks"]
    assert {hook["id"] for hook in hooks} >= {"ruff-check", "ruff-format"}
    for hook in hooks:
        # system: the project's own environment; pygrep and fail: built in.
        assert hook["language"] in {"system", "pygrep", "fail"}, hook["id"]
        assert "additional_dependencies" not in hook, hook["id"]


@pytest.fixture(scope="module")
def committed_bake(default_bake: Path, tmp_path_factory) -> Path:
    """A copy of the default bake, with every file git does not ignore added."""
    project = tmp_path_factory.mktemp("pre-commit") / default_bake.name
    shutil.copytree(default_bake, project)
    for command in (["git", "init", "--quiet"], ["git", "add", "--all"]):
        done = run(command, cwd=project)
        assert done.returncode == 0, done.stdout
    return project


def _pre_commit(project: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # The template's own pre-commit and ruff stand in for the project's
    # environment, which would have them from its dev extra.
    return run(
        [str(TOOLS / "pre-commit"), "run", "--all-files", "--color", "never"],
        cwd=project,
        timeout=120,
        PATH=f"{TOOLS}:/usr/bin:/bin",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit"),
        **_isolated(tmp_path),
    )


def test_pre_commit_passes_on_a_fresh_bake(committed_bake: Path, tmp_path) -> None:
    checked = _pre_commit(committed_bake, tmp_path)
    assert checked.returncode == 0, tail(checked.stdout)
    assert "Passed" in checked.stdout


def test_pre_commit_refuses_a_committed_env_file(
    committed_bake: Path, tmp_path
) -> None:
    added = run(["git", "add", "--force", ".env"], cwd=committed_bake)
    assert added.returncode == 0, added.stdout
    try:
        checked = _pre_commit(committed_bake, tmp_path)
    finally:
        run(["git", "rm", "--cached", "--quiet", ".env"], cwd=committed_bake)
    assert checked.returncode != 0
    assert "- hook id: no-env-file" in checked.stdout


# The validators above fail when they should: each finds a planted mistake.


def test_the_validators_catch_mistakes(default_bake: Path, tmp_path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(default_bake, broken)
    (broken / "Dockerfile").write_text(
        "FROM python:latest\nRUN apt-get install curl\n", encoding="utf-8"
    )
    compose = (broken / "compose.yaml").read_text(encoding="utf-8")
    (broken / "compose.yaml").write_text(
        compose.replace("service_completed_successfully", "service_finished"), "utf-8"
    )
    workflow = (broken / WORKFLOW).read_text(encoding="utf-8")
    workflow = workflow.replace("run: python -m pytest", "run: cd $HOME/x && pytest")
    workflow = workflow.replace("timeout-minutes: 20", "timeout-minutes: soon")
    (broken / WORKFLOW).write_text(workflow, encoding="utf-8")
    (broken / PIPELINE).write_text(
        "stages: [test]\ntest:\n  stage: test\n  scripts: [pytest]\n", encoding="utf-8"
    )
    isolated = _isolated(tmp_path)
    checks = {
        "hadolint": [str(TOOLS / "hadolint"), "Dockerfile"],
        "compose": [str(TOOLS / "docker-compose"), "config", "--quiet"],
        "actionlint": [
            str(TOOLS / "actionlint"),
            "-shellcheck",
            str(TOOLS / "shellcheck"),
            WORKFLOW,
        ],
        "workflow schema": [
            str(TOOLS / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            WORKFLOW,
        ],
        "pipeline schema": [
            str(TOOLS / "check-jsonschema"),
            "--builtin-schema",
            "vendor.gitlab-ci",
            PIPELINE,
        ],
    }
    passed = [
        name
        for name, command in checks.items()
        if run(command, cwd=broken, timeout=60, **isolated).returncode == 0
    ]
    assert passed == [], "these validators passed a broken file"
    shellcheck = run(
        [str(TOOLS / "actionlint"), "-shellcheck", str(TOOLS / "shellcheck"), WORKFLOW],
        cwd=broken,
        **isolated,
    )
    assert "SC2086" in shellcheck.stdout, "actionlint ran no shellcheck"


# The pipelines' database commands, run as the pipelines run them (their own
# lines, with their own environment) against a real PostgreSQL standing in for
# the CI service and for a Neon branch. Installing and the test suite itself are
# tested elsewhere, from the same lock files (test_baked_project.py).

PIPELINE_ROWS = [r for r in REPRESENTATIVE if MATRIX[r]["ci_provider"] != "none"]


def _database_commands(
    row: str, project: Path
) -> list[tuple[bool, dict[str, str], str]]:
    """(in the Neon job, environment, command line) for each line of the pipeline
    that migrates or checks a database, in order."""
    commands = []
    if MATRIX[row]["ci_provider"] == "github":
        jobs = _load(project / WORKFLOW)["jobs"]
        for name in ("test", "neon"):
            job = jobs.get(name, {"steps": []})
            for step in job["steps"]:
                environment = {**job.get("env", {}), **step.get("env", {})}
                commands += [
                    (name == "neon", environment, line)
                    for line in _lines(step.get("run"))
                ]
    else:
        pipeline = _load(project / PIPELINE)
        for name in ("test", "neon-branch"):
            job = pipeline.get(name, {"script": []})
            commands += [
                (name == "neon-branch", job.get("variables", {}), line)
                for line in _flatten(job["script"])
            ]
    return [command for command in commands if "flask --app wsgi db" in command[2]]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("row", PIPELINE_ROWS)
def test_pipeline_migrations_and_drift_check_run_against_postgresql(
    row: str, baked, venv_for, default_answers, tmp_path
) -> None:
    project = baked(row)
    python = venv_for(project)
    package = str(default_answers["package_name"])
    neon = MATRIX[row]["database_provider"] == "neon"
    databases = [f"{package}_test", *(["neondb", "neondb_test"] if neon else [])]
    commands = _database_commands(row, project)
    with postgresql(python, project, package, *databases) as url:
        # What the Neon job's first step provides (a Neon branch has no separate
        # pooler here: the direct URL stands in for it).
        neon_branch = {
            "TEST_DATABASE_URL": url("neondb_test"),
            "DATABASE_URL": url("neondb"),
            "DATABASE_URL_DIRECT": url("neondb"),
            "TEST_DATABASE_URL_DIRECT": url("neondb_test"),
            "SECRET_KEY": "a-secret-key-for-the-neon-job-of-this-test-only",
        }
        for in_neon_job, environment, line in commands:
            variables = {k: v for k, v in environment.items() if "${{" not in str(v)}
            if in_neon_job:
                variables = {**neon_branch, **variables}
            else:
                # The CI service's URL, pointed at the cluster standing in for it.
                assert "TEST_DATABASE_URL" in variables
                variables["TEST_DATABASE_URL"] = url(f"{package}_test")
            done = run(
                ["bash", "-c", line],
                cwd=project,
                timeout=120,
                PATH=f"{python.parent}:/usr/bin:/bin",
                PYTHONDONTWRITEBYTECODE="1",
                **{k: str(v) for k, v in variables.items()},
            )
            assert done.returncode == 0, f"{line}\n{tail(done.stdout)}"
    expected = 2 + (3 if neon else 0)
    assert len(commands) == expected, commands
