"""Fixtures shared by the template's tests: the hooks as modules, bakes, tools."""

from __future__ import annotations

import ast
import configparser
import http.client
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import pytest
import yaml
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

from template_hooks import rules

ROOT = Path(__file__).resolve().parent.parent
HOOKS_DIR = ROOT / "hooks"
# What the hooks call: the template's own package, outside the baked project.
LIBRARY_DIR = ROOT / "template_hooks"
TEMPLATE_DIR = ROOT / "{{cookiecutter.project_slug}}"
COOKIECUTTER_JSON = ROOT / "cookiecutter.json"

# Variables that would make a subprocess use this test environment instead of
# the interpreter or virtual environment it was started with.
_LEAKY_ENV_VARS = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS")


# Hooks must bake offline and start nothing: none of these may be imported.
NETWORK_AND_PROCESS_MODULES = frozenset(
    {"subprocess", "socket", "ssl", "http", "urllib", "multiprocessing", "asyncio"}
)


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a Python file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def load_hook(name: str) -> ModuleType:
    """Import ``hooks/<name>.py`` as plain Python, the way cookiecutter never does."""
    spec = importlib.util.spec_from_file_location(name, HOOKS_DIR / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolves string annotations through sys.modules.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def celery_on_web_only():
    """A refused combination, for the tests of how refusals work: the hook's own
    REFUSED_COMBINATIONS is empty while every mix of options works."""
    return rules.Combination(
        field="use_celery",
        refused_when=lambda a: a["use_celery"] and a["interface"] == "web-only",
        problem="Celery is not offered with web-only",
        rule="answer no, or choose web-and-api",
        example="no",
    )


@pytest.fixture(scope="session")
def post_gen_hook() -> ModuleType:
    """The post-generation hook script (its finder is the pre-generation one's)."""
    return load_hook("post_gen_project")


@pytest.fixture(scope="session")
def default_answers() -> dict[str, object]:
    """The answers ``cookiecutter --no-input`` gives, computed by cookiecutter; not the
    private values it derives from them (``__uses_redis``)."""
    context = generate_context(context_file=str(COOKIECUTTER_JSON))
    config = prompt_for_config(context, no_input=True)
    return {name: value for name, value in config.items() if not name.startswith("_")}


Bake = Callable[[Mapping[str, Any]], Path]


@pytest.fixture(scope="session")
def bake(cookies_session, default_answers) -> Bake:
    """Bake a project for some answers, once per session per set of answers.

    Answers not given take their defaults, so {} and the defaults spelled out
    share one bake. Tests must not modify a project they get from here.
    """
    projects: dict[str, Path | BaseException] = {}

    def bake(answers: Mapping[str, Any]) -> Path:
        key = json.dumps({**default_answers, **answers}, sort_keys=True)
        if key not in projects:
            result = cookies_session.bake(extra_context=dict(answers))
            projects[key] = (
                result.project_path
                if result.exit_code == 0
                else (result.exception or RuntimeError(f"exit {result.exit_code}"))
            )
        project = projects[key]
        if isinstance(project, BaseException):
            pytest.fail(f"the bake of {dict(answers)} failed: {project!r}")
        return project

    return bake


@pytest.fixture(scope="session")
def default_bake(bake: Bake, default_answers) -> Path:
    """The project ``cookiecutter --no-input`` bakes. Tests must not modify it."""
    project = bake({})
    assert project.name == default_answers["project_slug"]
    return project


@pytest.fixture(scope="session")
def default_package(default_bake: Path, default_answers) -> Path:
    return default_bake / str(default_answers["package_name"])


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY_ENV_VARS}
    env.update(extra or {})
    return env


def run(
    command: list[str], cwd: Path, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run a command with stdout and stderr merged; never raise on failure."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=clean_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_hook_script(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a rendered hook as cookiecutter does: in its own process, in the project."""
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def template_copy(tmp_path: Path) -> Path:
    """The template's working tree, copied without its git history."""
    template = tmp_path / "template"
    shutil.copytree(
        ROOT,
        template,
        ignore=shutil.ignore_patterns(".git", ".venv", "*_cache", "__pycache__"),
    )
    return template


def private_cookiecutter_config(tmp_path: Path) -> Path:
    """A cookiecutter config whose replay and clone dirs live under tmp_path."""
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "cookiecutters_dir": str(tmp_path / "cookiecutters"),
                "replay_dir": str(tmp_path / "replay"),
            }
        ),
        encoding="utf-8",
    )
    return config


def answers_enter_once(hook: Path) -> bool:
    """The hook's only Jinja is the one tojson expression that hands it the answers."""
    source = hook.read_text(encoding="utf-8")
    return (
        source.count("{{") == 1
        and "{%" not in source
        and "{#" not in source
        and "r'{{ cookiecutter | tojson }}'" in source
    )


def migration_history(versions: Path) -> list[str]:
    """The revision ids in a migrations/versions directory, from base to head, as
    each file's ``revision`` and ``down_revision`` say; fails unless they form one
    linear history (one base, one head, no branch, nothing left out)."""
    revises: dict[str, str | None] = {}
    for path in sorted(versions.glob("*.py")):
        values = {
            node.targets[0].id: ast.literal_eval(node.value)
            for node in ast.parse(path.read_text(encoding="utf-8")).body
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id in ("revision", "down_revision")
        }
        assert set(values) == {"revision", "down_revision"}, path.name
        assert isinstance(values["down_revision"], str | None), path.name
        assert values["revision"] not in revises, f"{path.name} repeats its id"
        revises[values["revision"]] = values["down_revision"]
    bases = [revision for revision, down in revises.items() if down is None]
    assert len(bases) == 1, f"{len(bases)} base revisions: {revises}"
    downs = [down for down in revises.values() if down is not None]
    assert len(downs) == len(set(downs)), f"a branch: {revises}"
    child_of = {down: revision for revision, down in revises.items()}
    history = bases
    while history[-1] in child_of:
        history = [*history, child_of[history[-1]]]
    assert len(history) == len(revises), f"not one chain: {revises}"
    return history


# What every bake must be free of.

JINJA_MARKERS = ("{{", "{%", "{#")
TEMPLATE_WORD = re.compile("cookiecutter", re.IGNORECASE)
# The cruft record names cookiecutter by design (its "cookiecutter" key).
CRUFT_FILE = ".cruft.json"
# GitHub Actions expressions, ${{ ... }}, look like Jinja but belong in workflows.
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def project_files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*") if p.is_file())


def template_residue(project: Path, package: str) -> list[str]:
    """Lines and file names of a bake that still carry template syntax.

    HTML templates are Jinja for Flask and may hold Jinja markers, and files
    under .github/ may hold GitHub's ${{ ... }} expressions; only the cruft
    record may say "cookiecutter".
    """
    residue = []
    for path in [project, *project.rglob("*")]:
        relative = path.relative_to(project)
        if any(m in str(relative) for m in JINJA_MARKERS) or TEMPLATE_WORD.search(
            str(relative)
        ):
            residue.append(f"{relative}: template syntax in the file name")
        if not path.is_file():
            continue
        jinja_allowed = relative.parts[:2] == (package, "templates")
        word_allowed = relative == Path(CRUFT_FILE)
        github = relative.parts[:1] == (".github",)
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            checked = GITHUB_EXPRESSION.sub("", line) if github else line
            found = [m for m in JINJA_MARKERS if m in checked and not jinja_allowed]
            if not word_allowed:
                found += TEMPLATE_WORD.findall(line)
            if found:
                residue.append(f"{relative}:{number}: {', '.join(found)}: {line!r}")
    return residue


def _parse_ini(text: str) -> object:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


CONFIG_PARSERS: dict[str, Callable[[str], object]] = {
    ".toml": tomllib.loads,
    ".json": json.loads,
    ".yaml": lambda text: list(yaml.safe_load_all(text)),
    ".yml": lambda text: list(yaml.safe_load_all(text)),
    ".ini": _parse_ini,
    # compile, not just parse: also catches a misplaced return or a bad nonlocal.
    ".py": lambda text: compile(text, "<baked>", "exec", dont_inherit=True),
}


def unparsable_files(project: Path) -> list[str]:
    """Every Python, TOML, JSON, YAML and INI file of a bake that does not parse."""
    broken = []
    for path in project_files(project):
        parse = CONFIG_PARSERS.get(path.suffix)
        if parse is None:
            continue
        try:
            parse(path.read_text(encoding="utf-8"))
        except Exception as error:
            broken.append(f"{path.relative_to(project)}: {error}")
    return broken


def tail(output: str, lines: int = 80) -> str:
    return "\n".join(output.splitlines()[-lines:])


def run_ruff(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ruff inside ``project`` so that the project's own config applies."""
    return run([sys.executable, "-m", "ruff", *args, "--no-cache", "."], cwd=project)


def uv(*args: str, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    # Only the interpreter running these tests, never one uv would download.
    return run(
        [sys.executable, "-m", "uv", *args],
        cwd=cwd,
        timeout=timeout,
        UV_PYTHON_DOWNLOADS="never",
        # Bytecode compiled once at install: the baked suites start many interpreters
        # (gunicorn, the CLI), each of which would compile it again where the
        # environment says PYTHONDONTWRITEBYTECODE.
        UV_COMPILE_BYTECODE="1",
    )


# How a baked project installs, as its README, container and CI say: exactly
# the pinned files of its locks (no resolution), then the project itself.
INSTALL_RUNTIME = "pip install --require-hashes --no-deps -r requirements.lock"
INSTALL_DEVELOPMENT = f"{INSTALL_RUNTIME} -r requirements-dev.lock"
INSTALL_PROJECT = "pip install --no-deps -e ."
# Every installed package's requirements are installed: the locks are closed.
CHECK_INSTALLED = "pip check"


def new_venv(venv: Path, project: Path) -> Path:
    """An empty virtual environment for the interpreter running the tests."""
    created = uv("venv", "--python", sys.executable, str(venv), cwd=project)
    assert created.returncode == 0, tail(created.stdout)
    return venv / "bin" / "python"


def uv_pip(python: Path, command: str, project: Path) -> None:
    """Run ``uv <command>`` from ``project`` on the venv of ``python``, or fail."""
    pip, subcommand, *arguments = command.split()
    done = uv(pip, subcommand, "--python", str(python), *arguments, cwd=project)
    assert done.returncode == 0, f"uv {command} failed:\n{tail(done.stdout)}"


# Prints, as JSON, each distribution installed for the interpreter running it
# (by canonical name) with its top-level modules that a package could shadow.
_TOP_LEVEL_MODULES = """
import importlib.metadata, json, re
modules = {}
for module, names in importlib.metadata.packages_distributions().items():
    for name in names:
        found = modules.setdefault(re.sub(r"[-_.]+", "-", name).lower(), set())
        if re.fullmatch("[a-z][a-z0-9_]*", module):
            found.add(module)
print(json.dumps({name: sorted(found) for name, found in modules.items()}))
"""


def top_level_modules(python: Path) -> dict[str, list[str]]:
    """Each distribution installed for ``python``, with its top-level modules
    (those a package name could shadow: none starting with "_")."""
    listed = run([str(python), "-c", _TOP_LEVEL_MODULES], cwd=ROOT)
    assert listed.returncode == 0, listed.stdout
    return json.loads(listed.stdout)


@pytest.fixture(scope="session")
def venv_for(tmp_path_factory) -> Callable[[Path], Path]:
    """A fresh virtual environment holding a bake and its dev extra (the
    interpreter's path), made once per bake; uv's cache is shared.

    It is installed as the baked README says: the pinned files of the bake's
    two locks and nothing else, then the project without dependencies; `uv pip
    check` then fails if a lock misses a package another one requires. Since
    the locks are pruned to the bake's pyproject.toml, a dependency the project
    forgot to declare fails there even if this test environment happens to
    have it.
    """
    made: dict[Path, Path] = {}

    def venv_for(project: Path) -> Path:
        if project not in made:
            python = new_venv(tmp_path_factory.mktemp("baked-venv") / "venv", project)
            for command in (INSTALL_DEVELOPMENT, INSTALL_PROJECT, CHECK_INSTALLED):
                uv_pip(python, command, project)
            made[project] = python
        return made[project]

    return venv_for


@pytest.fixture(scope="session")
def baked_venv_python(default_bake: Path, venv_for) -> Path:
    """The default bake's own virtual environment."""
    return venv_for(default_bake)


# A bake served as production serves it, and a PostgreSQL for it.

# Settings that pass every production guard. Port 9 (discard) refuses at once:
# a database and a Redis that are down, so nothing waits on them.
PRODUCTION_SETTINGS = {
    "APP_ENV": "production",
    "SECRET_KEY": "a-production-secret-key-that-is-long-enough",
    "DATABASE_URL": "postgresql://app@127.0.0.1:9/app",
    "REDIS_URL": "redis://127.0.0.1:9/0",
    "TRUSTED_HOSTS": "example.com",
    # Behind one TLS-terminating proxy, which sends X-Forwarded-Proto.
    "PROXY_FIX_X_PROTO": "1",
}
# What that proxy adds to every request it passes on.
THROUGH_THE_PROXY = {"Host": "example.com", "X-Forwarded-Proto": "https"}
GUNICORN_START_SECONDS = 30


@dataclass(frozen=True)
class Answer:
    status: int
    # In the order sent, repeated headers (Set-Cookie) repeated.
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        found = [v for k, v in self.headers if k.lower() == name.lower()]
        return found[0] if found else None


@dataclass
class Gunicorn:
    port: int
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request("GET", path, headers=dict(headers or {}))
            response = connection.getresponse()
            return Answer(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(python: Path, project: Path, **settings: str) -> Iterator[Gunicorn]:
    """`gunicorn wsgi:app` of a bake, from the virtual environment of ``python``,
    with the bake's own gunicorn.conf.py and ``settings`` in its environment, on
    a free loopback port (one worker, two threads); stopped afterwards."""
    port = free_port()
    environment = clean_env(
        {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "2",
            # The bake is shared with other tests: no bytecode next to its sources.
            "PYTHONDONTWRITEBYTECODE": "1",
            **settings,
        }
    )
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(python), "-m", "gunicorn", "wsgi:app"],
            cwd=project,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = Gunicorn(port, process, log)
        try:
            # The master binds once the app has loaded; requests then wait in
            # the listen queue until the worker takes them.
            deadline = time.monotonic() + GUNICORN_START_SECONDS
            while True:
                if process.poll() is not None:
                    pytest.fail(f"gunicorn exited early:\n{tail(server.output())}")
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not bind:\n{tail(server.output())}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# Run with the bake's own interpreter: its LocalPostgres starts a throwaway
# cluster (as the postgres user when run as root) that only listens on a Unix
# socket in its directory.
_CLUSTER_SCRIPT = """
import sys
from pathlib import Path
from {package}.development.local_postgres import LocalPostgres
cluster = LocalPostgres(Path(sys.argv[2]), port=int(sys.argv[3]), durable=False)
if sys.argv[1] == "start":
    cluster.start()
    for name in sys.argv[4:]:
        cluster.create_database(name)
    print(cluster.url("DATABASE"))
else:
    cluster.stop()
"""


@contextmanager
def postgresql(
    python: Path, project: Path, package: str, *databases: str
) -> Iterator[Callable[[str], str]]:
    """A throwaway PostgreSQL holding ``databases``, started with the bake's own
    local_postgres module; yields the URL of a database by name."""
    # Not under pytest's tmp_path: run as root, the cluster runs as the postgres
    # user, who cannot enter pytest's private temporary directories.
    directory = Path(tempfile.mkdtemp(prefix="template-postgres-"))
    script = _CLUSTER_SCRIPT.replace("{package}", package)
    port = str(free_port())
    started = run(
        [str(python), "-c", script, "start", str(directory), port, *databases],
        cwd=project,
    )
    try:
        assert started.returncode == 0, started.stdout
        url = started.stdout.strip().splitlines()[-1]
        yield lambda database: url.replace("DATABASE", database)
    finally:
        run([str(python), "-c", script, "stop", str(directory), port], cwd=project)
        shutil.rmtree(directory, ignore_errors=True)
