"""The hook scripts cookiecutter runs: each finds the template checkout it came
from, and the template_hooks package there, using the standard library alone."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.environment import StrictEnvironment

from conftest import (
    HOOKS_DIR,
    LIBRARY_DIR,
    NETWORK_AND_PROCESS_MODULES,
    ROOT,
    imported_modules,
    template_copy,
)

HOOK_SCRIPTS = sorted(HOOKS_DIR.glob("*.py"))
LIBRARY_FILES = sorted(LIBRARY_DIR.glob("*.py"))


def _finder_source(hook: Path) -> str:
    tree = ast.parse(hook.read_text(encoding="utf-8"))
    (finder,) = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "template_directory"
    ]
    return ast.unparse(finder)


def test_both_hooks_find_the_template_the_same_way() -> None:
    # Each needs its own copy: what finds the library cannot live in it.
    assert [hook.name for hook in HOOK_SCRIPTS] == [
        "post_gen_project.py",
        "pre_gen_project.py",
    ]
    post, pre = (_finder_source(hook) for hook in HOOK_SCRIPTS)
    assert post == pre


def _template(root: Path) -> Path:
    (root / LIBRARY_DIR.name).mkdir(parents=True)
    (root / "cookiecutter.json").write_text("{}", encoding="utf-8")
    return root


def _working_directory(path: Path):
    """A stand-in for os.readlink that answers /proc/<ppid>/cwd with ``path``."""

    def readlink(link: str) -> str:
        assert link == f"/proc/{os.getppid()}/cwd", link
        return str(path)

    return readlink


def _no_proc(link: str) -> str:
    raise FileNotFoundError(link)


def test_an_absolute_repo_dir_is_the_template(post_gen_hook, tmp_path) -> None:
    template = _template(tmp_path / "template")
    assert post_gen_hook.template_directory(str(template)) == template


@pytest.mark.parametrize("repo_dir", [None, ".", "template"])
def test_otherwise_the_working_directory_of_cookiecutter_is_the_template(
    post_gen_hook, tmp_path, monkeypatch, repo_dir
) -> None:
    # cookiecutter works in the template while hooks run; cruft gives no _repo_dir.
    template = _template(tmp_path / "template")
    monkeypatch.setattr(post_gen_hook.os, "readlink", _working_directory(template))
    assert post_gen_hook.template_directory(repo_dir) == template


def test_without_proc_a_relative_repo_dir_is_found_from_the_shell_directory(
    post_gen_hook, tmp_path, monkeypatch
) -> None:
    template = _template(tmp_path / "template")
    # Without /proc (macOS), the shell's PWD is what is left.
    monkeypatch.setattr(post_gen_hook.os, "readlink", _no_proc)
    monkeypatch.setenv("PWD", str(tmp_path))
    assert post_gen_hook.template_directory("template") == template
    monkeypatch.setenv("PWD", str(tmp_path / "elsewhere"))
    assert post_gen_hook.template_directory("template") is None
    monkeypatch.delenv("PWD")
    assert post_gen_hook.template_directory("template") is None


def test_a_directory_without_the_library_is_not_the_template(
    post_gen_hook, tmp_path, monkeypatch
) -> None:
    (tmp_path / "cookiecutter.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(post_gen_hook.os, "readlink", _no_proc)
    assert post_gen_hook.template_directory(str(tmp_path)) is None


@pytest.mark.parametrize("hook", HOOK_SCRIPTS, ids=lambda path: path.stem)
def test_a_hook_that_finds_no_template_fails_with_one_line(
    hook: Path, tmp_path: Path
) -> None:
    script = tmp_path / hook.name
    answers = {"_repo_dir": str(tmp_path / "nowhere")}
    rendered = StrictEnvironment().from_string(hook.read_text(encoding="utf-8"))
    script.write_text(rendered.render(cookiecutter=answers), encoding="utf-8")
    # Started by a shell working in tmp_path, which holds no template.
    ran = subprocess.run(
        ["sh", "-c", f'"{sys.executable}" "{script}"; exit $?'],
        cwd=tmp_path,
        env={**os.environ, "PWD": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1
    assert ran.stdout == ""
    assert ran.stderr.startswith(
        "error: could not find the template checkout this hook came from "
    )
    assert ran.stderr.count("\n") == 1


def test_baking_writes_nothing_into_the_template(cookies, tmp_path) -> None:
    template = template_copy(tmp_path)
    before = sorted(template.rglob("*"))
    result = cookies.bake(template=str(template))
    assert result.exit_code == 0, result.exception
    assert sorted(template.rglob("*")) == before


@pytest.mark.parametrize(
    "path", HOOK_SCRIPTS + LIBRARY_FILES, ids=lambda path: path.name
)
def test_hooks_import_only_the_standard_library_and_their_own_package(
    path: Path,
) -> None:
    imported = imported_modules(path)
    allowed = set(sys.stdlib_module_names) | {"__future__", LIBRARY_DIR.name}
    assert imported <= allowed, path.relative_to(ROOT)
    assert not imported & NETWORK_AND_PROCESS_MODULES, path.relative_to(ROOT)
