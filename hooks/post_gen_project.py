"""The post-generation hook: finish the baked project (template_hooks/post_gen.py).

cookiecutter renders this file with Jinja and runs a temporary copy of it in the
new project, so it cannot import what lies beside it: it finds the template
checkout and calls the ``template_hooks`` package there, where the work is done
and tested. The answers arrive once, as JSON, in the raw string at the bottom
(see pre_gen_project.py for why that is safe).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

LIBRARY = "template_hooks"


def template_directory(repo_dir: str | None) -> Path | None:
    """The template checkout holding LIBRARY: an absolute ``_repo_dir`` (cruft
    gives none), else the working directory of cookiecutter or cruft, which is the
    template while hooks run (Linux's /proc), else ``_repo_dir`` under the PWD."""
    typed = os.path.expanduser(repo_dir or "")
    candidates = [typed] if os.path.isabs(typed) else []
    try:
        candidates.append(os.readlink(f"/proc/{os.getppid()}/cwd"))
    except OSError:
        shell = os.environ.get("PWD", "")
        if typed and os.path.isabs(shell):
            candidates.append(os.path.join(shell, typed))
    for candidate in map(Path, candidates):
        if all((candidate / name).exists() for name in ("cookiecutter.json", LIBRARY)):
            return candidate.resolve()
    return None


def main(answers: dict) -> int:
    template = template_directory(answers.get("_repo_dir"))
    if template is None:
        print(
            f"error: could not find the template checkout this hook came from (its "
            f"{LIBRARY}/ package); bake with cookiecutter, giving the template's path",
            file=sys.stderr,
        )
        return 1
    # Baking writes nothing into the template checkout, bytecode included.
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(template))
    from template_hooks import post_gen

    return post_gen.main(answers, Path.cwd(), template)


if __name__ == "__main__":
    # Single quotes on purpose: tojson never emits one, but it emits plenty of ".
    sys.exit(main(json.loads(r'{{ cookiecutter | tojson }}')))  # fmt: skip
