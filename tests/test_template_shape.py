"""The template's own code stays small enough to read: the hook scripts only
find the library and hand it the answers, and no module of the library grows
into a file that does several jobs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from template_hooks.pruning import PRUNING

from conftest import HOOKS_DIR, LIBRARY_DIR, ROOT, TEMPLATE_DIR
from matrix import (
    FILES_PER_OPTION_BEFORE,
    FILES_PER_OPTION_NOW,
    JINJA_NOW,
    JINJA_TARGET,
    MATRIX,
    SHARED_FILES_PER_YES_NO_OPTION_NOW,
)

MAX_HOOK_SCRIPT_LINES = 60
MAX_MODULE_LINES = 250
# A Jinja block tag, whitespace control included, or the first line of one that
# goes on over several lines.
_TAG = re.compile(r"\{%.*?(?:%\}|$)")


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


def _jinja_counts() -> dict[str, int]:
    tagged = mixed = 0
    for path in TEMPLATE_DIR.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "{%" not in line:
                continue
            tagged += 1
            if _TAG.sub("", line).strip():
                mixed += 1
    return {"tagged lines": tagged, "lines mixing a tag with code": mixed}


def _files_naming(option: str) -> list[Path]:
    name = f"cookiecutter.{option}"
    return [
        path
        for path in TEMPLATE_DIR.rglob("*")
        if path.is_file() and name in path.read_text(encoding="utf-8", errors="replace")
    ]


def _own_files(option: str) -> list[Path]:
    """What the pruning table removes in every matrix row once ``option`` is off."""
    return [
        TEMPLATE_DIR / row.path.replace("{package}", "{{cookiecutter.package_name}}")
        for row in PRUNING
        if all(row.when({**answers, option: False}) for answers in MATRIX.values())
    ]


def _shared_files(option: str) -> list[Path]:
    own = _own_files(option)
    return [
        path
        for path in _files_naming(option)
        if not any(path == mine or mine in path.parents for mine in own)
    ]


def test_the_jinja_in_the_templates_python_is_as_recorded() -> None:
    measured = _jinja_counts()
    assert measured == JINJA_NOW, f"record {measured} in tests/matrix.py"
    assert all(JINJA_NOW[name] <= JINJA_TARGET[name] for name in JINJA_TARGET)


def test_each_options_jinja_sits_in_the_recorded_number_of_files() -> None:
    measured = {option: len(_files_naming(option)) for option in FILES_PER_OPTION_NOW}
    assert measured == FILES_PER_OPTION_NOW, f"record {measured} in tests/matrix.py"


@pytest.mark.parametrize("option", sorted(SHARED_FILES_PER_YES_NO_OPTION_NOW))
def test_a_yes_no_options_jinja_in_shared_files_is_as_recorded(option: str) -> None:
    assert _own_files(option), f"the pruning table removes nothing of {option}"
    assert len(_shared_files(option)) == SHARED_FILES_PER_YES_NO_OPTION_NOW[option]
    assert SHARED_FILES_PER_YES_NO_OPTION_NOW[option] < FILES_PER_OPTION_BEFORE[option]
