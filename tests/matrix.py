"""The option combinations the template is tested with, in one place.

Read this file when an option is added or changed. ``test_matrix.py`` fails,
saying what to review, until three things here agree with cookiecutter.json and
with real bakes:

1. ``REVIEWED_OPTION_SPACE``: every prompt and what it offers, as last reviewed.
2. ``INTERACTING_PAIRS``: which two options meet in a file, as measured.
3. ``MATRIX``: every value of every option at least once, every value pair of
   every two interacting options at least once, all-off and all-on.

Which files each option changes, measured by
``test_options_meet_exactly_where_the_matrix_declares``: it bakes the defaults
with one answer changed at a time and compares the files with the default bake.

- open_source_license: LICENSE, pyproject.toml (license).
- python_version: pyproject.toml (the Python classifiers), the Dockerfile's base
  images, the CI pipelines' Python.
- interface: the factory, errors.py, config.py, users.py, main/,
  api/, templates/, static/, pyproject.toml and both locks (Flask-WTF,
  flask-smorest), the CI workflow, README.md, and the tests of every part above.
- frontend: static/, pyproject.toml and requirements-dev.lock (the Tailwind
  tool), README.md.
- database_provider: config.py (Neon guards, the connection defaults),
  gunicorn_checks.py, neon.py, .env.example
  (DATABASE_URL_DIRECT), compose.yaml, deploy/migrate.yaml, the CI workflow
  (the Neon job), README.md, tests.
- use_caching, use_rate_limiting, use_celery: caching.py, rate_limits.py,
  redis_config.py (REDIS_URL and its guards), the factory, the users views, tasks.py and worker.py (Celery),
  pyproject.toml and requirements.lock, .env.example (REDIS_URL), compose.yaml,
  deploy/, the CI workflow (Redis), README.md, tests/conftest.py (registering
  the fixture modules: tests/redis_server.py, tests/celery_worker.py,
  tests/e2e/two_instances.py), tests/servers.py, tests/e2e/conftest.py, their
  own test modules.
- observability: observability.py (Sentry's, or OpenTelemetry's from
  observability.opentelemetry.py), the factory, config.py, pyproject.toml and
  both locks, .env.example, README.md, tests/conftest.py.
- use_docker: Dockerfile, .dockerignore, compose.yaml, deploy/, README.md.
- ci_provider: .github/ or .gitlab-ci.yml, .dockerignore, README.md.

So nearly every two options share a file (README.md, pyproject.toml, the CI
workflow, config.py...): each such pair is a place where two Jinja blocks meet
(a missing comma, a doubled blank line, an import only one of them needs). Only
the license never meets database_provider, use_docker or ci_provider; those
three pairs are ``INDEPENDENT_PAIRS``. The test fails both ways: two options
that change a common file without being declared to interact, and two declared
to interact that share no file (remove them from the declaration, or the
declaration would claim coverage the bakes do not need).

``MATRIX`` is a pairwise covering array over the interacting pairs: 15 rows,
where the fewest possible is 12 (the license's 4 values times the 3 of
interface, observability or python_version).

Growth, measured on the 2-core machine this was written on: a matrix row costs
one bake (about 0.2 s) plus its checks, two ruff runs among them (about 0.1 s);
each value beyond an option's default also costs one single-change bake (about
0.25 s). A representative row adds a fresh virtual environment and the baked
project's own suite (15 to 40 s). A new yes/no option usually fits into the
existing rows (give it a value in each, so that both its values meet every
value of every other option): +1 bake, +0.25 s. A new choice of n values adds
n - 1 single-change bakes, and rows until each of its values meets each value
of every other option: at least 4n rows in all (the license has 4 values), so
a few rows for n = 3 and 16 or more for n = 4, at about 0.35 s per row. So it
went for use_docker and ci_provider: both fit once one row was added (pairs-9,
found by a search over the existing rows' free columns), +3 single-change
bakes; test_delivery.py's checks add about 0.1 s per row (hadolint,
docker-compose, actionlint), 1.5 s for the schemas (one check-jsonschema run per
schema for all rows) and 3 to 5 s for its slow test, on the representative rows.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

Answers = dict[str, Any]

# What cookiecutter.json offers, as last reviewed against MATRIX. A free-text
# prompt is "text" (the hostile-answer tests in test_bake.py cover those).
REVIEWED_OPTION_SPACE: dict[str, Any] = {
    "project_name": "text",
    "project_slug": "text",
    "package_name": "text",
    "description": "text",
    "author_name": "text",
    "author_email": "text",
    "open_source_license": ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"],
    "version": "text",
    "python_version": ["3.13", "3.12", "3.11"],
    "interface": ["web-and-api", "api-only", "web-only"],
    "frontend": ["tailwind", "plain-css"],
    "database_provider": ["postgres", "neon"],
    "use_caching": False,
    "use_rate_limiting": False,
    "use_celery": False,
    "observability": ["none", "sentry", "opentelemetry"],
    "use_docker": True,
    "ci_provider": ["github", "gitlab", "none"],
}

# Options whose values are chosen rather than typed, with what they offer; the
# default first (a yes/no question's default is its value in cookiecutter.json).
OPTIONS: dict[str, tuple[Any, ...]] = {
    name: tuple(offered) if isinstance(offered, list) else (offered, not offered)
    for name, offered in REVIEWED_OPTION_SPACE.items()
    if offered != "text"
}

# The matrix's columns, in the order each row gives its values.
_COLUMNS = (
    "database_provider",
    "interface",
    "frontend",
    "use_caching",
    "use_rate_limiting",
    "use_celery",
    "observability",
    "open_source_license",
    "python_version",
    "use_docker",
    "ci_provider",
)
# The two options of each of these pairs never change the same file (measured;
# see the module docstring). Every other two options do.
INDEPENDENT_PAIRS: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"open_source_license", "database_provider"}),
        frozenset({"open_source_license", "use_docker"}),
        frozenset({"open_source_license", "ci_provider"}),
    }
)
INTERACTING_PAIRS: frozenset[frozenset[str]] = (
    frozenset(frozenset(pair) for pair in combinations(_COLUMNS, 2)) - INDEPENDENT_PAIRS
)

on, off = True, False

# fmt: off
_ROWS: dict[str, tuple[Any, ...]] = {
    #                  database    interface       frontend     cache  rate   celery   observability     license          python  docker  ci
    "defaults":      ("postgres", "web-and-api",  "tailwind",   off,   off,   off,    "none",           "MIT",           "3.13", on,     "github"),
    "all-off":       ("postgres", "api-only",     "plain-css",  off,   off,   off,    "none",           "Proprietary",   "3.12", off,    "none"),
    "all-on-neon":   ("neon",     "web-and-api",  "tailwind",   on,    on,    on,     "opentelemetry",  "Apache-2.0",    "3.11", on,     "github"),
    "all-on":        ("postgres", "web-and-api",  "tailwind",   on,    on,    on,     "sentry",         "MIT",           "3.13", on,     "gitlab"),
    "api-only":      ("postgres", "api-only",     "tailwind",   off,   on,    off,    "sentry",         "MIT",           "3.11", off,    "gitlab"),
    "web-only-css":  ("postgres", "web-only",     "plain-css",  on,    off,   off,    "none",           "BSD-3-Clause",  "3.11", off,    "none"),
    "pairs-1":       ("neon",     "web-only",     "plain-css",  off,   off,   on,     "sentry",         "Apache-2.0",    "3.13", off,    "none"),
    "pairs-2":       ("neon",     "web-only",     "plain-css",  on,    on,    on,     "opentelemetry",  "MIT",           "3.12", on,     "github"),
    "pairs-3":       ("neon",     "api-only",     "tailwind",   on,    on,    on,     "none",           "Proprietary",   "3.13", on,     "github"),
    "pairs-4":       ("neon",     "web-and-api",  "tailwind",   on,    on,    on,     "sentry",         "BSD-3-Clause",  "3.12", off,    "github"),
    "pairs-5":       ("neon",     "api-only",     "tailwind",   off,   off,   off,    "opentelemetry",  "BSD-3-Clause",  "3.13", on,     "gitlab"),
    "pairs-6":       ("postgres", "web-and-api",  "plain-css",  off,   off,   on,     "opentelemetry",  "Proprietary",   "3.11", off,    "gitlab"),
    "pairs-7":       ("postgres", "api-only",     "tailwind",   on,    on,    off,    "none",           "Apache-2.0",    "3.12", off,    "gitlab"),
    "pairs-8":       ("neon",     "web-only",     "tailwind",   off,   on,    on,     "sentry",         "Proprietary",   "3.12", on,     "gitlab"),
    "pairs-9":       ("neon",     "web-and-api",  "tailwind",   on,    on,    on,     "opentelemetry",  "MIT",           "3.12", on,     "none"),
}
# fmt: on

# Each row's answers to the chosen options; free-text prompts keep their defaults.
MATRIX: dict[str, Answers] = {
    name: dict(zip(_COLUMNS, values, strict=True)) for name, values in _ROWS.items()
}

# The rows whose baked project runs its own test suite (slow).
REPRESENTATIVE: tuple[str, ...] = (
    "defaults",
    "all-on-neon",
    "api-only",
    "web-only-css",
)

# Mixes the pre-generation hook must refuse: one row per entry in its
# REFUSED_COMBINATIONS, which is empty while every mix works.
REFUSED: dict[str, Answers] = {}


def uses_redis(answers: Answers) -> bool:
    return bool(
        answers["use_caching"] or answers["use_rate_limiting"] or answers["use_celery"]
    )


# How much of the project template is Jinja, and where each option's Jinja sits, as counted
# by tests/test_template_shape.py. BEFORE is the template at commit c0eba74, when options were
# threaded through shared files; NOW is the template today, recorded so that a change that adds
# Jinja says so here. TARGET is where the "one option, one place" work is headed.
JINJA_BEFORE: dict[str, int] = {"tagged lines": 375, "lines mixing a tag with code": 35}
JINJA_NOW: dict[str, int] = {"tagged lines": 107, "lines mixing a tag with code": 0}
JINJA_TARGET: dict[str, int] = {"tagged lines": 120, "lines mixing a tag with code": 0}

# Files anywhere in the project template that name the option.
FILES_PER_OPTION_BEFORE: dict[str, int] = {
    "use_celery": 21,
    "interface": 23,
    "use_rate_limiting": 18,
    "use_caching": 17,
    "database_provider": 12,
    "observability": 9,
}
FILES_PER_OPTION_NOW: dict[str, int] = {
    "use_celery": 9,
    "interface": 17,
    "use_rate_limiting": 7,
    "use_caching": 6,
    "database_provider": 8,
    "observability": 4,
}

# A yes/no option's files outside its own: those that name it, less the files the
# post-generation hook removes whenever the option is off.
SHARED_FILES_PER_YES_NO_OPTION_NOW: dict[str, int] = {
    "use_caching": 6,
    "use_rate_limiting": 7,
    "use_celery": 9,
}
SHARED_FILES_PER_YES_NO_OPTION_TARGET = 6
