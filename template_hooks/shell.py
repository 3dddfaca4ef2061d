"""The user's shell: where they ran cookiecutter, and paths as they would type them."""

from __future__ import annotations

import os
import shlex
from pathlib import Path


def shell_directory() -> Path | None:
    """The directory the user ran cookiecutter in, as their shell says (PWD):
    cookiecutter runs hooks from other directories and tells them nothing."""
    directory = os.environ.get("PWD", "")
    return Path(directory) if os.path.isabs(directory) else None


def path_from(directory: Path | None, path: Path) -> str:
    """``path`` as the user types it in ``directory``: relative below it,
    absolute elsewhere; quoted for a POSIX shell."""
    if directory is not None:
        try:
            return shlex.quote(str(path.resolve().relative_to(directory.resolve())))
        except ValueError:
            pass
    return shlex.quote(str(path.resolve()))
