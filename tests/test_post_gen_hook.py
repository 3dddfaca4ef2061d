"""How the post-generation hook writes the baked project's ``.env``."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from conftest import HOOKS_DIR, NETWORK_AND_PROCESS_MODULES, imported_modules

HOOK_PATH = HOOKS_DIR / "post_gen_project.py"

EXAMPLE = """\
# Copy to .env and fill in.
APP_ENV=development
DATABASE_URL=postgresql://localhost/app
SECRET_KEY=change-me
# SECRET_KEY=an-old-commented-out-value
TRUSTED_HOSTS=
"""


def _secret_key(env_text: str) -> str:
    (line,) = [x for x in env_text.splitlines() if x.startswith("SECRET_KEY=")]
    return line.removeprefix("SECRET_KEY=")


@pytest.mark.parametrize(
    "placeholder",
    ["", "change-me", '"quoted placeholder"', "a=b=c", "  spaced  "],
)
def test_secret_key_value_is_replaced_whatever_it_was(post_gen, placeholder) -> None:
    example = EXAMPLE.replace("SECRET_KEY=change-me", f"SECRET_KEY={placeholder}")
    rendered = post_gen.render_env(example, "new-secret")
    assert rendered == EXAMPLE.replace("SECRET_KEY=change-me", "SECRET_KEY=new-secret")


def test_every_other_line_is_kept_byte_for_byte(post_gen) -> None:
    rendered = post_gen.render_env(EXAMPLE, "new-secret")
    before = EXAMPLE.splitlines(keepends=True)
    after = rendered.splitlines(keepends=True)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert changed == [("SECRET_KEY=change-me\n", "SECRET_KEY=new-secret\n")]


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        ("A=1\r\nSECRET_KEY=x\r\nB=2\r\n", "A=1\r\nSECRET_KEY=s\r\nB=2\r\n"),
        ("A=1\nSECRET_KEY=x", "A=1\nSECRET_KEY=s"),
        ("SECRET_KEY=", "SECRET_KEY=s"),
    ],
)
def test_line_endings_are_kept(post_gen, example, expected) -> None:
    assert post_gen.render_env(example, "s") == expected


@pytest.mark.parametrize(
    "example",
    [
        "",
        "APP_ENV=development\n",
        "# SECRET_KEY=commented out\n",
        "export SECRET_KEY=x\n",
        "MY_SECRET_KEY=x\n",
    ],
)
def test_example_without_a_secret_key_line_is_an_error(post_gen, example) -> None:
    with pytest.raises(post_gen.HookError, match="no SECRET_KEY= line"):
        post_gen.render_env(example, "s")


def test_example_with_two_secret_key_lines_is_an_error(post_gen) -> None:
    with pytest.raises(post_gen.HookError, match="2 SECRET_KEY= lines"):
        post_gen.render_env("SECRET_KEY=a\nSECRET_KEY=b\n", "s")


def test_new_secret_keys_are_long_urlsafe_and_unique(post_gen) -> None:
    keys = {post_gen.new_secret_key() for _ in range(20)}
    assert len(keys) == 20
    for key in keys:
        assert len(key) >= 64
        assert key.replace("-", "").replace("_", "").isalnum()


def _project(tmp_path: Path, name: str, example: str | None = EXAMPLE) -> Path:
    project = tmp_path / name
    project.mkdir()
    if example is not None:
        (project / ".env.example").write_text(example, encoding="utf-8")
    return project


def test_env_file_is_private_even_under_a_permissive_umask(post_gen, tmp_path) -> None:
    project = _project(tmp_path, "p")
    old_umask = os.umask(0)
    try:
        env_path = post_gen.write_env(project)
    finally:
        os.umask(old_umask)
    assert env_path == project / ".env"
    assert stat.S_IMODE(env_path.stat().st_mode) == 0o600


def test_env_file_is_the_example_with_a_fresh_secret(post_gen, tmp_path) -> None:
    project = _project(tmp_path, "p")
    env_text = post_gen.write_env(project).read_text(encoding="utf-8")
    secret = _secret_key(env_text)
    assert len(secret) >= 32
    assert env_text == EXAMPLE.replace("SECRET_KEY=change-me", f"SECRET_KEY={secret}")
    assert (project / ".env.example").read_text(encoding="utf-8") == EXAMPLE


def test_two_projects_get_different_secret_keys(post_gen, tmp_path) -> None:
    first = post_gen.write_env(_project(tmp_path, "one")).read_text(encoding="utf-8")
    second = post_gen.write_env(_project(tmp_path, "two")).read_text(encoding="utf-8")
    assert _secret_key(first) != _secret_key(second)


def test_an_existing_env_file_is_left_alone(post_gen, tmp_path) -> None:
    project = _project(tmp_path, "p")
    own = "SECRET_KEY=the-users-own\n"
    (project / ".env").write_text(own, encoding="utf-8")
    post_gen.write_env(project)
    assert (project / ".env").read_text(encoding="utf-8") == own


def test_main_succeeds_silently(post_gen, tmp_path, capsys) -> None:
    project = _project(tmp_path, "p")
    assert post_gen.main(project) == 0
    assert capsys.readouterr() == ("", "")
    assert (project / ".env").is_file()


@pytest.mark.parametrize(
    ("example", "reason"),
    [(None, ".env.example is missing"), ("A=1\n", "no SECRET_KEY= line")],
)
def test_main_fails_with_one_line_and_writes_nothing(
    post_gen, tmp_path, capsys, example, reason
) -> None:
    project = _project(tmp_path, "p", example)
    assert post_gen.main(project) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: could not write .env: ")
    assert reason in err
    assert not (project / ".env").exists()


def test_hook_is_plain_python_with_no_template_expressions() -> None:
    source = HOOK_PATH.read_text(encoding="utf-8")
    for marker in ("{{", "{%", "{#"):
        assert marker not in source


def test_hook_imports_only_the_standard_library() -> None:
    imported = imported_modules(HOOK_PATH)
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
    assert not imported & NETWORK_AND_PROCESS_MODULES
