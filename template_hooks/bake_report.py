"""What the user is told once the project is made: what it is, and how to run it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from template_hooks.shell import path_from

Answers = Mapping[str, Any]

# The baked README's "Run it locally", word for word: both run in the project
# directory (tests/test_bake.py fails when the two drift apart).
RUN_LOCALLY = (
    "python3 -m venv .venv && .venv/bin/pip install --require-hashes --no-deps "
    "-r requirements.lock -r requirements-dev.lock "
    "&& .venv/bin/pip install --no-deps -e .",
    ". .venv/bin/activate && flask local-db start && flask db upgrade && flask run",
)
# Where `flask run` serves by default.
LOCAL_URL = "http://127.0.0.1:5000"

_PAGES = {
    "tailwind": "HTML pages styled with Tailwind CSS",
    "plain-css": "HTML pages styled with plain CSS",
}
_DATABASES = {"postgres": "PostgreSQL", "neon": "Neon PostgreSQL"}
_OBSERVABILITY = {"none": None, "sentry": "Sentry", "opentelemetry": "OpenTelemetry"}
_CI = {"github": "GitHub Actions CI", "gitlab": "GitLab CI", "none": None}


def _listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def summary(answers: Answers) -> str:
    """The options that shape the project, in one line."""
    serves = []
    if answers["interface"] != "api-only":
        serves.append(_PAGES[answers["frontend"]])
    if answers["interface"] != "web-only":
        serves.append("a JSON API")
    extras = [
        name
        for name, chosen in (
            ("caching", answers["use_caching"]),
            ("rate limits", answers["use_rate_limiting"]),
            ("Celery", answers["use_celery"]),
            (_OBSERVABILITY[answers["observability"]], True),
            ("Docker", answers["use_docker"]),
            (_CI[answers["ci_provider"]], True),
        )
        if name and chosen
    ]
    with_extras = f", with {_listed(extras)}" if extras else ""
    return (
        f"{_listed(serves)} on {_DATABASES[answers['database_provider']]}"
        f"{with_extras} (package {answers['package_name']}, "
        f"{answers['open_source_license']} license)"
    )


def next_steps(project_dir: Path, answers: Answers, directory: Path | None) -> str:
    """What was made, and the commands that run it, for a user in ``directory``."""
    commands = [f"cd {path_from(directory, project_dir)}", *RUN_LOCALLY]
    return "\n".join(
        [
            f"Created {project_dir.resolve()}",
            f"  {summary(answers)}",
            "",
            "Run it locally:",
            *(f"  {command}" for command in commands),
            "",
            f"The app then answers at {LOCAL_URL}. The project's README.md says how to",
            "run its tests, and everything else.",
        ]
    )
