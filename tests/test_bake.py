"""What every bake guarantees, and what the template refuses to bake."""

from __future__ import annotations

import ast
import json
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException

from conftest import ROOT, TEMPLATE_DIR, clean_env, run, run_ruff

JINJA_MARKERS = ("{{", "{%", "{#")
TEMPLATE_WORD = re.compile("cookiecutter", re.IGNORECASE)


def _files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*") if p.is_file())


def _carries_jinja_on_purpose(project: Path, path: Path, package: str) -> bool:
    """HTML templates are Jinja for Flask; everything else must be plain."""
    return path.relative_to(project).parts[:2] == (package, "templates")


# What every default bake guarantees.


def test_default_bake_creates_the_project_and_package(
    default_bake: Path, default_package: Path
) -> None:
    assert default_bake.is_dir()
    assert (default_package / "__init__.py").is_file()


def test_default_bake_leaves_no_template_residue(
    default_bake: Path, default_answers
) -> None:
    package = str(default_answers["package_name"])
    residue = []
    for path in [default_bake, *default_bake.rglob("*")]:
        relative = path.relative_to(default_bake)
        if any(marker in str(relative) for marker in JINJA_MARKERS) or (
            TEMPLATE_WORD.search(str(relative))
        ):
            residue.append(f"{relative}: template syntax in the file name")
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        jinja_allowed = _carries_jinja_on_purpose(default_bake, path, package)
        for number, line in enumerate(text.splitlines(), start=1):
            found = [m for m in JINJA_MARKERS if m in line and not jinja_allowed]
            found += TEMPLATE_WORD.findall(line)
            if found:
                residue.append(f"{relative}:{number}: {', '.join(found)}: {line!r}")
    listing = "\n".join(residue)
    assert not residue, f"template residue in the baked project:\n{listing}"


def test_html_templates_are_copied_verbatim(
    default_bake: Path, default_package: Path
) -> None:
    source = TEMPLATE_DIR / "{{cookiecutter.package_name}}" / "templates"
    sources = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    assert sources, "the template ships no HTML templates"
    baked = default_package / "templates"
    differing = [
        str(name)
        for name in sources
        if (baked / name).read_bytes() != (source / name).read_bytes()
    ]
    assert differing == []


def test_ruff_check_passes(default_bake: Path) -> None:
    checked = run_ruff(default_bake, "check")
    assert checked.returncode == 0, checked.stdout


def test_ruff_format_check_passes(default_bake: Path) -> None:
    checked = run_ruff(default_bake, "format", "--check")
    assert checked.returncode == 0, checked.stdout


def test_every_config_file_parses(default_bake: Path) -> None:
    parsers = {
        ".toml": lambda text: tomllib.loads(text),
        ".json": lambda text: json.loads(text),
        ".yaml": lambda text: list(yaml.safe_load_all(text)),
        ".yml": lambda text: list(yaml.safe_load_all(text)),
    }
    parsed, broken = [], []
    for path in _files(default_bake):
        parse = parsers.get(path.suffix)
        if parse is None:
            continue
        try:
            parse(path.read_text(encoding="utf-8"))
        except Exception as error:
            broken.append(f"{path.relative_to(default_bake)}: {error}")
        parsed.append(path.name)
    assert "pyproject.toml" in parsed
    assert broken == []


def test_pyproject_carries_the_answers(default_bake: Path, default_answers) -> None:
    project = tomllib.loads((default_bake / "pyproject.toml").read_text("utf-8"))
    metadata = project["project"]
    assert metadata["name"] == default_answers["project_slug"]
    assert metadata["version"] == default_answers["version"]
    assert metadata["description"] == default_answers["description"]


def _env_values(project: Path) -> dict[str, str]:
    lines = (project / ".env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and line[0] != "#")


def test_env_file_holds_a_long_secret_key_and_is_private(default_bake: Path) -> None:
    env = default_bake / ".env"
    assert env.is_file()
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    assert len(_env_values(default_bake)["SECRET_KEY"]) >= 32


def test_env_file_is_env_example_with_the_secret_filled_in(default_bake: Path) -> None:
    example = (default_bake / ".env.example").read_text(encoding="utf-8").splitlines()
    env = (default_bake / ".env").read_text(encoding="utf-8").splitlines()
    assert len(env) == len(example)
    differing = [(e, x) for e, x in zip(env, example, strict=True) if e != x]
    assert len(differing) == 1
    assert differing[0][0].startswith("SECRET_KEY=")


def test_two_bakes_get_different_secret_keys(default_bake: Path, cookies) -> None:
    again = cookies.bake()
    assert again.exit_code == 0, again.exception
    first = _env_values(default_bake)["SECRET_KEY"]
    second = _env_values(again.project_path)["SECRET_KEY"]
    assert first != second


def test_env_is_git_ignored_and_env_example_is_not(
    default_bake: Path, tmp_path
) -> None:
    project = tmp_path / "project"
    # A copy, so that other tests never see a .git directory in the bake.
    subprocess.run(["cp", "-a", str(default_bake), str(project)], check=True)
    assert run(["git", "init", "-q"], cwd=project).returncode == 0
    ignored = run(["git", "check-ignore", "-q", ".env"], cwd=project)
    assert ignored.returncode == 0, ".env is not ignored by the project's .gitignore"
    example = run(["git", "check-ignore", "-q", ".env.example"], cwd=project)
    assert example.returncode == 1, ".env.example is ignored, so it would never ship"


def test_ships_exactly_one_migration_revision(default_bake: Path) -> None:
    versions = default_bake / "migrations" / "versions"
    revisions = sorted(p.name for p in versions.glob("*.py") if p.name != "__init__.py")
    assert len(revisions) == 1, revisions


def test_the_template_ships_no_env_file() -> None:
    assert not (TEMPLATE_DIR / ".env").exists()


def test_answers_name_the_directories(cookies) -> None:
    result = cookies.bake(
        extra_context={
            "project_name": "Order Tracker",
            "project_slug": "orders-svc",
            "package_name": "orders",
        }
    )
    assert result.exit_code == 0, result.exception
    assert result.project_path.name == "orders-svc"
    assert (result.project_path / "orders" / "__init__.py").is_file()


# What is refused: one line naming the field, a failed bake, nothing on disk.


def _leftovers(tmp_path: Path) -> list[str]:
    """What a bake left under pytest-cookies' output root (tmpdir/cookies).

    pytest-cookies makes one empty bakeNN directory per bake; anything below
    those is what cookiecutter wrote.
    """
    root = tmp_path / "cookies"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.parent != root)


REFUSED_BY_HOOK = [
    ("project_name", "two\nlines"),
    ("project_slug", "Not A Slug"),
    ("package_name", "flask"),
    ("package_name", "json"),
    ("package_name", "class"),
    ("description", "x" * 201),
    ("author_name", "bell\x07"),
    ("author_email", "not-an-email"),
    ("version", "v1.0"),
]


@pytest.mark.parametrize(("field", "value"), REFUSED_BY_HOOK)
def test_bad_answer_is_refused_by_the_hook_and_leaves_nothing(
    cookies, tmp_path, capfd, field, value
) -> None:
    result = cookies.bake(extra_context={field: value})

    assert result.exit_code != 0
    assert isinstance(result.exception, FailedHookException)
    _, err = capfd.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {field}: ")
    assert "Example of a good value: " in lines[0]
    assert _leftovers(tmp_path) == []


def test_unoffered_python_version_is_refused_by_cookiecutter_first(
    cookies, tmp_path
) -> None:
    # cookiecutter checks choice answers itself, before the hook runs; the
    # hook's python_version rule is a second line of defence.
    result = cookies.bake(extra_context={"python_version": "3.10"})

    assert result.exit_code != 0
    assert isinstance(result.exception, ValueError)
    assert "python_version" in str(result.exception)
    assert _leftovers(tmp_path) == []


def test_failed_post_generation_hook_leaves_nothing(cookies, tmp_path, capfd) -> None:
    template = tmp_path / "template"
    shutil.copytree(
        ROOT, template, ignore=shutil.ignore_patterns(".git", ".venv", "*_cache")
    )
    example = template / TEMPLATE_DIR.name / ".env.example"
    kept = [
        line
        for line in example.read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.startswith("SECRET_KEY=")
    ]
    example.write_text("".join(kept), encoding="utf-8")

    result = cookies.bake(template=str(template))

    assert isinstance(result.exception, FailedHookException), result.exception
    _, err = capfd.readouterr()
    assert err.splitlines() == [
        "error: could not write .env: .env.example has no SECRET_KEY= line to fill in"
    ]
    assert _leftovers(tmp_path) == []


def _cookiecutter_cli(
    tmp_path: Path, *args: str, answers: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the cookiecutter command with a private config, replay and cache."""
    config = tmp_path / "cookiecutter-config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "cookiecutters_dir": str(tmp_path / "cookiecutters"),
                "replay_dir": str(tmp_path / "replay"),
            }
        ),
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--config-file", str(config), *args],
        input=answers,
        stdin=subprocess.DEVNULL if answers is None else None,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_command_line_refusal_exits_1_and_leaves_nothing(tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    ran = _cookiecutter_cli(
        tmp_path, "--no-input", str(ROOT), "-o", str(out), "package_name=flask"
    )
    assert ran.returncode == 1
    # cookiecutter logs its own traceback too; the hook adds exactly one line.
    ours = [line for line in ran.stderr.splitlines() if line.startswith("error:")]
    assert len(ours) == 1, ran.stderr
    assert ours[0].startswith("error: package_name: 'flask' ")
    assert list(out.iterdir()) == []


# Answers that look like code or like templates.

FREE_TEXT_FIELDS = ("project_name", "description", "author_name")

REFUSED = "refused by the hook"
REFUSED_EARLY = "refused by cookiecutter before anything is written"

# value given as extra context (or a --no-input default) -> what the project gets.
# cookiecutter renders such values as Jinja before the hooks see them; answers
# typed at the prompt are not rendered (test_typed_answers_are_taken_literally).
INJECTION_CASES = [
    ("python", "'); import os; os.system('touch PWNED') #", None),
    ("triple-quotes", '"""', None),
    ("triple-single-quotes", "'''", None),
    ("backslashes", "\\\\", None),
    ("lone-backslash", "C:\\new\\table\\", None),
    ("toml-breakout", 'x" \n[tool.evil]', REFUSED),
    ("toml-breakout-one-line", 'x", evil = "y', None),
    ("html", "<script>alert(1)</script> & <b>", None),
    ("unicode", "Ünïcødé — 日本語 ✓ 🚀", None),
    ("newline", "two\nlines", REFUSED),
    ("carriage-return", "two\rlines", REFUSED),
    ("200-chars", ("'\"\\ab" * 40), None),
    ("201-chars", "x" * 201, REFUSED),
    ("jinja-expression", "{{ 7*7 }}", "49"),
    ("jinja-raw", "{% raw %}", REFUSED),  # renders to "", which is refused
    ("jinja-undefined", "{{ nope }}", REFUSED_EARLY),
    ("jinja-comment", "{# note", REFUSED_EARLY),
]


def _where_it_lands(project: Path, field: str) -> str:
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    if field == "description":
        return metadata["project"]["description"]
    if field == "author_name":
        return metadata["project"]["authors"][0]["name"]
    title = (project / "README.md").read_text(encoding="utf-8").splitlines()[0]
    return title.removeprefix("# ")


def _unparsable_python(project: Path) -> list[str]:
    broken = []
    for path in project.rglob("*.py"):
        try:
            ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as error:
            broken.append(f"{path.relative_to(project)}: {error}")
    return broken


def _pwned_files(*roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for path in root.rglob("PWNED"):
            if ".venv" not in path.parts and ".git" not in path.parts:
                found.append(path)
    return found


@pytest.mark.parametrize("field", FREE_TEXT_FIELDS)
@pytest.mark.parametrize(
    ("value", "outcome"),
    [pytest.param(v, o, id=name) for name, v, o in INJECTION_CASES],
)
def test_code_like_answers_bake_verbatim_or_are_refused_cleanly(
    cookies, tmp_path, capfd, field, value, outcome
) -> None:
    # A fixed slug, so that project_name answers are judged on their own.
    context = {field: value, "project_slug": "injection-check"}
    result = cookies.bake(extra_context=context)
    _, err = capfd.readouterr()

    assert _pwned_files(tmp_path, ROOT, Path.cwd()) == []
    if outcome == REFUSED:
        assert isinstance(result.exception, FailedHookException), result.exception
        assert len(err.splitlines()) == 1, err
        assert err.startswith(f"error: {field}: ")
        assert _leftovers(tmp_path) == []
    elif outcome == REFUSED_EARLY:
        assert result.exit_code != 0
        assert not isinstance(result.exception, FailedHookException)
        assert _leftovers(tmp_path) == []
    else:
        assert result.exit_code == 0, f"{result.exception!r}\n{err}"
        expected = value if outcome is None else outcome
        assert _where_it_lands(result.project_path, field) == expected
        assert _unparsable_python(result.project_path) == []


def test_typed_answers_are_taken_literally(tmp_path) -> None:
    """At the prompt, Jinja-looking answers are data, never rendered."""
    typed = "{{ 7*7 }} {% raw %} {# x #} 'quoted' \"double\" \\"
    answers = ["Typed Service", "", "", typed]  # then defaults for the rest
    out = tmp_path / "out"
    ran = _cookiecutter_cli(
        tmp_path, str(ROOT), "-o", str(out), answers="\n".join(answers) + "\n" * 8
    )
    assert ran.returncode == 0, ran.stderr
    project = out / "typed-service"
    assert _where_it_lands(project, "description") == typed
