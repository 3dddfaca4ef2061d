"""A baked project's own test suite passes, and fails when a guard is broken.

The suite runs in a fresh virtual environment built from the baked project's
pyproject.toml alone (see ``baked_venv_python`` in conftest.py), against the
throwaway PostgreSQL the project's tests provision for themselves.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run, tail

pytestmark = pytest.mark.slow

# -rf: list every failure in the summary, whatever the project's own addopts say.
SUITE = ["-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider"]
SUITE_TIMEOUT = 900


def _run_suite(python: Path, project: Path) -> subprocess.CompletedProcess[str]:
    return run([str(python), *SUITE], cwd=project, timeout=SUITE_TIMEOUT)


def _failed_tests(output: str) -> set[str]:
    return {
        line.removeprefix("FAILED ").split(" - ")[0]
        for line in output.splitlines()
        if line.startswith("FAILED ")
    }


@pytest.fixture(scope="module")
def baked_suite(
    default_bake: Path, baked_venv_python: Path
) -> subprocess.CompletedProcess[str]:
    return _run_suite(baked_venv_python, default_bake)


def test_baked_project_suite_passes_in_a_fresh_venv(baked_suite) -> None:
    assert baked_suite.returncode == 0, (
        f"the baked project's tests failed (exit {baked_suite.returncode}):\n"
        f"{tail(baked_suite.stdout)}"
    )


def test_baked_suite_fails_when_session_cookie_is_readable_by_scripts(
    default_bake: Path,
    default_answers,
    baked_venv_python: Path,
    baked_suite,
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

    broken = _run_suite(baked_venv_python, project)

    # Judged against the unmodified suite, so that it holds even while that fails.
    newly_failing = _failed_tests(broken.stdout) - _failed_tests(baked_suite.stdout)
    assert broken.returncode == 1
    assert newly_failing, (
        "no test of the baked project caught a session cookie without HttpOnly:\n"
        f"{tail(broken.stdout)}"
    )


def test_package_denylist_covers_every_module_the_baked_project_installs(
    pre_gen, default_answers, baked_venv_python: Path, default_bake: Path
) -> None:
    listed = run(
        [
            str(baked_venv_python),
            "-c",
            "import importlib.metadata, json;"
            "print(json.dumps(sorted(importlib.metadata.packages_distributions())))",
        ],
        cwd=default_bake,
    )
    assert listed.returncode == 0, listed.stdout
    installed = set(json.loads(listed.stdout)) - {default_answers["package_name"]}
    could_shadow = {name for name in installed if re.fullmatch("[a-z][a-z0-9_]*", name)}
    assert sorted(could_shadow - pre_gen.FORBIDDEN_PACKAGE_NAMES) == []
