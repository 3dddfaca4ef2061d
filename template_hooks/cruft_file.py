"""``.cruft.json``: the answers and the template commit, as ``cruft create``
records them, so that cruft can check and update a project cookiecutter baked."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from template_hooks.env_file import ENV_FILE
from template_hooks.git_checkout import git_head_commit, git_origin_url

Answers = Mapping[str, Any]

CRUFT_FILE = ".cruft.json"
# cookiecutter adds these to the answers for the current run only (where it
# wrote the project, where the template was on this machine, the --checkout
# flag); cruft does not record them among the answers, and neither do we.
_RUN_ONLY_KEYS = frozenset({"_output_dir", "_repo_dir", "_checkout"})


def cruft_record(answers: Answers, template_dir: Path | None) -> dict[str, Any]:
    """What ``cruft create`` would have written for these answers, baked from
    the template checkout in ``template_dir`` (None when there is none)."""
    template = answers.get("_template")
    if template_dir is not None and template == answers.get("_repo_dir"):
        # A local template: recorded as an absolute path, as cruft does, so
        # that `cruft update` finds it from anywhere.
        template = str(template_dir)
    elif template_dir is not None:
        # A template cookiecutter cloned: cruft clones it again itself, but
        # knows neither cookiecutter's abbreviations (gh:owner/name) nor its
        # git+ prefixes, so record the URL the clone came from.
        template = git_origin_url(template_dir) or template
    commit = git_head_commit(template_dir) if template_dir is not None else None
    context = {
        k: v
        for k, v in answers.items()
        if k not in _RUN_ONLY_KEYS and k not in ("_template", "_commit")
    }
    # Last, in this order, as cruft records them.
    context["_template"] = template
    context["_commit"] = commit
    return {
        "template": template,
        "commit": commit,
        "checkout": answers.get("_checkout"),
        "context": {"cookiecutter": context},
        "directory": None,
        # A fresh secret per bake: `cruft update` must never diff or patch it.
        "skip": [ENV_FILE],
    }


def run_by_cruft(answers: Answers) -> bool:
    # cruft adds _commit to the answers; cookiecutter never does.
    return "_commit" in answers


def write_cruft_file(
    project_dir: Path, answers: Answers, template_dir: Path | None
) -> Path | None:
    """Write ``.cruft.json``, unless cruft is running the template: it writes
    its own after ``cruft create`` and ``cruft update``, and leaves it out of
    the projects it regenerates to diff against."""
    if run_by_cruft(answers):
        return None
    path = project_dir / CRUFT_FILE
    record = cruft_record(answers, template_dir)
    text = json.dumps(record, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
