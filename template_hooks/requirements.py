"""What a baked pyproject.toml requires, and names as PyPI compares them."""

from __future__ import annotations

import re

from template_hooks.errors import HookError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10, on which cookiecutter still runs
    tomllib = None

PYPROJECT = "pyproject.toml"
DISTRIBUTION_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_QUOTED_REQUIREMENT = re.compile(r'"([^"\\]*)",?')


def canonical_name(name: str) -> str:
    """A distribution's name as PyPI compares it: Flask-WTF, flask_wtf and
    flask.wtf are all flask-wtf."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The canonical name a requirement such as ``sentry-sdk[flask]>=2,<3`` asks for."""
    match = DISTRIBUTION_NAME.match(requirement.strip())
    if match is None:
        raise HookError(f"{requirement!r} in {PYPROJECT} names no package")
    return canonical_name(match.group())


def project_requirements(text: str) -> tuple[list[str], list[str]]:
    """The requirements of a pyproject.toml: its dependencies and its dev extra."""
    if tomllib is None:
        return _read_requirement_arrays(text)
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError as error:
        raise HookError(f"{PYPROJECT} is not valid TOML: {error}") from None
    extras = project.get("optional-dependencies", {})
    return list(project.get("dependencies", [])), list(extras.get("dev", []))


def _read_requirement_arrays(text: str) -> tuple[list[str], list[str]]:
    """What ``project_requirements`` reads, without tomllib (before Python 3.11):
    the two arrays as this template writes them, one quoted requirement a line."""
    wanted = {
        ("project", "dependencies"): [],
        ("project.optional-dependencies", "dev"): [],
    }
    table = ""
    filling: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if filling is not None:
            quoted = _QUOTED_REQUIREMENT.fullmatch(stripped)
            if stripped == "]":
                filling = None
            elif quoted is not None:
                filling.append(quoted.group(1))
            elif stripped and not stripped.startswith("#"):
                raise HookError(
                    f"cannot read {stripped!r} in {PYPROJECT} without tomllib; "
                    "run cookiecutter with Python 3.11 or newer"
                )
        elif stripped.startswith("["):
            table = stripped.strip("[]").strip()
        else:
            key, equals, value = (part.strip() for part in stripped.partition("="))
            if equals and (table, key) in wanted:
                if value != "[":
                    raise HookError(
                        f"cannot read {table}.{key} in {PYPROJECT} without tomllib; "
                        "run cookiecutter with Python 3.11 or newer"
                    )
                filling = wanted[(table, key)]
    runtime, dev = wanted.values()
    return runtime, dev
