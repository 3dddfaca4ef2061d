"""Static checks, run with the test suite: mypy (strict, per pyproject.toml) and bandit."""

from __future__ import annotations

import subprocess
import sys

from .conftest import PROJECT_ROOT


def run_tool(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own tools, fixed arguments
        [sys.executable, "-m", *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_bandit_finds_nothing_of_medium_or_high_severity():
    result = run_tool(
        "bandit",
        "--quiet",
        "--severity-level",
        "medium",
        "--recursive",
        "{{ cookiecutter.package_name }}",
        "migrations",
        # The entry points: wsgi.py, gunicorn.conf.py and the like.
        *sorted(path.name for path in PROJECT_ROOT.glob("*.py")),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_with_the_settings_in_pyproject():
    result = run_tool("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
