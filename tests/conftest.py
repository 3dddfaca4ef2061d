"""Fixtures shared by the template's tests: the hooks as modules, bakes, tools."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

ROOT = Path(__file__).resolve().parent.parent
HOOKS_DIR = ROOT / "hooks"
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
def pre_gen() -> ModuleType:
    return load_hook("pre_gen_project")


@pytest.fixture(scope="session")
def post_gen() -> ModuleType:
    return load_hook("post_gen_project")


@pytest.fixture(scope="session")
def default_answers() -> dict[str, object]:
    """The answers ``cookiecutter --no-input`` gives, computed by cookiecutter."""
    context = generate_context(context_file=str(COOKIECUTTER_JSON))
    return dict(prompt_for_config(context, no_input=True))


@pytest.fixture(scope="session")
def default_bake(cookies_session, default_answers) -> Path:
    """The project ``cookiecutter --no-input`` bakes. Tests must not modify it."""
    result = cookies_session.bake()
    assert result.exit_code == 0, f"the default bake failed: {result.exception!r}"
    project = result.project_path
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
    )


@pytest.fixture(scope="session")
def baked_venv_python(default_bake: Path, tmp_path_factory) -> Path:
    """A fresh virtual environment holding the default bake and its dev extra.

    It is built only from the baked project's pyproject.toml, so a dependency
    the project forgot to declare fails here even if this test environment
    happens to have it.
    """
    venv = tmp_path_factory.mktemp("baked-venv") / "venv"
    created = uv("venv", "--python", sys.executable, str(venv), cwd=default_bake)
    assert created.returncode == 0, tail(created.stdout)
    python = venv / "bin" / "python"
    installed = uv(
        "pip", "install", "--python", str(python), "-e", ".[dev]", cwd=default_bake
    )
    assert installed.returncode == 0, (
        f'uv pip install -e ".[dev]" failed:\n{tail(installed.stdout)}'
    )
    return python
