"""The project's private ``.env``: ``.env.example`` with a fresh secret key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from template_hooks.errors import HookError

ENV_EXAMPLE = ".env.example"
ENV_FILE = ".env"
SECRET_KEY_BYTES = 48
_SECRET_KEY = "SECRET_KEY="


def new_secret_key() -> str:
    return secrets.token_urlsafe(SECRET_KEY_BYTES)


def render_env(example: str, secret_key: str) -> str:
    """Return ``example`` with the value of its one ``SECRET_KEY=`` line replaced."""
    lines = example.split("\n")
    found = [i for i, line in enumerate(lines) if line.startswith(_SECRET_KEY)]
    if not found:
        raise HookError(f"{ENV_EXAMPLE} has no {_SECRET_KEY} line to fill in")
    if len(found) > 1:
        raise HookError(f"{ENV_EXAMPLE} has {len(found)} {_SECRET_KEY} lines, not one")
    (index,) = found
    carriage_return = "\r" if lines[index].endswith("\r") else ""
    lines[index] = f"{_SECRET_KEY}{secret_key}{carriage_return}"
    return "\n".join(lines)


def write_env(project_dir: Path) -> Path:
    """Create ``.env`` (mode 0600) from ``.env.example``; keep an existing ``.env``.

    An existing ``.env`` only happens when re-baking over a project
    (``cookiecutter -f``), and it may hold real credentials by then.
    """
    example_path = project_dir / ENV_EXAMPLE
    env_path = project_dir / ENV_FILE
    if env_path.exists():
        return env_path
    try:
        example = example_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HookError(f"{ENV_EXAMPLE} is missing from the project") from None
    content = render_env(example, new_secret_key())
    # Created 0600 from the start, so the secret is never readable by others.
    fd = os.open(env_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as env_file:
        os.fchmod(env_file.fileno(), 0o600)
        env_file.write(content)
    return env_path
