"""The update path: a baked project, committed to git, takes in a newer template
commit with `cruft update` and keeps its own changes.

The baked README's "Updating from the template" section documents these
commands; the post-generation hook writes the .cruft.json they read.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from conftest import TEMPLATE_DIR, run, tail, template_copy

pytestmark = pytest.mark.slow

AUTHOR = {
    f"GIT_{role}_{field}": value
    for role in ("AUTHOR", "COMMITTER")
    for field, value in (("NAME", "Update Tests"), ("EMAIL", "update@example.com"))
}
# A realistic template change: what `scripts/lock.py --upgrade` does to a lock's
# header, a settings file edited, a document added.
NEWER_EXCLUDE_NEWER = "2099-01-01T00:00:00Z"
GUNICORN_CHANGE = "# Added by the newer template commit.\n"
NEW_DOCUMENT = "docs/operations.md"
README_CHANGE = "See docs/operations.md to run it in production.\n\n"
USER_NOTES = "\n## Our own notes\n\nDeploys go through the staging branch first.\n"


def git(*args: str, cwd: Path) -> str:
    done = run(["git", *args], cwd=cwd, **AUTHOR)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}"
    return done.stdout


def cruft(*args: str, cwd: Path):
    return run([sys.executable, "-m", "cruft", *args], cwd=cwd)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """This working tree, committed to a git repository of its own (commit A)."""
    template = template_copy(tmp_path)
    git("init", "-q", "-b", "main", cwd=template)
    git("add", "-A", cwd=template)
    git("commit", "-q", "-m", "The template as tested", cwd=template)
    return template


def change_template(template: Path) -> str:
    """Commit B: the changes an update must bring. Returns its commit."""
    project = template / TEMPLATE_DIR.name
    lock = project / "requirements.lock"
    text = lock.read_text(encoding="utf-8")
    (recorded,) = (
        line for line in text.splitlines() if line.startswith("# exclude-newer: ")
    )
    lock.write_text(
        text.replace(recorded, f"# exclude-newer: {NEWER_EXCLUDE_NEWER}"),
        encoding="utf-8",
    )
    with (project / "gunicorn.conf.py").open("a", encoding="utf-8") as settings:
        settings.write(GUNICORN_CHANGE)
    # Near the top of the README, which the user changes at the bottom.
    readme = project / "README.md"
    title, rest = readme.read_text(encoding="utf-8").split("\n\n", 1)
    readme.write_text(f"{title}\n\n{README_CHANGE}{rest}", encoding="utf-8")
    document = project / NEW_DOCUMENT
    document.parent.mkdir()
    document.write_text("# Operating {{ cookiecutter.project_name }}\n", "utf-8")
    git("add", "-A", cwd=template)
    git("commit", "-q", "-m", "A newer template", cwd=template)
    return git("rev-parse", "HEAD", cwd=template).strip()


def baked_and_committed(cookies, template: Path) -> Path:
    """A project baked from the template, committed to a git repository."""
    baked = cookies.bake(template=str(template))
    assert baked.exit_code == 0, baked.exception
    project = baked.project_path
    git("init", "-q", "-b", "main", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "Baked from the template", cwd=project)
    return project


def test_cruft_diff_finds_a_fresh_bake_identical_to_its_template(
    cookies, template: Path
) -> None:
    project = baked_and_committed(cookies, template)
    diffed = cruft("diff", cwd=project)
    assert (diffed.returncode, diffed.stdout) == (0, ""), (
        f"a fresh bake differs from its own template commit:\n{tail(diffed.stdout)}"
    )


def test_cruft_update_brings_template_changes_and_keeps_the_users(
    cookies, template: Path
) -> None:
    project = baked_and_committed(cookies, template)
    with (project / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(USER_NOTES)
    git("commit", "-q", "-am", "Our notes", cwd=project)
    assert cruft("check", cwd=project).returncode == 0

    newer = change_template(template)
    stale = cruft("check", cwd=project)
    assert stale.returncode == 1, "cruft check missed the newer template commit"

    updated = cruft(
        "update", "--skip-apply-ask", "--allow-untracked-files", cwd=project
    )
    assert updated.returncode == 0, tail(updated.stdout)

    assert (project / "gunicorn.conf.py").read_text("utf-8").endswith(GUNICORN_CHANGE)
    document = (project / NEW_DOCUMENT).read_text("utf-8")
    assert document == "# Operating My Flask Service\n"
    lock = (project / "requirements.lock").read_text("utf-8")
    assert f"# exclude-newer: {NEWER_EXCLUDE_NEWER}\n" in lock
    readme = (project / "README.md").read_text("utf-8")
    assert README_CHANGE in readme
    assert readme.endswith(USER_NOTES)
    record = json.loads((project / ".cruft.json").read_text("utf-8"))
    assert record["commit"] == newer
    assert list(project.rglob("*.rej")) == []

    checked = cruft("check", cwd=project)
    assert checked.returncode == 0, tail(checked.stdout)
    # The update is left for the user to review and commit.
    changed = git("status", "--porcelain", cwd=project).splitlines()
    assert sorted(line[3:] for line in changed) == sorted(
        [
            ".cruft.json",
            "README.md",
            NEW_DOCUMENT,
            "gunicorn.conf.py",
            "requirements.lock",
        ]
    )


def test_a_template_change_that_clashes_is_left_marked_for_the_user(
    cookies, template: Path
) -> None:
    # The project re-locked its dependencies; the template did too. cruft
    # reports success either way: git marks the file unmerged, with both sides.
    project = baked_and_committed(cookies, template)
    lock = project / "requirements.lock"
    text = lock.read_text(encoding="utf-8")
    (recorded,) = re.findall(r"^# exclude-newer: .*$", text, re.MULTILINE)
    lock.write_text(
        text.replace(recorded, "# exclude-newer: 2098-01-01T00:00:00Z"), "utf-8"
    )
    git("commit", "-q", "-am", "Our own lock", cwd=project)
    change_template(template)

    updated = cruft("update", "--skip-apply-ask", cwd=project)
    assert updated.returncode == 0, tail(updated.stdout)

    status = git("status", "--porcelain", cwd=project).splitlines()
    assert "UU requirements.lock" in status
    conflicted = lock.read_text(encoding="utf-8")
    assert "# exclude-newer: 2098-01-01T00:00:00Z" in conflicted
    assert f"# exclude-newer: {NEWER_EXCLUDE_NEWER}" in conflicted
    # The baked README's way out: take the template's side.
    git("checkout", "--theirs", "--", "requirements.lock", cwd=project)
    assert f"# exclude-newer: {NEWER_EXCLUDE_NEWER}\n" in lock.read_text("utf-8")
