"""What a git checkout says about itself, read from its .git without running git."""

from __future__ import annotations

import re
from pathlib import Path

_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def git_head_commit(checkout: Path) -> str | None:
    """The commit checked out in ``checkout``.

    Handles a .git directory or a ``gitdir:`` file (worktrees, submodules),
    a detached HEAD, loose refs and packed-refs; None for anything else.
    """
    dot_git = checkout / ".git"
    if dot_git.is_dir():
        git_dir = dot_git
    else:
        pointer = _read_text(dot_git) or ""
        if not pointer.startswith("gitdir: "):
            return None
        git_dir = (checkout / pointer.removeprefix("gitdir: ")).resolve()
    common = _read_text(git_dir / "commondir")
    common_dir = (git_dir / common).resolve() if common else git_dir

    head = _read_text(git_dir / "HEAD") or ""
    if _SHA.fullmatch(head):
        return head
    if not head.startswith("ref: "):
        return None
    ref = head.removeprefix("ref: ")
    for refs_dir in (git_dir, common_dir):
        loose = _read_text(refs_dir / ref)
        if loose is not None and _SHA.fullmatch(loose):
            return loose
    for line in (_read_text(common_dir / "packed-refs") or "").splitlines():
        commit, _, name = line.partition(" ")
        if name == ref and _SHA.fullmatch(commit):
            return commit
    return None


def git_origin_url(checkout: Path) -> str | None:
    """The URL of the ``origin`` remote in ``checkout``'s .git/config, if any."""
    config = _read_text(checkout / ".git" / "config") or ""
    in_origin = False
    for line in config.splitlines():
        line = line.strip()
        if line.startswith("["):
            in_origin = line.replace(" ", "") == '[remote"origin"]'
        elif in_origin and line.partition("=")[0].strip() == "url":
            return line.partition("=")[2].strip() or None
    return None
