"""Regenerate the locked dependencies that every baked project ships.

Run it from the template repository (``make test`` installs what it needs)::

    .venv/bin/python scripts/lock.py            # resolve again, as of the recorded time
    .venv/bin/python scripts/lock.py --upgrade  # resolve as of now: newer versions
    .venv/bin/python scripts/lock.py --check    # fail if the committed locks are stale

The template cannot ship one lock per combination of options (there are about a
hundred different dependency sets), so it ships one lock for all of them at
once, in ``{{cookiecutter.project_slug}}/``:

- ``requirements.lock``: every runtime dependency any option brings;
- ``requirements-dev.lock``: what the ``dev`` extra adds beyond those.

Both are ``uv pip compile`` output: exact versions, every file's hash, a
universal resolution (Python 3.11 and newer on Linux, macOS and Windows) and
``# via`` annotations. The post-generation hook prunes them to the project's
own pyproject.toml, offline, by following those annotations (see
``prune_locks`` in template_hooks/locks.py, which this script also uses to
split the resolution in two).

How: bake each combination in ``COVERING_BAKES`` into a temporary directory,
collect the dependencies and dev extra of their pyproject.toml files, write
the union as the pyproject.toml of a temporary project, and resolve it with
``uv pip compile --extra dev``. uv only considers files uploaded before the
``exclude-newer`` time recorded in the locks' headers, so the same time gives
the same locks whenever it runs; ``--upgrade`` moves that time to now.
``--check`` (which needs PyPI, as every mode does) resolves again at the
recorded time and fails, showing the difference, when the result differs from
the committed files: after a change to the baked pyproject.toml, to
``COVERING_BAKES`` or to the uv pinned in requirements-dev.txt.

tests/test_lock.py checks offline that the locks cover every combination in
the test matrix, and runs ``--check``.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import isolated_bake

ROOT = Path(__file__).resolve().parent.parent
PROJECT_TEMPLATE = ROOT / "{{cookiecutter.project_slug}}"
LOCK = PROJECT_TEMPLATE / "requirements.lock"
DEV_LOCK = PROJECT_TEMPLATE / "requirements-dev.lock"

# Between them, these bakes ask for every dependency any combination of options
# can: everything on, with each observability choice. tests/test_lock.py fails,
# naming the combination, when a matrix row needs something they do not.
_EVERYTHING_ON: dict[str, Any] = {
    "interface": "web-and-api",
    "frontend": "tailwind",
    "database_provider": "neon",
    "use_caching": True,
    "use_rate_limiting": True,
    "use_celery": True,
}
COVERING_BAKES: tuple[dict[str, Any], ...] = (
    {**_EVERYTHING_ON, "observability": "sentry"},
    {**_EVERYTHING_ON, "observability": "opentelemetry"},
)

# The oldest Python the baked projects support: the floor of the resolution.
PYTHON_FLOOR = "3.11"
# The temporary project's name, which uv writes in "# via" for what
# pyproject.toml asks for; the template's locks say the baked project's name.
_UNION_PROJECT = "locked-union"
_PROJECT_NAME = "{{ cookiecutter.project_slug }}"
_UV_SETTINGS_KEPT = ("UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_CACHE_DIR")
_EXCLUDE_NEWER = re.compile(r"^# exclude-newer: (\S+)$", re.MULTILINE)

RUNTIME_HEADER = """\
# Every package this project needs at run time, at exact versions with the
# hashes of their files, for Python 3.11 and newer on Linux, macOS and Windows.
# Install them (the project itself runs from its directory) with
#
#     uv pip install --require-hashes --no-deps -r requirements.lock
#
# requirements-dev.lock adds the development tools. Both were resolved by the
# project template's scripts/lock.py from PyPI as it was at the time below, and
# pruned to this project's pyproject.toml when it was generated.
# exclude-newer: {exclude_newer}"""

DEV_HEADER = """\
# The development tools (the dev extra of pyproject.toml) and what they need
# beyond requirements.lock, pinned with hashes like it. Install both with
#
#     uv pip install --require-hashes --no-deps \\
#         -r requirements.lock -r requirements-dev.lock
#     uv pip install --no-deps -e .
#
# exclude-newer: {exclude_newer}"""


class LockError(RuntimeError):
    """Why the locks could not be made; ``str()`` is the line to show."""


def hook_locks() -> ModuleType:
    """template_hooks/locks.py, the hooks' lock parser and pruning."""
    # Run as `python scripts/lock.py`, only scripts/ is on the path.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from template_hooks import locks

    return locks


def bake(answers: Mapping[str, Any], output_dir: Path) -> Path:
    """Bake ``answers`` (defaults for the rest), apart from the user's setup."""
    try:
        # Only pyproject.toml is read, and the post-generation hook would prune it with
        # the very locks this script is making.
        return isolated_bake.bake(output_dir, answers, accept_hooks=False)
    except isolated_bake.BakeError as failure:
        raise LockError(str(failure)) from None


def union_requirements(work: Path) -> tuple[list[str], list[str]]:
    """The runtime and dev requirements of every bake in ``COVERING_BAKES``."""
    runtime: set[str] = set()
    dev: set[str] = set()
    for number, answers in enumerate(COVERING_BAKES):
        project = bake(answers, work / f"bake-{number}")
        metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
        runtime.update(metadata["project"]["dependencies"])
        dev.update(metadata["project"]["optional-dependencies"]["dev"])
    return sorted(runtime), sorted(dev - runtime)


def union_pyproject(runtime: Sequence[str], dev: Sequence[str]) -> str:
    # JSON strings are valid TOML basic strings.
    def array(requirements: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(r) for r in requirements) + "]"

    return (
        "[project]\n"
        f'name = "{_UNION_PROJECT}"\n'
        'version = "0"\n'
        f'requires-python = ">={PYTHON_FLOOR}"\n'
        f"dependencies = {array(runtime)}\n"
        "\n"
        "[project.optional-dependencies]\n"
        f"dev = {array(dev)}\n"
    )


def resolve(runtime: Sequence[str], dev: Sequence[str], exclude_newer: str) -> str:
    """``uv pip compile`` of both requirement lists together, as one lock."""
    with tempfile.TemporaryDirectory(prefix="lock-") as tmp:
        work = Path(tmp)
        (work / "pyproject.toml").write_text(
            union_pyproject(runtime, dev), encoding="utf-8"
        )
        command = [
            sys.executable,
            "-m",
            "uv",
            "pip",
            "compile",
            "pyproject.toml",
            "--extra=dev",
            "--universal",
            f"--python-version={PYTHON_FLOOR}",
            "--generate-hashes",
            f"--exclude-newer={exclude_newer}",
            "--no-header",
            "--no-config",
            "--quiet",
            "--output-file=all.lock",
        ]
        # No uv setting from the environment may change the resolution, except
        # a mirror of PyPI and where the cache is.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("UV_") or k in _UV_SETTINGS_KEPT
        }
        done = subprocess.run(
            command,
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise LockError(f"uv pip compile failed:\n{done.stdout}{done.stderr}")
        return (work / "all.lock").read_text(encoding="utf-8")


def make_locks(exclude_newer: str) -> tuple[str, str]:
    """The texts of requirements.lock and requirements-dev.lock, as of exclude_newer."""
    hook = hook_locks()
    with tempfile.TemporaryDirectory(prefix="lock-bakes-") as tmp:
        runtime, dev = union_requirements(Path(tmp))
    resolved = resolve(runtime, dev, exclude_newer)
    resolved = resolved.replace(
        f"{_UNION_PROJECT} (pyproject.toml)", f"{_PROJECT_NAME} (pyproject.toml)"
    )
    everything = hook.parse_lock(resolved, "uv's output")
    nothing = hook.Lock((), ())
    # Splitting the resolution is pruning it to the union of the bakes.
    runtime_lock, dev_lock = hook.prune_locks(everything, nothing, runtime, dev)
    header = {"exclude_newer": exclude_newer}
    runtime_lock = hook.Lock(
        tuple(RUNTIME_HEADER.format(**header).splitlines()), runtime_lock.pins
    )
    dev_lock = hook.Lock(tuple(DEV_HEADER.format(**header).splitlines()), dev_lock.pins)
    return runtime_lock.render(), dev_lock.render()


def recorded_exclude_newer() -> str | None:
    """The exclude-newer time in the committed locks' headers, if any."""
    found = set()
    for path in (LOCK, DEV_LOCK):
        if not path.is_file():
            return None
        match = _EXCLUDE_NEWER.search(path.read_text(encoding="utf-8"))
        if match is None:
            raise LockError(f"{path.name} records no '# exclude-newer:' time")
        found.add(match.group(1))
    if len(found) != 1:
        raise LockError(f"the locks record different exclude-newer times: {found}")
    (exclude_newer,) = found
    return exclude_newer


def now() -> str:
    moment = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def differences(path: Path, wanted: str) -> list[str]:
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    shown = str(path.relative_to(ROOT))
    return list(
        difflib.unified_diff(
            current.splitlines(),
            wanted.splitlines(),
            f"{shown} (committed)",
            f"{shown} (resolved again)",
            lineterm="",
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Regenerate the locks the baked projects ship."
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="resolve again at the recorded time; fail if the locks differ",
    )
    mode.add_argument(
        "--upgrade", action="store_true", help="resolve as of now (newer versions)"
    )
    options = parser.parse_args(argv)
    try:
        recorded = recorded_exclude_newer()
        if options.upgrade or recorded is None:
            if options.check:
                raise LockError("there are no locks to check; run without --check")
            exclude_newer = now()
        else:
            exclude_newer = recorded
        locks = dict(zip((LOCK, DEV_LOCK), make_locks(exclude_newer), strict=True))
    except LockError as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 1

    print(f"exclude-newer: {exclude_newer}")
    stale = False
    for path, text in locks.items():
        shown = path.relative_to(ROOT)
        packages = sum(1 for line in text.splitlines() if line[:1].isalnum())
        diff = differences(path, text)
        if not diff:
            print(f"{shown}: up to date ({packages} packages)")
        elif options.check:
            stale = True
            print(f"{shown}: stale", *diff[:60], sep="\n")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{shown}: written ({packages} packages)")
    if stale:
        print(
            "error: the locks differ from a fresh resolution at the recorded time; "
            "run `.venv/bin/python scripts/lock.py` and commit the result",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
