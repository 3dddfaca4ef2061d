"""The questions a person meets, in order and in their words, through a terminal.

The expected screens below are the review copy of the prompts: a newcomer
reads them top to bottom in an 80-column terminal, so each question must make
sense in that order, say what a choice produces, and fit on its line (rich
wraps longer ones, which makes these comparisons fail).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import ROOT, clean_env, private_cookiecutter_config

# (what the screen shows for one question, what the person types; "" is Enter).
CONVERSATION = [
    ("[1/18] Project name (e.g. Order Tracker) (My Flask Service):", "Order Tracker"),
    ("[2/18] Directory name (lowercase, digits, hyphens) (order-tracker):", ""),
    ("[3/18] Python package (lowercase, digits, underscores) (order_tracker):", ""),
    (
        "[4/18] Describe the service in one line "
        "(A Flask and PostgreSQL web service.):",
        "Tracks orders from checkout to delivery.",
    ),
    ("[5/18] Your name, or your team's (Your Name):", "Ada Lovelace"),
    ("[6/18] Contact email address (you@example.com):", ""),
    (
        """[7/18] License for the code
    1 - MIT: short and permissive
    2 - BSD 3-Clause: permissive, no endorsement using your name
    3 - Apache 2.0: permissive, with an explicit patent grant
    4 - Proprietary: all rights reserved, not open source
    Choose from [1/2/3/4] (1):""",
        "3",
    ),
    ("[8/18] First version number (PEP 440, e.g. 0.1.0) (0.1.0):", ""),
    (
        """[9/18] Python version for CI and containers (installs on 3.11+ either way)
    1 - 3.13
    2 - 3.12
    3 - 3.11
    Choose from [1/2/3] (1):""",
        "",
    ),
    (
        """[10/18] What the service serves
    1 - HTML pages and a JSON API
    2 - A JSON API only: no HTML pages, no forms
    3 - HTML pages only: no JSON API
    Choose from [1/2/3] (1):""",
        "2",
    ),
    (
        """[11/18] How the HTML pages are styled (ignored for an API-only service)
    1 - Tailwind CSS (stylesheet prebuilt; rebuilding needs no Node)
    2 - One hand-written CSS file
    Choose from [1/2] (1):""",
        "",
    ),
    (
        """[12/18] Where PostgreSQL runs in production
    1 - Any PostgreSQL server
    2 - Neon serverless PostgreSQL (pooled, survives cold starts)
    Choose from [1/2] (1):""",
        "",
    ),
    (
        "[13/18] Cache the users list (Flask-Caching; Redis in production)? [y/n] (n):",
        "y",
    ),
    (
        "[14/18] Rate-limit writes with Flask-Limiter (Redis in production)? "
        "[y/n] (n):",
        "",
    ),
    ("[15/18] Run background jobs with Celery (Redis as the broker)? [y/n] (n):", ""),
    (
        """[16/18] Error reporting and tracing, beyond the request logs
    1 - Nothing more
    2 - Sentry error reporting
    3 - OpenTelemetry traces
    Choose from [1/2/3] (1):""",
        "",
    ),
    (
        "[17/18] Add a Dockerfile and a Docker Compose dev stack? [y/n] (y):",
        "n",
    ),
    (
        """[18/18] Where CI runs lint, migrations and tests
    1 - GitHub Actions
    2 - GitLab CI/CD
    3 - Nowhere yet: no pipeline file
    Choose from [1/2/3] (1):""",
        "2",
    ),
]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# A question starts with its number and ends where the answer goes.
_QUESTION_START = re.compile(r"\[\d+/\d+\]")
_QUESTION_END = re.compile(r"\):")


def _screen(text: str) -> str:
    lines = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


@pytest.fixture(scope="module")
def conversation(tmp_path_factory) -> tuple[list[str], Path, pexpect.spawn]:
    """Answer every question as a person would; what was shown, and the bake."""
    tmp_path = tmp_path_factory.mktemp("prompts")
    config = private_cookiecutter_config(tmp_path)
    out = tmp_path / "out"
    env = clean_env({"TERM": "dumb", "NO_COLOR": "1"})
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "cookiecutter", "--config-file", str(config), str(ROOT), "-o", str(out)],
        env=env,
        cwd=str(tmp_path),
        encoding="utf-8",
        dimensions=(24, 80),
        timeout=30,
    )
    shown: list[str] = []
    try:
        for _, answer in CONVERSATION:
            child.expect(_QUESTION_START)
            start = child.after
            child.expect(_QUESTION_END)
            shown.append(_screen(start + child.before + child.after))
            child.sendline(answer)
        child.expect(pexpect.EOF)
    finally:
        child.close()
    return shown, out, child


def test_a_person_meets_the_questions_in_order_and_in_these_words(
    conversation,
) -> None:
    shown, _, _ = conversation
    for number, (expected, _) in enumerate(CONVERSATION, start=1):
        assert shown[number - 1] == expected, f"question {number} reads differently"
    assert len(shown) == len(CONVERSATION)


def test_answers_typed_at_the_prompts_shape_the_bake(conversation) -> None:
    _, out, child = conversation
    assert child.exitstatus == 0, child.before
    project = out / "order-tracker"
    package = project / "order_tracker"
    assert (package / "api").is_dir()
    assert not (package / "templates").exists(), "api-only still has HTML templates"
    assert not (package / "static").exists()
    assert (project / "tests" / "test_caching.py").is_file()
    assert not (project / "tests" / "test_rate_limits.py").exists()
    assert not (project / "worker.py").exists()
    assert not (project / "Dockerfile").exists()
    assert not (project / "compose.yaml").exists()
    assert (project / ".gitlab-ci.yml").is_file()
    assert not (project / ".github").exists()
    assert "Apache License" in (project / "LICENSE").read_text(encoding="utf-8")
    answers = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    recorded = answers["context"]["cookiecutter"]
    assert recorded["project_name"] == "Order Tracker"
    assert recorded["description"] == "Tracks orders from checkout to delivery."
    assert recorded["interface"] == "api-only"
    assert recorded["open_source_license"] == "Apache-2.0"
    assert recorded["use_caching"] is True
    assert recorded["use_rate_limiting"] is False
    assert recorded["use_docker"] is False
    assert recorded["ci_provider"] == "gitlab"
