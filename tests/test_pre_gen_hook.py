"""What the pre-generation hook accepts and refuses, tested without baking."""

from __future__ import annotations

import ast
import json
import shlex
import sys
from pathlib import Path

import pytest
from cookiecutter.environment import StrictEnvironment
from cookiecutter.prompt import YesNoPrompt
from packaging.markers import Marker
from packaging.version import InvalidVersion, Version

from template_hooks import checks, denied_names, locks, pre_gen, refusal, rules
from template_hooks.errors import HookError
from template_hooks.locks import DEV_LOCK_FILE, LOCK_FILE

from conftest import (
    COOKIECUTTER_JSON,
    HOOKS_DIR,
    INSTALL_DEVELOPMENT,
    ROOT,
    TEMPLATE_DIR,
    answers_enter_once,
    new_venv,
    run_hook_script,
    top_level_modules,
    uv_pip,
)

HOOK_PATH = HOOKS_DIR / "pre_gen_project.py"
FIX_IMPORT_NAMES = "correct IMPORT_NAMES in template_hooks/denied_names.py"

GOOD = {
    "project_name": [
        "My Flask Service",
        "Ünïcødé Sérvice — 日本語",
        "O'Brien's \"quoted\" \\ backslashed",
        "x" * 200,
    ],
    "project_slug": ["a", "order-tracker", "api2", "a1-b2-c3", "x" * 64],
    "package_name": ["order_tracker", "a", "api2", "my_flask_service", "x" * 64],
    "description": [
        "A Flask and PostgreSQL web service.",
        "Tabs\u00a0aside: ok",
        "שלום עולם — مرحبا بالعالم",  # right-to-left letters are text
        "Emoji with joiners: 👩\u200d💻 🏳️\u200d🌈",
    ],
    "author_name": ["Ada Lovelace", "Zoë O'Connor-Łukasiewicz", "The Team"],
    "author_email": [
        "you@example.com",
        "first.last+tag@sub.example.co.uk",
        "o'brien@example.org",
        "x@xn--bcher-kva.example",
    ],
    "version": ["0.1.0", "1", "1.0a1", "2.0b3", "1.0rc2", "1.0.post1", "1.1.dev0"],
    "python_version": ["3.13", "3.12", "3.11"],
    "open_source_license": ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"],
    "interface": ["web-and-api", "api-only", "web-only"],
    "frontend": ["tailwind", "plain-css"],
    "database_provider": ["postgres", "neon"],
    "use_caching": [False, True],
    "use_rate_limiting": [False, True],
    "use_celery": [False, True],
    "observability": ["none", "sentry", "opentelemetry"],
    "use_docker": [True, False],
    "ci_provider": ["github", "gitlab", "none"],
}

BAD = {
    "project_name": ["", "   ", "two\nlines", "tab\there", "x" * 201, "nul\x00"],
    "project_slug": [
        "",
        "Order-Tracker",
        "order_tracker",
        "1order",
        "-order",
        "order-",
        "order--tracker",
        "order tracker",
        "x" * 65,
    ],
    "package_name": [
        "",
        "Order",
        "1order",
        "_order",
        "order-tracker",
        "class",
        "flask",
        "json",
        "x" * 65,
    ],
    "description": [
        "",
        "line one\nline two",
        "carriage\rreturn",
        "\u2028",
        "x" * 201,
        "x" * 10_000,
        "evil \u202egnp.exe",  # right-to-left override ("Trojan Source")
        "isolate \u2067x\u2069",
    ],
    "author_name": ["", "esc\x1b[31m", "x" * 201],
    "author_email": [
        "",
        "you",
        "you@",
        "@example.com",
        "you@example",
        "you @example.com",
        "you@example.com\n",
        "you@@example.com",
        "you@exa mple.com",
        ".you@example.com",
    ],
    "version": ["", "v1.0", "1.0-alpha", "01.0", "1.0+local", "1.0.0.", "latest"],
    "python_version": ["3.10", "2.7", "3.14", "", 3.12],
    "open_source_license": ["GPL-3.0", "mit", "", None],
    "interface": ["api", "web", "Web-Only", "", ["api-only"]],
    "frontend": ["bootstrap", "", "Tailwind"],
    "database_provider": ["mysql", "sqlite", "Neon", ""],
    # cookiecutter converts yes/no, y/n, true/false, 1/0, on/off to a bool first.
    "use_caching": ["yes", "true", 1, 0, None, ""],
    "use_rate_limiting": ["no", "false", 1],
    "use_celery": ["y", 0],
    "observability": ["datadog", "", "Sentry"],
    "use_docker": ["yes", 1, None],
    "ci_provider": ["gitlab-ci", "GitHub", "", "circleci"],
}

# The names the README promises are refused, whatever else is on the list.
DOCUMENTED_FORBIDDEN = [
    "flask",
    "app",
    "test",
    "tests",
    "config",
    "wsgi",
    "migrations",
    "alembic",
    "sqlalchemy",
    "gunicorn",
    "werkzeug",
    "jinja2",
    "marshmallow",
    "flask_smorest",
    "psycopg2",
    "dotenv",
    "click",
    "conftest",
    "site",
]


def _pairs(table: dict[str, list[object]]) -> list[tuple[str, object]]:
    return [(field, value) for field, values in table.items() for value in values]


def test_every_prompt_has_a_rule() -> None:
    prompts = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
    answered = [key for key in prompts if not key.startswith("_")]
    assert list(rules.RULES) == answered


def test_choice_rules_offer_exactly_what_cookiecutter_json_offers() -> None:
    prompts = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
    for field, offered in prompts.items():
        check = rules.RULES[field].check if not field.startswith("_") else None
        if isinstance(offered, list):
            assert isinstance(check, checks.OneOf), field
            assert list(check.choices) == offered, field
            assert rules.RULES[field].example == offered[0], field
        elif isinstance(offered, bool):
            assert check is checks.check_bool, field
    assert list(rules.SUPPORTED_PYTHON_VERSIONS) == prompts["python_version"]


def test_every_good_value_list_covers_every_prompt() -> None:
    assert set(GOOD) == set(rules.RULES)
    assert set(BAD) == set(rules.RULES)


def test_default_answers_are_accepted(default_answers) -> None:
    rules.validate(default_answers)


@pytest.mark.parametrize("field", list(GOOD))
def test_each_rule_example_is_itself_accepted(field) -> None:
    rule = rules.RULES[field]
    example = rule.example
    if rule.check is checks.check_bool:
        # Shown to a person, who types a word that cookiecutter makes a bool.
        example = YesNoPrompt().process_response(example)
    assert rule.check(example) is None


@pytest.mark.parametrize(("field", "value"), _pairs(GOOD))
def test_good_value_is_accepted(default_answers, field, value) -> None:
    rules.validate({**default_answers, field: value})


@pytest.mark.parametrize(("field", "value"), _pairs(BAD))
def test_bad_value_is_refused_with_one_line_naming_field_rule_and_example(
    default_answers, field, value
) -> None:
    with pytest.raises(rules.InvalidAnswer) as refused:
        rules.validate({**default_answers, field: value})

    message = str(refused.value)
    rule = rules.RULES[field]
    assert refused.value.field == field
    assert message.startswith(f"error: {field}: ")
    assert rule.rule in message
    assert message.endswith(f"Example of a good value: {rule.example}")
    assert len(message.splitlines()) == 1, message
    assert message.isprintable(), message


@pytest.mark.parametrize("name", DOCUMENTED_FORBIDDEN)
def test_documented_package_names_are_refused(name) -> None:
    assert checks.check_package_name(name) is not None


def test_standard_library_names_are_refused_as_package_names() -> None:
    accepted = [
        name
        for name in sorted(sys.stdlib_module_names)
        if checks.check_package_name(name) is None
    ]
    assert accepted == []


@pytest.mark.parametrize("name", ["import", "def", "return", "async", "lambda"])
def test_keywords_are_refused_as_package_names(name) -> None:
    assert "keyword" in checks.check_package_name(name)


# Denied package names: the project's own top-level names, and the import names
# of every locked distribution, by the rule in template_hooks/denied_names.py.


@pytest.mark.parametrize(
    ("distribution", "modules"),
    [
        ("flask", ("flask",)),
        ("Flask-WTF", ("flask_wtf",)),
        ("flask.sqlalchemy", ("flask_sqlalchemy",)),
        ("PyYAML", ("yaml",)),
        ("python-dotenv", ("dotenv",)),
        ("pytest", ("py", "pytest")),
        ("opentelemetry-instrumentation-flask", ("opentelemetry",)),
    ],
)
def test_import_names_are_the_distribution_name_unless_the_table_says_otherwise(
    distribution, modules
) -> None:
    assert denied_names.import_names(distribution) == modules


def _locked_pins() -> list[locks.Pin]:
    return [
        pin
        for lock in (TEMPLATE_DIR / LOCK_FILE, TEMPLATE_DIR / DEV_LOCK_FILE)
        for pin in locks.parse_lock(lock.read_text(encoding="utf-8"), lock.name).pins
    ]


def _locked_distributions() -> set[str]:
    return {pin.name for pin in _locked_pins()}


def _installs_here(pin: locks.Pin) -> bool:
    """Whether the pin's environment marker, if any, holds for this interpreter."""
    _, _, marker = pin.lines[0].removesuffix("\\").partition(";")
    return not marker.strip() or Marker(marker.strip()).evaluate()


def test_every_locked_distribution_is_denied_under_its_import_names() -> None:
    denied = denied_names.forbidden_package_names()
    undenied = {
        distribution: names
        for distribution in sorted(_locked_distributions())
        if not set(names := denied_names.import_names(distribution)) <= denied
    }
    assert undenied == {}


def test_the_import_names_table_only_names_locked_distributions() -> None:
    locked = _locked_distributions()
    assert set(denied_names.IMPORT_NAMES) - locked == set(), "a stale row"
    for namespace in denied_names.SHARED_NAMESPACES:
        assert any(name.startswith(f"{namespace}-") for name in locked), namespace


def _wrong_import_names(installed: dict[str, list[str]]) -> dict[str, list[str]]:
    return {
        distribution: modules
        for distribution, modules in sorted(installed.items())
        if sorted(denied_names.import_names(distribution)) != modules
    }


def test_the_rule_gives_the_modules_each_locked_distribution_installs_here() -> None:
    """The locked distributions this environment has; the slow test below
    installs all of them."""
    installed = top_level_modules(Path(sys.executable))
    shared = {d: m for d, m in installed.items() if d in _locked_distributions()}
    assert {"pytest", "pyyaml", "pre-commit"} <= set(shared)
    assert _wrong_import_names(shared) == {}, FIX_IMPORT_NAMES


@pytest.mark.slow
def test_the_rule_gives_the_modules_every_locked_distribution_installs(
    tmp_path,
) -> None:
    python = new_venv(tmp_path / "venv", TEMPLATE_DIR)
    uv_pip(python, INSTALL_DEVELOPMENT, TEMPLATE_DIR)
    installed = top_level_modules(python)
    assert set(installed) == {pin.name for pin in _locked_pins() if _installs_here(pin)}
    assert _wrong_import_names(installed) == {}, FIX_IMPORT_NAMES


def test_a_template_without_its_locks_cannot_check_package_names(tmp_path) -> None:
    with pytest.raises(HookError, match=r"^the template has no requirements\.lock$"):
        denied_names.locked_import_names(tmp_path)


def test_main_reports_what_it_could_not_check(
    default_answers, monkeypatch, capsys
) -> None:
    def no_locks() -> frozenset[str]:
        raise HookError("the template has no requirements.lock")

    monkeypatch.setattr(checks, "forbidden_package_names", no_locks)
    assert pre_gen.main(default_answers) == 1
    assert capsys.readouterr() == (
        "",
        "error: could not check the answers: the template has no requirements.lock\n",
    )


def test_readme_names_the_projects_own_denied_names_and_the_rule() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = denied_names.PROJECT_TOP_LEVEL_NAMES | denied_names.LIKELY_DEPENDENCY_NAMES
    undocumented = sorted(name for name in named if f"`{name}`" not in readme)
    assert undocumented == []
    assert "template_hooks/denied_names.py" in readme


VERSION_CANDIDATES = [
    "0",
    "0.1.0",
    "1.0",
    "10.20.30",
    "1!2.0",
    "1.0a0",
    "1.0b12",
    "1.0rc1",
    "1.0.post0",
    "1.0.dev3",
    "1.0a1.post2.dev3",
    "1.0rc1.dev0",
    "v1.0",
    "1.0-alpha",
    "1.0alpha1",
    "1.0.a1",
    "1.0c1",
    "1.0-post1",
    "1.0post1",
    "1.0.dev",
    "01.0",
    "1.00",
    "0!1.0",
    "1.0+local",
    "1.0.",
    ".1",
    "1..0",
    " 1.0",
    "1.0 ",
    "1.0\n",
    "one",
]


@pytest.mark.parametrize("candidate", VERSION_CANDIDATES)
def test_version_rule_agrees_with_packaging_canonical_public_versions(
    candidate,
) -> None:
    try:
        parsed = Version(candidate)
    except InvalidVersion:
        canonical = False
    else:
        canonical = str(parsed) == candidate and parsed.local is None
    accepted = checks.check_version(candidate) is None
    assert accepted == canonical


def test_missing_answer_is_refused(default_answers) -> None:
    answers = {k: v for k, v in default_answers.items() if k != "author_email"}
    with pytest.raises(rules.InvalidAnswer, match=r"^error: author_email: "):
        rules.validate(answers)


def test_first_bad_answer_in_prompt_order_is_reported(default_answers) -> None:
    answers = {**default_answers, "version": "v1", "project_slug": "Bad Slug"}
    with pytest.raises(rules.InvalidAnswer) as refused:
        rules.validate(answers)
    assert refused.value.field == "project_slug"


def test_a_new_choice_option_is_one_rule_entry(default_answers) -> None:
    extended = {
        **rules.RULES,
        "deployment": rules.Rule(
            checks.one_of("fly", "render"), "choose fly or render", "fly"
        ),
    }
    rules.validate({**default_answers, "deployment": "render"}, rules=extended)
    with pytest.raises(rules.InvalidAnswer, match=r"^error: deployment: 'k8s' "):
        rules.validate({**default_answers, "deployment": "k8s"}, rules=extended)


def test_a_new_yes_no_option_is_one_rule_entry(default_answers) -> None:
    extended = {**rules.RULES, "use_search": rules.YES_OR_NO}
    rules.validate({**default_answers, "use_search": True}, rules=extended)
    with pytest.raises(rules.InvalidAnswer, match=r"^error: use_search: 'yes' "):
        rules.validate({**default_answers, "use_search": "yes"}, rules=extended)


def test_a_refused_combination_is_one_entry(default_answers) -> None:
    combination = rules.Combination(
        field="python_version",
        refused_when=lambda a: (
            a["python_version"] == "3.11" and a["author_name"] == "Nobody"
        ),
        problem="3.11 is not offered to Nobody",
        rule="choose 3.12 or newer",
        example="3.12",
    )
    answers = {**default_answers, "python_version": "3.11"}
    rules.validate(answers, combinations=(combination,))
    with pytest.raises(rules.InvalidAnswer, match=r"^error: python_version: 3.11 "):
        rules.validate(
            {**answers, "author_name": "Nobody"}, combinations=(combination,)
        )


def test_main_reports_the_refusal_then_a_command_to_bake_again_on_stderr(
    default_answers, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("PWD", "/work")
    answers = {**default_answers, **RUN, "version": "v1"}
    assert pre_gen.main(answers) == 1
    out, err = capsys.readouterr()
    assert out == ""
    error, explanation, command = err.splitlines()
    assert error.startswith("error: version: 'v1' ")
    assert explanation == (
        "Answers are checked after the last question, so here are yours to bake "
        "again: change version, the last one below, and run:"
    )
    assert shlex.split(command)[-1] == "version=v1"


# What a refusal gives back: every answer, as a command that bakes again.

# What cookiecutter adds to the answers: the template as typed, where it
# writes the project, its copy of the template, --checkout.
RUN = {
    "_template": "gh:owner/template",
    "_output_dir": "/work",
    "_repo_dir": "/home/u/.cookiecutters/template",
    "_checkout": None,
}

# The directory the user runs cookiecutter in, their shell's PWD.
WORK = Path("/work")


def _words(answers, last: str, directory: Path | None = WORK) -> list[str]:
    command, _ = refusal.bake_again_command(answers, last, directory)
    return shlex.split(command)


def test_the_command_gives_every_answer_in_prompt_order_the_refused_one_last(
    default_answers,
) -> None:
    answers = {**RUN, **dict(sorted(default_answers.items()))}  # as tojson sorts them
    words = _words(answers, "project_slug")
    assert words[:3] == ["cookiecutter", "--no-input", "gh:owner/template"]
    given = [word.split("=", 1)[0] for word in words[3:]]
    prompts = [name for name in rules.RULES if name != "project_slug"]
    assert given == [*prompts, "project_slug"]


def test_the_command_reads_back_as_the_answers(default_answers) -> None:
    answers = {**default_answers, **RUN, "use_caching": True, "use_docker": False}
    words = _words(answers, "version")
    read = dict(word.split("=", 1) for word in words[3:])
    assert read == {
        name: {True: "yes", False: "no"}.get(value, value)
        if isinstance(value, bool)
        else value
        for name, value in default_answers.items()
    } | {"use_caching": "yes", "use_docker": "no"}


@pytest.mark.parametrize(
    ("run", "options"),
    [
        ({"_output_dir": "/work"}, []),
        ({"_output_dir": "/work/../work/"}, []),
        ({"_output_dir": "/srv/out"}, ["-o", "/srv/out"]),
        ({"_output_dir": "/srv/with space"}, ["-o", "/srv/with space"]),
        ({"_checkout": "v2026.11.0"}, ["--checkout", "v2026.11.0"]),
    ],
)
def test_the_command_repeats_the_options_cookiecutter_passes_on(
    default_answers, run, options
) -> None:
    words = _words({**default_answers, **RUN, **run}, "version")
    assert words[3 : 3 + len(options)] == options
    assert not words[3 + len(options)].startswith("-")


def test_the_output_directory_is_given_when_the_shell_directory_is_unknown(
    default_answers,
) -> None:
    words = _words({**default_answers, **RUN}, "version", directory=None)
    assert words[3:5] == ["-o", "/work"]


@pytest.mark.parametrize(
    "value",
    [
        "O'Brien's \"quoted\" \\ backslashed",
        "$(touch PWNED) `touch PWNED` ; && || > < | * ? ~ # !",
        "{{ 7*7 }} {% if x %} {# note {{ '{' }} {%- raw %} }} %}",
        "שלום עולם — مرحبا بالعالم, emoji 👩\u200d💻, 日本語",
        "-o /etc --checkout x",
        "",
    ],
)
def test_answers_read_back_verbatim_through_shell_and_jinja(
    default_answers, value
) -> None:
    """A POSIX shell splits the command into the same words (shlex follows its
    rules), and cookiecutter's Jinja renders each answer back to itself."""
    answers = {**default_answers, **RUN, "description": value}
    words = _words(answers, "version")
    (given,) = [w for w in words if w.startswith("description=")]
    rendered = StrictEnvironment().from_string(given.removeprefix("description="))
    assert rendered.render(cookiecutter={}) == value


@pytest.mark.parametrize(
    "value", ["two\nlines", "bell\x07", "esc\x1b[31m", "rtl\u202e"]
)
def test_answers_a_terminal_cannot_show_are_left_empty_and_named(
    default_answers, value
) -> None:
    answers = {**default_answers, **RUN, "author_name": value}
    command, emptied = refusal.bake_again_command(answers, "author_name", WORK)
    assert shlex.split(command)[-1] == "author_name="
    assert emptied == ["author_name"]
    assert command.isprintable()
    with pytest.raises(rules.InvalidAnswer) as refused:
        rules.validate(answers)
    report = refusal.refusal_report(refused.value, answers, WORK)
    assert "change author_name, the last one below (author_name left empty: " in report


def test_the_report_of_a_refused_combination_ends_with_its_field(
    default_answers, celery_on_web_only
) -> None:
    combination = celery_on_web_only
    answers = {**default_answers, **RUN, "use_celery": True, "interface": "web-only"}
    with pytest.raises(rules.InvalidAnswer) as refused:
        rules.validate(answers, combinations=(combination,))
    error, _, command = refusal.refusal_report(refused.value, answers, WORK).split("\n")
    assert error == str(refused.value)
    assert shlex.split(command)[-1] == "use_celery=yes"


def test_main_is_silent_and_returns_0_for_good_answers(default_answers, capsys) -> None:
    assert pre_gen.main(default_answers) == 0
    assert capsys.readouterr() == ("", "")


# The hook as cookiecutter runs it: rendered by Jinja, then executed.

HOSTILE_ANSWERS = {
    "project_name": "'); import os; os.system('touch PWNED') #",
    "project_slug": "hostile",
    "package_name": "hostile",
    "description": "''' \"\"\" \\ \\' \\\" </script> & {{ 7*7 }} {% raw %} é 日本",
    "author_name": "\\",
    "author_email": "o'brien@example.com",
    "open_source_license": "MIT",
    "version": "0.1.0",
    "python_version": "3.13",
    "interface": "web-and-api",
    "frontend": "tailwind",
    "database_provider": "postgres",
    "use_caching": True,
    "use_rate_limiting": False,
    "use_celery": False,
    "observability": "none",
    "use_docker": True,
    "ci_provider": "github",
}


def _render_hook(answers: dict[str, object]) -> str:
    template = StrictEnvironment().from_string(HOOK_PATH.read_text(encoding="utf-8"))
    return template.render(cookiecutter=answers)


def test_hook_source_has_exactly_one_template_expression() -> None:
    assert answers_enter_once(HOOK_PATH)


def test_rendered_hook_carries_hostile_answers_verbatim() -> None:
    tree = ast.parse(_render_hook(HOSTILE_ANSWERS))
    loaded = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "loads"
    ]
    assert [json.loads(literal) for literal in loaded] == [HOSTILE_ANSWERS]


def test_rendered_hook_runs_and_executes_nothing_from_answers(tmp_path: Path) -> None:
    script = tmp_path / "pre_gen_project.py"
    rendered = _render_hook({**HOSTILE_ANSWERS, "_repo_dir": str(ROOT)})
    script.write_text(rendered, encoding="utf-8")
    ran = run_hook_script(script, cwd=tmp_path)
    assert (ran.returncode, ran.stdout, ran.stderr) == (0, "", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pre_gen_project.py"]
