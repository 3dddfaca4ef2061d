"""The post-generation hook: finish the baked project.

Prune what the answers leave out, link the chosen migrations into one history,
prune the locked dependencies to the project's own, write ``.env`` with a fresh
secret key, and record the answers in ``.cruft.json``. If a step fails, one
``error:`` line goes to stderr and cookiecutter removes the half-made project;
otherwise the user is told, on stdout, what was made and the two commands that
run it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from template_hooks.bake_report import next_steps
from template_hooks.cruft_file import CRUFT_FILE, run_by_cruft, write_cruft_file
from template_hooks.env_file import ENV_FILE, write_env
from template_hooks.errors import HookError
from template_hooks.locks import prune_lock_files
from template_hooks.migrations import link_revisions
from template_hooks.pruning import Answers, prune
from template_hooks.shell import shell_directory


def main(answers: Answers, project_dir: Path, template_dir: Path | None) -> int:
    """Finish ``project_dir``, baked from the template checkout ``template_dir``."""
    steps: list[tuple[str, Callable[[], object]]] = [
        ("prune the project", lambda: prune(project_dir, answers)),
        ("link the migrations", lambda: link_revisions(project_dir, answers)),
        ("prune the locked dependencies", lambda: prune_lock_files(project_dir)),
        (f"write {ENV_FILE}", lambda: write_env(project_dir)),
        (
            f"write {CRUFT_FILE}",
            lambda: write_cruft_file(project_dir, answers, template_dir),
        ),
    ]
    for what, step in steps:
        try:
            step()
        except (HookError, OSError) as failure:
            print(f"error: could not {what}: {failure}", file=sys.stderr)
            return 1
    # cruft also runs the template to regenerate copies for `cruft diff` and
    # `cruft update`, in temporary directories nobody should cd into.
    if not run_by_cruft(answers):
        print(next_steps(project_dir, answers, shell_directory()))
    return 0
