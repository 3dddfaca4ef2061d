"""What every bake guarantees, and what the template refuses to bake."""

from __future__ import annotations

import json
import re
import shlex
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException

from conftest import (
    ROOT,
    TEMPLATE_DIR,
    clean_env,
    private_cookiecutter_config,
    run,
    tail,
    template_copy,
    unparsable_files,
)
from matrix import MATRIX, REVIEWED_OPTION_SPACE

# What every default bake guarantees.


def test_default_bake_creates_the_project_and_package(
    default_bake: Path, default_package: Path
) -> None:
    assert default_bake.is_dir()
    assert (default_package / "__init__.py").is_file()


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


# The cruft record: what `cruft create` would have written, so that `cruft
# check`, `cruft diff` and `cruft update` work on a project baked by cookiecutter.


def _git_head(repository: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _cruft_record(project: Path) -> dict:
    return json.loads((project / ".cruft.json").read_text(encoding="utf-8"))


def test_cruft_record_names_template_commit_and_every_answer(
    default_bake: Path, default_answers
) -> None:
    head = _git_head(ROOT)
    assert _cruft_record(default_bake) == {
        "template": str(ROOT),
        "commit": head,
        "checkout": None,
        "context": {
            "cookiecutter": {
                **default_answers,
                # Derived from the answers, recorded as cruft records it.
                "__uses_redis": "",
                "__shared_through_redis": "",
                "__db_connect_attempts": "1",
                "__db_pool_recycle": "1800",
                "_template": str(ROOT),
                "_commit": head,
            }
        },
        "directory": None,
        "skip": [".env"],
    }


def test_cruft_record_is_formatted_as_cruft_writes_it(default_bake: Path) -> None:
    text = (default_bake / ".cruft.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_cruft_record_makes_a_relative_template_path_absolute(tmp_path) -> None:
    # `cookiecutter .` from inside the template, with a PWD from elsewhere (as
    # under `make -C`): the record must still name this checkout.
    out = tmp_path / "out"
    ran = _cookiecutter_cli(
        tmp_path, "--no-input", ".", "-o", str(out), cwd=ROOT, PWD=str(tmp_path)
    )
    assert ran.returncode == 0, ran.stderr
    record = _cruft_record(out / "my-flask-service")
    assert record["template"] == str(ROOT)
    assert record["commit"] == _git_head(ROOT)


def test_cruft_record_has_no_commit_for_a_template_outside_git(
    cookies, tmp_path
) -> None:
    template = template_copy(tmp_path)
    result = cookies.bake(template=str(template))
    assert result.exit_code == 0, result.exception
    record = _cruft_record(result.project_path)
    assert record["template"] == str(template)
    assert record["commit"] is None


@pytest.fixture(scope="module")
def cruft_template(tmp_path_factory) -> Path:
    """This working tree committed to a throwaway git repository, so that cruft
    (which clones the template) sees the template as it is now."""
    template = template_copy(tmp_path_factory.mktemp("cruft"))
    author = {
        f"GIT_{role}_{field}": value
        for role in ("AUTHOR", "COMMITTER")
        for field, value in (("NAME", "Template Tests"), ("EMAIL", "t@example.com"))
    }
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "The template as tested"],
    ):
        done = run(command, cwd=template, **author)
        assert done.returncode == 0, done.stdout
    return template


def _cruft(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "cruft", *args], cwd=cwd)


def test_cruft_finds_a_fresh_bake_up_to_date(cookies, cruft_template) -> None:
    result = cookies.bake(template=str(cruft_template))
    assert result.exit_code == 0, result.exception
    checked = _cruft("check", cwd=result.project_path)
    assert checked.returncode == 0, checked.stdout
    assert _cruft_record(result.project_path)["commit"] == _git_head(cruft_template)


def test_cruft_record_of_a_template_cookiecutter_cloned(
    tmp_path, cruft_template
) -> None:
    # As for gh:owner/name or an https URL: cookiecutter clones the template
    # and bakes from the clone; the record names the URL and the clone's commit.
    url = cruft_template.as_uri()
    out = tmp_path / "out"
    ran = _cookiecutter_cli(tmp_path, "--no-input", f"git+{url}", "-o", str(out))
    assert ran.returncode == 0, ran.stderr
    project = out / "my-flask-service"
    record = _cruft_record(project)
    assert record["template"] == url, "cruft cannot clone cookiecutter's git+ URLs"
    assert record["commit"] == _git_head(cruft_template)
    checked = _cruft("check", cwd=project)
    assert checked.returncode == 0, checked.stdout


def test_cruft_regenerates_a_fresh_bake_without_differences(
    cookies, cruft_template
) -> None:
    # What `cruft update` relies on: the same answers at the same commit give the
    # same files, so that an update's patch only carries the template's changes.
    result = cookies.bake(
        template=str(cruft_template), extra_context=MATRIX["all-on-neon"]
    )
    assert result.exit_code == 0, result.exception
    diffed = _cruft("diff", cwd=result.project_path)
    assert diffed.returncode == 0, diffed.stdout
    changed = [
        line
        for line in diffed.stdout.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++ ", "--- "))
    ]
    # Bake times are judged by test_nothing_finer_than_the_year_is_baked_in;
    # whether they show here depends on the clock, so they are left out.
    assert [line for line in changed if not _BAKE_TIME.search(line)] == [], (
        f"regenerating the bake with cruft changes files:\n{tail(diffed.stdout)}"
    )


_BAKE_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
# cookiecutter's {% now 'utc', '<format>' %} tag (its default format is the day).
_CLOCK = re.compile(r"{%-?\s*now\b(.*?)-?%}")


def test_nothing_finer_than_the_year_is_baked_in() -> None:
    """A bake-time timestamp differs in every regeneration, so `cruft diff`
    always reports it and `cruft update` patches can conflict on it."""
    finer = []
    for path in sorted(TEMPLATE_DIR.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for arguments in _CLOCK.findall(line):
                quoted = re.findall(r"['\"]([^'\"]*)['\"]", arguments)
                if quoted[1:] != ["%Y"]:
                    relative = path.relative_to(TEMPLATE_DIR)
                    finer.append(f"{relative}:{number}: {line.strip()}")
    assert finer == [], "only the year may come from the clock at bake time"


# What is refused: one line naming the field, a failed bake, nothing on disk.


def _leftovers(tmp_path: Path) -> list[str]:
    """What a bake left under pytest-cookies' output root (tmpdir/cookies).

    pytest-cookies makes one empty bakeNN directory per bake; anything below
    those is what cookiecutter wrote.
    """
    root = tmp_path / "cookies"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.parent != root)


def _refusal(err: str) -> tuple[str, list[str]]:
    """The hook's report of a refused answer: its ``error:`` line, then, after a
    line saying why, a command that bakes again with every answer given, split
    into words as a POSIX shell would."""
    lines = err.splitlines()
    assert len(lines) == 3, err
    error, explanation, command = lines
    assert explanation.startswith("Answers are checked after the last question"), err
    return error, shlex.split(command)


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
    error, command = _refusal(err)
    assert error.startswith(f"error: {field}: ")
    assert "Example of a good value: " in error
    shown = value if value.isprintable() else ""
    assert command[-1] == f"{field}={shown}", "the refused answer comes last"
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


def test_failed_pruning_leaves_nothing(cookies, tmp_path, capfd) -> None:
    template = template_copy(tmp_path)
    # A pruning row whose path is missing is an error, not a silent no-op.
    (template / TEMPLATE_DIR.name / "tests" / "test_caching.py").unlink()

    result = cookies.bake(template=str(template))

    assert isinstance(result.exception, FailedHookException), result.exception
    _, err = capfd.readouterr()
    assert err.splitlines() == [
        "error: could not prune the project: tests/test_caching.py is missing, "
        "so it cannot be removed as the table says"
    ]
    assert _leftovers(tmp_path) == []


def test_a_refused_combination_stops_the_bake_and_leaves_nothing(
    cookies, tmp_path, capfd
) -> None:
    """REFUSED_COMBINATIONS is empty; this proves an entry would work end to end."""
    template = template_copy(tmp_path)
    hook = template / "template_hooks" / "rules.py"
    source = hook.read_text(encoding="utf-8")
    empty = "REFUSED_COMBINATIONS: tuple[Combination, ...] = ()"
    assert source.count(empty) == 1
    refusal = """REFUSED_COMBINATIONS: tuple[Combination, ...] = (
    Combination(
        field="use_celery",
        refused_when=lambda a: a["use_celery"] and a["interface"] == "web-only",
        problem="Celery is not offered with web-only",
        rule="answer no, or choose web-and-api",
        example="no",
    ),
)"""
    hook.write_text(source.replace(empty, refusal), encoding="utf-8")

    accepted = cookies.bake(template=str(template), extra_context={"use_celery": True})
    assert accepted.exit_code == 0, accepted.exception
    refused = cookies.bake(
        template=str(template),
        extra_context={"use_celery": True, "interface": "web-only"},
    )

    assert isinstance(refused.exception, FailedHookException), refused.exception
    _, err = capfd.readouterr()
    error, command = _refusal(err)
    assert error == (
        "error: use_celery: Celery is not offered with web-only; answer no, or "
        "choose web-and-api. Example of a good value: no"
    )
    assert command[-1] == "use_celery=yes"
    assert sorted(p.name for p in (tmp_path / "cookies").iterdir()) == [
        "bake00",
        "bake01",
    ]
    assert list((tmp_path / "cookies" / "bake01").iterdir()) == []


def test_failed_post_generation_hook_leaves_nothing(cookies, tmp_path, capfd) -> None:
    template = template_copy(tmp_path)
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
    tmp_path: Path,
    *args: str,
    answers: str | None = None,
    cwd: Path | None = None,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """Run the cookiecutter command with a private config, replay and cache."""
    config = private_cookiecutter_config(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--config-file", str(config), *args],
        input=answers,
        stdin=subprocess.DEVNULL if answers is None else None,
        cwd=cwd,
        env=clean_env(env),
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
    # stderr is the hook's report alone; cookiecutter logs a traceback of its
    # own on stdout, which no hook can prevent (the README says so).
    error, command = _refusal(ran.stderr)
    assert error.startswith("error: package_name: 'flask' ")
    assert command[-1] == "package_name=flask"
    assert "Traceback" in ran.stdout
    assert ran.stdout.endswith("Hook script failed (exit status: 1)\n")
    assert list(out.iterdir()) == []


def test_a_refusal_gives_back_a_command_that_bakes_with_every_answer(
    tmp_path,
) -> None:
    """Pasted into a POSIX shell with the refused answer changed, the command
    bakes with exactly the answers given, however they are written."""
    answers = {
        "project_name": "O'Brien's \"Tracker\" $HOME `id` ; \\",
        "project_slug": "tracker",
        # Literal braces, as typed at a prompt (the raw block keeps them here).
        "description": "{% raw %}{{ 7*7 }} {# not a comment{% endraw %} — 日本語 ✓",
        "author_name": "Zoë && Łukasz || echo PWNED > PWNED",
        "interface": "api-only",
        "use_caching": "yes",
        "package_name": "flask",
    }
    home, out = tmp_path / "home", tmp_path / "out"
    home.mkdir()
    out.mkdir()
    given = [f"{key}={value}" for key, value in answers.items()]
    environment = {"PWD": str(tmp_path), "HOME": str(home)}
    refused = _cookiecutter_cli(
        tmp_path, "--no-input", str(ROOT), "-o", str(out), *given, cwd=tmp_path,
        **environment,
    )  # fmt: skip
    assert refused.returncode == 1
    command = refused.stderr.splitlines()[2]
    assert command.endswith(" package_name=flask"), command
    fixed = command.removesuffix("package_name=flask") + "package_name=tracker"

    pasted = run(
        ["sh", "-c", fixed],
        cwd=tmp_path,
        PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin",
        **environment,
    )

    assert pasted.returncode == 0, pasted.stdout
    recorded = _cruft_record(out / "tracker")["context"]["cookiecutter"]
    expected = {
        **answers,
        "description": "{{ 7*7 }} {# not a comment — 日本語 ✓",
        "use_caching": True,
        "package_name": "tracker",
    }
    assert {key: recorded[key] for key in answers} == expected
    assert _pwned_files(tmp_path) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("yes", True), ("1", True), ("off", False), ("n", False)],
)
def test_yes_no_answers_on_the_command_line_become_booleans(
    tmp_path, typed, expected
) -> None:
    out = tmp_path / "out"
    ran = _cookiecutter_cli(
        tmp_path,
        "--no-input",
        str(ROOT),
        "-o",
        str(out),
        f"use_caching={typed}",
        "interface=api-only",
    )
    assert ran.returncode == 0, ran.stderr
    project = out / "my-flask-service"
    assert _cruft_record(project)["context"]["cookiecutter"]["use_caching"] is expected
    assert (project / "tests" / "test_caching.py").is_file() is expected


@pytest.mark.parametrize("answer", ["use_caching=maybe", "interface=cli"])
def test_unknown_option_values_on_the_command_line_leave_nothing(
    tmp_path, answer
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    ran = _cookiecutter_cli(tmp_path, "--no-input", str(ROOT), "-o", str(out), answer)
    assert ran.returncode != 0
    assert answer.split("=")[0] in ran.stderr
    assert list(out.iterdir()) == []


# The README's way to bake, as a newcomer on a stock system follows it.


def _readme_block(readme: Path, heading: str) -> list[str]:
    """The lines of the first ```sh block after ``heading`` in a README."""
    text = readme.read_text(encoding="utf-8")
    assert f"\n{heading}\n" in text, f"{readme} has no {heading!r}"
    section = text[text.index(f"\n{heading}\n") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, f"no sh block under {heading!r} in {readme}"
    return block.group(1).splitlines()


@pytest.mark.slow
def test_the_readme_bakes_with_python_alone(tmp_path) -> None:
    """Its first commands need Python and PyPI only (to install cookiecutter): no
    pipx, no uv."""
    commands = _readme_block(ROOT / "README.md", "## Bake a project")
    assert not [c for c in commands if re.search(r"\b(pipx|uvx?)\b", c)], commands
    home = tmp_path / "home"
    home.mkdir()
    commands[-1] = commands[-1].replace("<path-or-url-of-this-repo>", str(ROOT))
    commands[-1] += " --no-input"
    for command in commands:
        # A POSIX shell, with Python and nothing of this test environment on PATH.
        done = run(
            ["sh", "-c", command], cwd=tmp_path, HOME=str(home), PATH="/usr/bin:/bin"
        )
        assert done.returncode == 0, f"{command}\n{tail(done.stdout)}"
    assert (tmp_path / "my-flask-service" / "pyproject.toml").is_file()


def test_a_bake_says_what_it_made_and_the_readmes_commands_to_run_it(
    tmp_path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # From the directory the shell is in, as a user runs it.
    ran = _cookiecutter_cli(tmp_path, "--no-input", str(ROOT), cwd=out, PWD=str(out))
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr == ""
    project = out / "my-flask-service"
    lines = [line.strip() for line in ran.stdout.splitlines()]
    assert lines[0] == f"Created {project}"
    assert "http://127.0.0.1:5000" in ran.stdout
    run_locally = _readme_block(project / "README.md", "## Run it locally")
    after = lines.index("Run it locally:") + 1
    printed = lines[after : lines.index("", after)]
    assert printed == ["cd my-flask-service", *run_locally], (
        "the bake prints other commands than the baked README's Run it locally"
    )


# Answers that look like code or like templates.

FREE_TEXT_FIELDS = ("project_name", "description", "author_name")

ALL_ON = MATRIX["all-on-neon"]
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
    ("jinja-block", "{% if true %}kept{% endif %}", "kept"),
    ("jinja-set", "{% set x = 1 %}", REFUSED),  # renders to ""
    ("right-to-left", "שלום עולם — مرحبا بالعالم", None),
    ("emoji-sequences", "👩\u200d💻 🏳️\u200d🌈 🇺🇦", None),
    ("bidi-override", "invoice\u202efdp.exe", REFUSED),
    ("nul", "nul\x00byte", REFUSED),
    ("very-long", "é" * 10_000, REFUSED),
]


def _where_it_lands(project: Path, field: str) -> str:
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    if field == "description":
        return metadata["project"]["description"]
    if field == "author_name":
        return metadata["project"]["authors"][0]["name"]
    title = (project / "README.md").read_text(encoding="utf-8").splitlines()[0]
    return title.removeprefix("# ")


def _pwned_files(*roots: Path) -> list[Path]:
    found = []
    for root in roots:
        for path in root.rglob("PWNED"):
            if ".venv" not in path.parts and ".git" not in path.parts:
                found.append(path)
    return found


def test_every_free_text_prompt_is_tried_with_hostile_answers() -> None:
    texts = [name for name, kind in REVIEWED_OPTION_SPACE.items() if kind == "text"]
    constrained = {"project_slug", "package_name", "author_email", "version"}
    assert sorted(FREE_TEXT_FIELDS) == sorted(set(texts) - constrained)


@pytest.mark.parametrize("field", FREE_TEXT_FIELDS)
@pytest.mark.parametrize(
    ("value", "outcome"),
    [pytest.param(v, o, id=name) for name, v, o in INJECTION_CASES],
)
def test_code_like_answers_bake_verbatim_or_are_refused_cleanly(
    cookies, tmp_path, capfd, field, value, outcome
) -> None:
    # Every option on, so that the answer reaches every file that may quote it;
    # a fixed slug, so that project_name answers are judged on their own.
    context = {**ALL_ON, field: value, "project_slug": "injection-check"}
    result = cookies.bake(extra_context=context)
    _, err = capfd.readouterr()

    assert _pwned_files(tmp_path, ROOT, Path.cwd()) == []
    if outcome == REFUSED:
        assert isinstance(result.exception, FailedHookException), result.exception
        error, command = _refusal(err)
        assert error.startswith(f"error: {field}: ")
        assert command[-1].startswith(f"{field}=")
        assert _leftovers(tmp_path) == []
    elif outcome == REFUSED_EARLY:
        assert result.exit_code != 0
        assert not isinstance(result.exception, FailedHookException)
        assert _leftovers(tmp_path) == []
    else:
        assert result.exit_code == 0, f"{result.exception!r}\n{err}"
        expected = value if outcome is None else outcome
        project = result.project_path
        assert _where_it_lands(project, field) == expected
        assert unparsable_files(project) == []
        recorded = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
        assert recorded["context"]["cookiecutter"][field] == expected


@pytest.mark.parametrize(
    ("value", "outcome"),
    [
        ("o'brien+tag@example.com", None),
        ("a|b&c{x}@example.com", None),
        ("{{ 7*7 }}@example.com", "49@example.com"),
        ("{{ nope }}@example.com", REFUSED_EARLY),
        ("you@example.com\n", REFUSED),
        ('"quoted"@example.com', REFUSED),
        ("x`id`$HOME@example.com", None),
    ],
)
def test_email_answers_bake_verbatim_or_are_refused_cleanly(
    cookies, tmp_path, capfd, value, outcome
) -> None:
    result = cookies.bake(extra_context={**ALL_ON, "author_email": value})
    _, err = capfd.readouterr()

    assert _pwned_files(tmp_path, ROOT, Path.cwd()) == []
    if outcome in (REFUSED, REFUSED_EARLY):
        assert result.exit_code != 0
        if outcome == REFUSED:
            assert isinstance(result.exception, FailedHookException)
            assert err.startswith("error: author_email: ")
        assert _leftovers(tmp_path) == []
        return
    assert result.exit_code == 0, f"{result.exception!r}\n{err}"
    project = result.project_path
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    assert metadata["project"]["authors"][0]["email"] == (outcome or value)
    assert unparsable_files(project) == []


def test_typed_answers_are_taken_literally(tmp_path) -> None:
    """At the prompt, Jinja-looking answers are data, never rendered."""
    typed = "{{ 7*7 }} {% raw %} {# x #} 'quoted' \"double\" \\"
    answers = ["Typed Service", "", "", typed]  # then defaults for the rest
    out = tmp_path / "out"
    ran = _cookiecutter_cli(
        tmp_path, str(ROOT), "-o", str(out), answers="\n".join(answers) + "\n" * 20
    )
    assert ran.returncode == 0, ran.stderr
    project = out / "typed-service"
    assert _where_it_lands(project, "description") == typed
