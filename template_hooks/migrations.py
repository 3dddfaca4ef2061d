"""The project's initial migration history: one revision file per part of the
project that owns tables, the chosen ones linked into one chain, the others
removed.

Each revision file keeps its fixed revision id, so that the same answers always
give the same files (and ``cruft diff`` stays empty). The hook only rewrites
each kept file's one ``down_revision = ...`` line (and its docstring's
``Revises:`` line, if any) to name the kept revision before it in
``REVISIONS``, the first one revising nothing. So the history has one base and
one head whatever the answers, and ``flask db upgrade`` creates exactly the
tables the chosen parts own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from template_hooks.errors import HookError
from template_hooks.pruning import Answers, Condition, resolve

VERSIONS_DIR = "migrations/versions"
_REVISION = re.compile(r"""^revision = (["'])(?P<id>[^"'\\]+)\1$""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision = .*$", re.MULTILINE)
_REVISES = re.compile(r"^Revises:.*$", re.MULTILINE)


@dataclass(frozen=True)
class Revision:
    """A revision file, relative to the project, that the project keeps when
    ``needed(answers)`` holds."""

    path: str
    needed: Condition


def always(answers: Answers) -> bool:
    return True


# In history order: each kept revision revises the kept one above it. A part
# that owns tables adds its row below the rows of the tables it refers to.
REVISIONS: tuple[Revision, ...] = (
    Revision(f"{VERSIONS_DIR}/0001_create_users.py", always),
)


def revision_id(source: str, name: str) -> str:
    found = [match["id"] for match in _REVISION.finditer(source)]
    if len(found) != 1:
        raise HookError(
            f'{name} has {len(found)} `revision = "..."` lines, not one, so its '
            "place in the migration history is unknown"
        )
    return found[0]


def linked(source: str, name: str, down_revision: str | None) -> str:
    """``source`` revising ``down_revision`` (None: the first revision)."""
    if len(_DOWN_REVISION.findall(source)) != 1:
        raise HookError(
            f"{name} needs exactly one `down_revision = ...` line for the hook to "
            "link it into the migration history"
        )
    if len(_REVISES.findall(source)) > 1:
        raise HookError(f"{name} has more than one Revises: line in its docstring")
    value = "None" if down_revision is None else f'"{down_revision}"'
    revises = "Revises:" if down_revision is None else f"Revises: {down_revision}"
    source = _DOWN_REVISION.sub(lambda _: f"down_revision = {value}", source)
    return _REVISES.sub(lambda _: revises, source)


def link_revisions(
    project_dir: Path, answers: Answers, table: tuple[Revision, ...] = REVISIONS
) -> None:
    """Keep the revisions ``answers`` need, chained in table order; remove the rest."""
    package = str(answers["package_name"])
    listed = {resolve(project_dir, row.path, package) for row in table}
    versions = project_dir / VERSIONS_DIR
    unlisted = sorted(p for p in versions.glob("*.py") if p not in listed)
    if unlisted:
        raise HookError(
            f"{unlisted[0].relative_to(project_dir)} is not in the REVISIONS table, "
            "so the migration history would have two heads"
        )
    previous = None
    for row in table:
        path = resolve(project_dir, row.path, package)
        if not path.is_file():
            raise HookError(f"{row.path} is missing, so it cannot be linked or removed")
        try:
            needed = bool(row.needed(answers))
        except KeyError as missing:
            raise HookError(
                f"the revision row for {row.path!r} reads an answer that does not "
                f"exist: {missing}"
            ) from None
        if not needed:
            path.unlink()
            continue
        source = path.read_text(encoding="utf-8")
        this = revision_id(source, row.path)
        path.write_text(linked(source, row.path, previous), encoding="utf-8")
        previous = this
