"""Package names a project may not take, because a package of that name would
shadow a module the project imports: the project directory comes first on
``sys.path``, so a package called ``flask`` would be imported instead of Flask.

Denied are the standard library's modules, the names the project itself uses at
its top level, and the import names of every distribution in the template's
locks, whatever the options (a project may turn an option on later). A locked
distribution's import names follow one rule: its name with ``-`` as ``_``
(flask-wtf installs flask_wtf), except for the distributions in
``IMPORT_NAMES``, and those of a namespace in ``SHARED_NAMESPACES``. No
installed metadata can tell: the bake runs where none of them is installed. The
template's tests check the rule against real installs of the locks.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from template_hooks.errors import HookError
from template_hooks.locks import DEV_LOCK_FILE, LOCK_FILE, parse_lock
from template_hooks.requirements import canonical_name

# Where the template keeps the project it renders, and so its locks.
PROJECT_TEMPLATE = Path(__file__).resolve().parent.parent / (
    "{{cookiecutter.project_slug}}"
)

# What the project has, or tools look for, at its top level.
PROJECT_TOP_LEVEL_NAMES = frozenset(
    {
        "app",  # the Flask CLI looks for a module called app (or wsgi) first
        "config",
        "conftest",
        "migrations",
        "test",  # the stdlib's own test package (not in stdlib_module_names)
        "tests",
        "worker",  # the Celery worker's module, when use_celery is chosen
        "wsgi",
    }
)
# Not locked, but where a project is likely to go: psycopg2's successor.
LIKELY_DEPENDENCY_NAMES = frozenset({"psycopg"})
# Standard-library modules of Pythons newer than the one running this hook may
# not be in its sys.stdlib_module_names; these are the public ones added since 3.11.
NEWER_STDLIB_NAMES = frozenset({"annotationlib", "compression"})

# Locked distributions whose top-level modules are not their own name with "-"
# as "_" (modules starting with "_" are left out: no package name can).
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "dnspython": ("dns",),
    "googleapis-common-protos": ("google",),
    "graphql-core": ("graphql",),
    "markdown-it-py": ("markdown_it",),
    "mypy": ("mypy", "mypyc"),
    "protobuf": ("google",),
    "psycopg2-binary": ("psycopg2",),
    "pytest": ("py", "pytest"),
    "python-dateutil": ("dateutil",),
    "python-dotenv": ("dotenv",),
    "pyyaml": ("yaml",),
}
# Each distribution named "<namespace>-..." installs a part of that namespace
# package and nothing else.
SHARED_NAMESPACES = ("opentelemetry",)


def import_names(distribution: str) -> tuple[str, ...]:
    """The top-level modules ``distribution`` installs, by the rule above."""
    name = canonical_name(distribution)
    if name in IMPORT_NAMES:
        return IMPORT_NAMES[name]
    for namespace in SHARED_NAMESPACES:
        if name.startswith(f"{namespace}-"):
            return (namespace,)
    return (name.replace("-", "_"),)


def locked_import_names(project_template: Path) -> frozenset[str]:
    """The import names of every distribution in the template's two locks."""
    names: set[str] = set()
    for lock_file in (LOCK_FILE, DEV_LOCK_FILE):
        try:
            text = (project_template / lock_file).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise HookError(f"the template has no {lock_file}") from None
        for pin in parse_lock(text, lock_file).pins:
            names.update(import_names(pin.name))
    return frozenset(names)


@functools.cache
def forbidden_package_names() -> frozenset[str]:
    return (
        PROJECT_TOP_LEVEL_NAMES
        | LIKELY_DEPENDENCY_NAMES
        | locked_import_names(PROJECT_TEMPLATE)
        | NEWER_STDLIB_NAMES
        | frozenset(sys.stdlib_module_names)
    )
