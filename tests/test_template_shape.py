"""The template's own code stays small enough to read: the hook scripts only
find the library and hand it the answers, and no module of the library grows
into a file that does several jobs."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HOOKS_DIR, LIBRARY_DIR, ROOT

MAX_HOOK_SCRIPT_LINES = 60
MAX_MODULE_LINES = 250


def _code_files(directory: Path) -> list[Path]:
    return sorted(
        path
        for path in directory.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_hooks_holds_only_the_scripts_cookiecutter_runs() -> None:
    # cookiecutter ignores anything else there; shared code goes in the library.
    assert [path.name for path in _code_files(HOOKS_DIR)] == [
        "post_gen_project.py",
        "pre_gen_project.py",
    ]


@pytest.mark.parametrize("script", _code_files(HOOKS_DIR), ids=lambda path: path.name)
def test_each_hook_script_is_short(script: Path) -> None:
    assert _lines(script) <= MAX_HOOK_SCRIPT_LINES


@pytest.mark.parametrize(
    "path",
    _code_files(HOOKS_DIR) + _code_files(LIBRARY_DIR),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_no_hook_or_library_file_is_long(path: Path) -> None:
    assert _lines(path) <= MAX_MODULE_LINES, "split it by job"


def test_the_library_is_not_baked_into_projects(default_bake: Path) -> None:
    assert list(default_bake.rglob(LIBRARY_DIR.name)) == []
