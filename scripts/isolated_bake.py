"""Bake the template from its own tooling, apart from the user's cookiecutter setup.

scripts/build_tailwind.py and scripts/lock.py both bake the template into a
temporary directory; a config file of their own keeps cookiecutter's replay files
and cloned templates out of the user's home.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cookiecutter.exceptions import CookiecutterException
from cookiecutter.main import cookiecutter

ROOT = Path(__file__).resolve().parent.parent


class BakeError(RuntimeError):
    """The template did not bake; ``str()`` says which answers and why."""


def bake(
    output_dir: Path,
    answers: Mapping[str, Any] | None = None,
    *,
    accept_hooks: bool = True,
) -> Path:
    """Bake ``answers`` (defaults for the rest) under output_dir; return the project."""
    output_dir.mkdir(parents=True, exist_ok=True)
    config = output_dir / "cookiecutter-config.yaml"
    # JSON strings are valid YAML scalars, so any temporary path is quoted safely.
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(output_dir / 'cookiecutters'))}\n"
        f"replay_dir: {json.dumps(str(output_dir / 'replay'))}\n",
        encoding="utf-8",
    )
    try:
        baked = cookiecutter(
            str(ROOT),
            no_input=True,
            extra_context=dict(answers or {}),
            output_dir=str(output_dir / "bake"),
            accept_hooks=accept_hooks,
            config_file=str(config),
        )
    except CookiecutterException as failure:
        raise BakeError(
            f"the bake of {dict(answers or {})} failed: {failure}"
        ) from None
    return Path(baked)
