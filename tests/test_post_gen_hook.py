"""What the post-generation hook prunes, and how it writes ``.env`` and
``.cruft.json``, tested without baking (except where it renders itself)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from cookiecutter.environment import StrictEnvironment

from template_hooks import (
    bake_report,
    cruft_file,
    env_file,
    git_checkout,
    migrations,
    post_gen,
    pruning,
    shell,
)
from template_hooks.errors import HookError

from conftest import (
    HOOKS_DIR,
    ROOT,
    TEMPLATE_DIR,
    answers_enter_once,
    run_hook_script,
)

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
def test_secret_key_value_is_replaced_whatever_it_was(placeholder) -> None:
    example = EXAMPLE.replace("SECRET_KEY=change-me", f"SECRET_KEY={placeholder}")
    rendered = env_file.render_env(example, "new-secret")
    assert rendered == EXAMPLE.replace("SECRET_KEY=change-me", "SECRET_KEY=new-secret")


def test_every_other_line_is_kept_byte_for_byte() -> None:
    rendered = env_file.render_env(EXAMPLE, "new-secret")
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
def test_line_endings_are_kept(example, expected) -> None:
    assert env_file.render_env(example, "s") == expected


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
def test_example_without_a_secret_key_line_is_an_error(example) -> None:
    with pytest.raises(HookError, match="no SECRET_KEY= line"):
        env_file.render_env(example, "s")


def test_example_with_two_secret_key_lines_is_an_error() -> None:
    with pytest.raises(HookError, match="2 SECRET_KEY= lines"):
        env_file.render_env("SECRET_KEY=a\nSECRET_KEY=b\n", "s")


def test_new_secret_keys_are_long_urlsafe_and_unique() -> None:
    keys = {env_file.new_secret_key() for _ in range(20)}
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


def test_env_file_is_private_even_under_a_permissive_umask(tmp_path) -> None:
    project = _project(tmp_path, "p")
    old_umask = os.umask(0)
    try:
        env_path = env_file.write_env(project)
    finally:
        os.umask(old_umask)
    assert env_path == project / ".env"
    assert stat.S_IMODE(env_path.stat().st_mode) == 0o600


def test_env_file_is_the_example_with_a_fresh_secret(tmp_path) -> None:
    project = _project(tmp_path, "p")
    env_text = env_file.write_env(project).read_text(encoding="utf-8")
    secret = _secret_key(env_text)
    assert len(secret) >= 32
    assert env_text == EXAMPLE.replace("SECRET_KEY=change-me", f"SECRET_KEY={secret}")
    assert (project / ".env.example").read_text(encoding="utf-8") == EXAMPLE


def test_two_projects_get_different_secret_keys(tmp_path) -> None:
    first = env_file.write_env(_project(tmp_path, "one")).read_text(encoding="utf-8")
    second = env_file.write_env(_project(tmp_path, "two")).read_text(encoding="utf-8")
    assert _secret_key(first) != _secret_key(second)


def test_an_existing_env_file_is_left_alone(tmp_path) -> None:
    project = _project(tmp_path, "p")
    own = "SECRET_KEY=the-users-own\n"
    (project / ".env").write_text(own, encoding="utf-8")
    env_file.write_env(project)
    assert (project / ".env").read_text(encoding="utf-8") == own


def _answers(default_answers, **changes: object) -> dict[str, object]:
    return {
        **default_answers,
        "_template": "https://example.com/template.git",
        "_output_dir": "/somewhere",
        "_repo_dir": "/nowhere/template",
        "_checkout": None,
        **changes,
    }


def _pruned_project(tmp_path: Path, answers) -> Path:
    """A project holding every path the pruning table names, a .env.example,
    every revision file of the migrations table, and the files the lock pruning
    reads."""
    project = _project(tmp_path, "p")
    for row_path in _row_paths():
        path = pruning.resolve(project, row_path, str(answers["package_name"]))
        if path.suffix:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(row_path, encoding="utf-8")
        else:
            path.mkdir(parents=True, exist_ok=True)
            (path / "__init__.py").write_text("", encoding="utf-8")
    for row in migrations.REVISIONS:
        revision = Path(row.path).stem
        text = f'revision = "{revision}"\ndown_revision = None\n'
        (project / row.path).parent.mkdir(parents=True, exist_ok=True)
        (project / row.path).write_text(text, encoding="utf-8")
    # No dependencies, so nothing to keep of the (empty) locks.
    (project / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    for lock in ("requirements.lock", "requirements-dev.lock"):
        (project / lock).write_text("", encoding="utf-8")
    return project


def test_main_says_what_it_made_and_how_to_run_it_on_stdout(
    default_answers, tmp_path, capsys, monkeypatch
) -> None:
    answers = _answers(default_answers)
    project = _pruned_project(tmp_path, answers)
    monkeypatch.setenv("PWD", str(tmp_path))
    assert post_gen.main(answers, project, None) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == bake_report.next_steps(project, answers, tmp_path) + "\n"
    assert (project / ".env").is_file()
    assert (project / ".cruft.json").is_file()


def test_next_steps_name_the_project_and_give_the_commands_in_order(
    default_answers, tmp_path
) -> None:
    project = tmp_path / "my-flask-service"
    text = bake_report.next_steps(project, default_answers, tmp_path)
    assert text.splitlines() == [
        f"Created {project}",
        "  HTML pages styled with Tailwind CSS and a JSON API on PostgreSQL, with "
        "Docker and GitHub Actions CI (package my_flask_service, MIT license)",
        "",
        "Run it locally:",
        "  cd my-flask-service",
        "  python3 -m venv .venv && .venv/bin/pip install --require-hashes --no-deps "
        "-r requirements.lock -r requirements-dev.lock "
        "&& .venv/bin/pip install --no-deps -e .",
        "  . .venv/bin/activate && flask local-db start && flask db upgrade "
        "&& flask run",
        "",
        "The app then answers at http://127.0.0.1:5000. The project's README.md "
        "says how to",
        "run its tests, and everything else.",
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"interface": "api-only", "frontend": "plain-css", "use_docker": False},
            "a JSON API on PostgreSQL, with GitHub Actions CI",
        ),
        (
            {"interface": "web-only", "frontend": "plain-css", "ci_provider": "none"},
            "HTML pages styled with plain CSS on PostgreSQL, with Docker",
        ),
        (
            {
                "database_provider": "neon",
                "use_caching": True,
                "use_rate_limiting": True,
                "use_celery": True,
                "observability": "sentry",
                "ci_provider": "gitlab",
            },
            "HTML pages styled with Tailwind CSS and a JSON API on Neon PostgreSQL, "
            "with caching, rate limits, Celery, Sentry, Docker and GitLab CI",
        ),
        (
            {
                "interface": "api-only",
                "observability": "opentelemetry",
                "use_docker": False,
                "ci_provider": "none",
                "open_source_license": "Proprietary",
            },
            "a JSON API on PostgreSQL, with OpenTelemetry",
        ),
        (
            {"interface": "api-only", "use_docker": False, "ci_provider": "none"},
            "a JSON API on PostgreSQL",
        ),
    ],
)
def test_summary_names_the_options_that_shape_the_project(
    default_answers, changes, expected
) -> None:
    chosen = changes.get("open_source_license", "MIT")
    assert bake_report.summary({**default_answers, **changes}) == (
        f"{expected} (package my_flask_service, {chosen} license)"
    )


@pytest.mark.parametrize(
    ("pwd", "project", "typed"),
    [
        ("/work", "/work/my-service", "my-service"),
        ("/work", "/work/out/my-service", "out/my-service"),
        ("/elsewhere", "/work/my-service", "/work/my-service"),
        (None, "/work/my-service", "/work/my-service"),
        ("/work", "/work/with space/my-service", "'with space/my-service'"),
    ],
)
def test_the_project_directory_is_given_as_the_user_types_it(
    pwd, project, typed
) -> None:
    directory = None if pwd is None else Path(pwd)
    assert shell.path_from(directory, Path(project)) == typed


@pytest.mark.parametrize(
    ("pwd", "found"), [("/work", "/work"), ("work", None), (None, None)]
)
def test_the_shell_directory_comes_from_pwd(monkeypatch, pwd, found) -> None:
    if pwd is None:
        monkeypatch.delenv("PWD", raising=False)
    else:
        monkeypatch.setenv("PWD", pwd)
    assert shell.shell_directory() == (None if found is None else Path(found))


def test_main_is_quiet_when_cruft_runs_the_template(
    default_answers, tmp_path, capsys
) -> None:
    answers = _answers(default_answers, _commit=SHA_A)
    project = _pruned_project(tmp_path, answers)
    assert post_gen.main(answers, project, None) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("example", "reason"),
    [(None, ".env.example is missing"), ("A=1\n", "no SECRET_KEY= line")],
)
def test_main_fails_with_one_line_and_writes_nothing(
    default_answers, tmp_path, capsys, example, reason
) -> None:
    answers = _answers(default_answers)
    project = _pruned_project(tmp_path, answers)
    (project / ".env.example").unlink()
    if example is not None:
        (project / ".env.example").write_text(example, encoding="utf-8")
    assert post_gen.main(answers, project, None) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: could not write .env: ")
    assert reason in err
    assert not (project / ".env").exists()


def test_main_fails_with_one_line_when_the_migrations_cannot_be_linked(
    default_answers, tmp_path, capsys
) -> None:
    answers = _answers(default_answers)
    project = _pruned_project(tmp_path, answers)
    revision = project / migrations.REVISIONS[0].path
    revision.write_text('revision = "0001"\n', encoding="utf-8")
    assert post_gen.main(answers, project, None) == 1
    assert capsys.readouterr() == (
        "",
        f"error: could not link the migrations: {migrations.REVISIONS[0].path} "
        "needs exactly one `down_revision = ...` line for the hook to link it into "
        "the migration history\n",
    )
    assert not (project / ".env").exists()


# Pruning: one table, applied in order; a row that applies must find its path.


def _row_paths() -> list[str]:
    paths = []
    for row in pruning.PRUNING:
        paths.append(row.path)
        if row.replaced_by is not None:
            paths.append(row.replaced_by)
    return paths


def test_pruning_paths_are_plain_relative_paths(tmp_path) -> None:
    for path in _row_paths():
        resolved = pruning.resolve(tmp_path, path, "pkg")
        assert resolved.is_relative_to(tmp_path), path
        assert "\\" not in path
        assert not path.endswith("/")


@pytest.mark.parametrize(
    "path", ["/etc/passwd", "../outside", "a/../../b", "{other}/x"]
)
def test_pruning_refuses_paths_outside_the_project(tmp_path, path) -> None:
    with pytest.raises(HookError, match="not a plain relative path"):
        pruning.resolve(tmp_path, path, "pkg")


def test_every_pruning_path_exists_in_the_template() -> None:
    package_dir = "{{cookiecutter.package_name}}"
    missing = [
        path
        for path in _row_paths()
        if not (TEMPLATE_DIR / path.replace("{package}", package_dir)).exists()
    ]
    assert missing == [], "the pruning table names paths the template lacks"


def _tree(project: Path) -> list[str]:
    return sorted(
        str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()
    )


def test_prune_removes_files_and_directories_whose_condition_holds(tmp_path) -> None:
    project = tmp_path / "p"
    (project / "pkg" / "web").mkdir(parents=True)
    (project / "pkg" / "web" / "views.py").write_text("", encoding="utf-8")
    (project / "pkg" / "kept.py").write_text("", encoding="utf-8")
    (project / "worker.py").write_text("", encoding="utf-8")
    table = (
        pruning.remove("{package}/web", lambda a: a["web"] is False),
        pruning.remove("worker.py", lambda a: not a["celery"]),
        pruning.remove("{package}/kept.py", lambda a: a["celery"]),
    )

    pruning.prune(
        project, {"package_name": "pkg", "web": False, "celery": False}, table
    )

    assert _tree(project) == ["pkg/kept.py"]


def test_prune_moves_a_replacement_over_its_target(tmp_path) -> None:
    project = tmp_path / "p"
    (project / "css").mkdir(parents=True)
    (project / "css" / "app.css").write_text("plain", encoding="utf-8")
    (project / "css" / "app.built.css").write_text("built", encoding="utf-8")
    table = (
        pruning.replace("css/app.css", by="css/app.built.css", when=lambda a: True),
    )

    pruning.prune(project, {"package_name": "pkg"}, table)

    assert _tree(project) == ["css/app.css"]
    assert (project / "css" / "app.css").read_text(encoding="utf-8") == "built"


def test_prune_skips_rows_whose_condition_does_not_hold(tmp_path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    table = (pruning.remove("never-there.py", lambda a: False),)
    pruning.prune(project, {"package_name": "pkg"}, table)


@pytest.mark.parametrize(
    "row",
    [
        ("remove", "tests/test_typo.py", None),
        ("replace", "css/app.css", "css/missing.css"),
        ("replace", "css/missing.css", "css/app.css"),
    ],
)
def test_prune_fails_when_a_row_that_applies_finds_nothing(tmp_path, row) -> None:
    kind, path, by = row
    project = tmp_path / "p"
    (project / "css").mkdir(parents=True)
    (project / "css" / "app.css").write_text("", encoding="utf-8")
    table = (
        pruning.remove(path, lambda a: True)
        if kind == "remove"
        else pruning.replace(path, by=by, when=lambda a: True),
    )
    with pytest.raises(HookError, match="is missing, so it cannot be"):
        pruning.prune(project, {"package_name": "pkg"}, table)


def test_prune_names_a_row_that_reads_an_unknown_answer(tmp_path) -> None:
    table = (pruning.remove("x.py", lambda a: a["interfce"] == "api-only"),)
    with pytest.raises(HookError, match=r"'x.py' reads an answer.*interfce"):
        pruning.prune(tmp_path, {"package_name": "pkg"}, table)


def test_pruning_rows_only_read_offered_answers(default_answers) -> None:
    for row in pruning.PRUNING:
        pruning.applies(row, default_answers)


def test_api_only_keeps_no_html_side(default_answers, tmp_path) -> None:
    answers = _answers(default_answers, interface="api-only")
    project = _pruned_project(tmp_path, answers)
    pruning.prune(project, answers)
    package = project / str(answers["package_name"])
    for gone in ("main", "templates", "static"):
        assert not (package / gone).exists(), gone
    assert not (project / "tests" / "main").exists()
    assert (package / "api").is_dir()


# The cruft record.


def _fake_checkout(
    root: Path, head: str, refs: dict[str, str], packed: str = ""
) -> Path:
    git_dir = root / ".git"
    git_dir.mkdir(parents=True)
    (git_dir / "HEAD").write_text(head + "\n", encoding="utf-8")
    for name, commit in refs.items():
        (git_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (git_dir / name).write_text(commit + "\n", encoding="utf-8")
    if packed:
        (git_dir / "packed-refs").write_text(packed, encoding="utf-8")
    return root


SHA_A = "a" * 40
SHA_B = "b" * 40


def test_head_commit_from_a_loose_branch_ref(tmp_path) -> None:
    checkout = _fake_checkout(
        tmp_path, "ref: refs/heads/main", {"refs/heads/main": SHA_A}
    )
    assert git_checkout.git_head_commit(checkout) == SHA_A


def test_head_commit_from_packed_refs(tmp_path) -> None:
    packed = (
        "# pack-refs with: peeled fully-peeled sorted\n"
        f"{SHA_B} refs/heads/other\n{SHA_A} refs/heads/main\n^{SHA_B}\n"
    )
    checkout = _fake_checkout(tmp_path, "ref: refs/heads/main", {}, packed)
    assert git_checkout.git_head_commit(checkout) == SHA_A


def test_loose_ref_wins_over_packed_refs(tmp_path) -> None:
    checkout = _fake_checkout(
        tmp_path,
        "ref: refs/heads/main",
        {"refs/heads/main": SHA_B},
        f"{SHA_A} refs/heads/main\n",
    )
    assert git_checkout.git_head_commit(checkout) == SHA_B


def test_head_commit_of_a_detached_head(tmp_path) -> None:
    assert git_checkout.git_head_commit(_fake_checkout(tmp_path, SHA_A, {})) == SHA_A


def test_head_commit_of_a_worktree(tmp_path) -> None:
    main = _fake_checkout(tmp_path / "main", "ref: refs/heads/main", {})
    (main / ".git" / "packed-refs").write_text(
        f"{SHA_B} refs/heads/feature\n", encoding="utf-8"
    )
    worktree_git = main / ".git" / "worktrees" / "feature"
    worktree_git.mkdir(parents=True)
    (worktree_git / "HEAD").write_text("ref: refs/heads/feature\n", encoding="utf-8")
    (worktree_git / "commondir").write_text("../..\n", encoding="utf-8")
    worktree = tmp_path / "feature"
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {worktree_git}\n", encoding="utf-8")
    assert git_checkout.git_head_commit(worktree) == SHA_B


@pytest.mark.parametrize(
    ("head", "refs"),
    [
        ("ref: refs/heads/unborn", {}),
        ("ref: refs/heads/main", {"refs/heads/main": "not-a-sha"}),
        ("garbage", {}),
    ],
)
def test_head_commit_is_none_when_it_cannot_be_read(tmp_path, head, refs) -> None:
    assert git_checkout.git_head_commit(_fake_checkout(tmp_path, head, refs)) is None


def test_head_commit_is_none_outside_git(tmp_path) -> None:
    assert git_checkout.git_head_commit(tmp_path) is None


def test_head_commit_of_this_repository_matches_git() -> None:
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    assert git_checkout.git_head_commit(ROOT) == head


def test_cruft_record_of_a_remote_template(default_answers) -> None:
    answers = _answers(default_answers, _checkout="v1.2")
    record = cruft_file.cruft_record(answers, None)
    assert record == {
        "template": "https://example.com/template.git",
        "commit": None,
        "checkout": "v1.2",
        "context": {
            "cookiecutter": {
                **default_answers,
                "_template": "https://example.com/template.git",
                "_commit": None,
            }
        },
        "directory": None,
        "skip": [".env"],
    }
    assert list(record["context"]["cookiecutter"])[-2:] == ["_template", "_commit"]


def test_cruft_record_of_a_cloned_template(default_answers, tmp_path) -> None:
    clone = _fake_checkout(tmp_path / "clone", SHA_A, {})
    (clone / "cookiecutter.json").write_text("{}", encoding="utf-8")
    answers = _answers(default_answers, _repo_dir=str(clone))
    record = cruft_file.cruft_record(answers, clone)
    assert record["template"] == "https://example.com/template.git"
    assert record["commit"] == SHA_A


ORIGIN_URL = "https://github.com/owner/template.git"
ORIGIN_CONFIG = """\
[core]
\trepositoryformatversion = 0
[remote "upstream"]
\turl = https://example.com/not-this.git
[remote "origin"]
\turl = https://github.com/owner/template.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
"""


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("gh:owner/template", "https://github.com/owner/template.git"),
        ("mine:template", "https://github.com/owner/template.git"),
        ("git+https://github.com/owner/template.git", ORIGIN_URL),
        ("https://github.com/owner/template.git", ORIGIN_URL),
    ],
)
def test_cruft_record_names_the_url_the_template_was_cloned_from(
    default_answers, tmp_path, typed, recorded
) -> None:
    # cruft clones the recorded template itself and knows no abbreviations.
    clone = _fake_checkout(tmp_path / "clone", SHA_A, {})
    (clone / ".git" / "config").write_text(ORIGIN_CONFIG, encoding="utf-8")
    (clone / "cookiecutter.json").write_text("{}", encoding="utf-8")
    answers = _answers(default_answers, _template=typed, _repo_dir=str(clone))
    assert cruft_file.cruft_record(answers, clone)["template"] == recorded


def test_an_abbreviation_stays_when_the_clone_has_no_origin(
    default_answers, tmp_path
) -> None:
    clone = _fake_checkout(tmp_path / "clone", SHA_A, {})
    (clone / "cookiecutter.json").write_text("{}", encoding="utf-8")
    answers = _answers(default_answers, _template="gh:o/t", _repo_dir=str(clone))
    assert cruft_file.cruft_record(answers, clone)["template"] == "gh:o/t"


def test_a_local_template_is_recorded_by_its_absolute_path(
    default_answers, tmp_path
) -> None:
    # `cookiecutter .`: cruft must find the template from anywhere.
    answers = _answers(default_answers, _template=".", _repo_dir=".")
    record = cruft_file.cruft_record(answers, tmp_path)
    assert record["template"] == str(tmp_path)
    assert record["context"]["cookiecutter"]["_template"] == str(tmp_path)


def test_cruft_file_is_left_to_cruft_when_cruft_runs_the_template(
    default_answers, tmp_path
) -> None:
    answers = {**default_answers, "_template": "x", "_commit": SHA_A}
    assert cruft_file.write_cruft_file(tmp_path, answers, None) is None
    assert not (tmp_path / ".cruft.json").exists()


def test_cruft_file_holds_hostile_answers_verbatim(default_answers, tmp_path) -> None:
    answers = _answers(default_answers, **HOSTILE_TEXT)
    path = cruft_file.write_cruft_file(tmp_path, answers, None)
    recorded = json.loads(path.read_text(encoding="utf-8"))["context"]["cookiecutter"]
    assert {k: recorded[k] for k in HOSTILE_TEXT} == HOSTILE_TEXT


# The hook as cookiecutter runs it: rendered by Jinja, then executed.

HOSTILE_TEXT = {
    "project_name": "'); import os; os.system('touch PWNED') #",
    "description": (
        "''' \"\"\" \\ \\' \\\" </script> & {{ 7*7 }} {% raw %} é 日本 🚀 שלום"
    ),
    "author_name": "\\",
}


def test_hook_source_has_exactly_one_template_expression() -> None:
    assert answers_enter_once(HOOK_PATH)


def test_rendered_hook_prunes_and_records_hostile_answers(
    default_answers, tmp_path
) -> None:
    answers = _answers(
        default_answers, **HOSTILE_TEXT, interface="web-only", _repo_dir=str(ROOT)
    )
    project = _pruned_project(tmp_path, answers)
    hook = StrictEnvironment().from_string(HOOK_PATH.read_text(encoding="utf-8"))
    script = tmp_path / "post_gen_project.py"
    script.write_text(hook.render(cookiecutter=answers), encoding="utf-8")

    ran = run_hook_script(script, cwd=project)

    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout.startswith(f"Created {project.resolve()}\n"), ran.stdout
    assert not (project / str(answers["package_name"]) / "api").exists()
    recorded = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert (
        recorded["context"]["cookiecutter"]["description"]
        == HOSTILE_TEXT["description"]
    )
    assert list(tmp_path.rglob("PWNED")) == []
