"""The template repository's own CI and dependency updates (.github/).

Template CI runs the README's test command on every push and pull request; the
lock-upgrade workflow refreshes the baked projects' locks once a week;
Dependabot updates the template's tooling and actions. All of them are checked
by actionlint (with shellcheck on every `run:` script) and by the JSON schemas
check-jsonschema ships for workflows, actions and Dependabot.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONS = sorted((GITHUB / "actions").glob("*/action.yml"))
DEPENDABOT = GITHUB / "dependabot.yml"
TOOLS = Path(sys.executable).parent
# A release tag: v7, v10.3.0. Never a branch, whose code changes under us.
RELEASE = re.compile(r"v\d+(\.\d+){0,2}")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_workflows_are_there() -> None:
    assert [p.name for p in WORKFLOWS] == ["lock-upgrade.yml", "template-ci.yml"]


def test_actionlint_passes() -> None:
    checked = run(
        [
            str(TOOLS / "actionlint"),
            "-shellcheck",
            str(TOOLS / "shellcheck"),
            *(str(p.relative_to(ROOT)) for p in WORKFLOWS),
        ],
        cwd=ROOT,
    )
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize(
    ("schema", "paths"),
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.github-actions", ACTIONS),
        ("vendor.dependabot", [DEPENDABOT]),
    ],
)
def test_files_match_their_schema(schema: str, paths: list[Path]) -> None:
    checked = run(
        [str(TOOLS / "check-jsonschema"), "--builtin-schema", schema, *map(str, paths)],
        cwd=ROOT,
    )
    assert checked.returncode == 0, checked.stdout


def _steps(document: dict) -> list[dict]:
    if "runs" in document:
        return document["runs"].get("steps", [])
    return [step for job in document["jobs"].values() for step in job["steps"]]


def test_actions_are_pinned_to_releases() -> None:
    unpinned = []
    for path in [*WORKFLOWS, *ACTIONS]:
        for step in _steps(load(path)):
            uses = step.get("uses", "")
            if uses and not uses.startswith("./"):
                _, _, version = uses.partition("@")
                if not RELEASE.fullmatch(version):
                    unpinned.append(f"{path.name}: {uses}")
    assert unpinned == []


def test_workflows_read_only_unless_a_job_must_write() -> None:
    writers = {}
    for path in WORKFLOWS:
        workflow = load(path)
        assert workflow["permissions"] in ({}, {"contents": "read"}), path.name
        for name, job in workflow["jobs"].items():
            granted = job.get("permissions", {})
            if any(level == "write" for level in granted.values()):
                writers[f"{path.name}:{name}"] = granted
    assert writers == {
        "lock-upgrade.yml:pull-request": {"contents": "write", "pull-requests": "write"}
    }


def test_template_ci_runs_the_readme_test_command_on_every_push() -> None:
    workflow = load(GITHUB / "workflows" / "template-ci.yml")
    # PyYAML reads the key `on` as True.
    assert {"push", "pull_request"} <= set(workflow[True])
    commands = [step.get("run") for step in workflow["jobs"]["test"]["steps"]]
    assert "make test" in commands
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "```sh\nmake test\n```" in readme


def test_lock_upgrade_resolves_anew_and_tests_before_proposing() -> None:
    workflow = load(GITHUB / "workflows" / "lock-upgrade.yml")
    assert "schedule" in workflow[True]
    resolve = "\n".join(s.get("run", "") for s in workflow["jobs"]["resolve"]["steps"])
    assert "scripts/lock.py --upgrade" in resolve
    assert "make lint test" in resolve
    assert workflow["jobs"]["pull-request"]["needs"] == "resolve"


def test_dependabot_updates_the_tooling_and_the_actions() -> None:
    updates = {u["package-ecosystem"]: u for u in load(DEPENDABOT)["updates"]}
    assert updates["pip"]["directory"] == "/"
    assert (ROOT / "requirements-dev.txt").is_file()
    assert "/" in updates["github-actions"]["directories"]
