"""The option combinations the template is tested with, in one place.

Read this file when an option is added or changed. ``test_matrix.py`` fails,
saying what to review, until three things here agree with cookiecutter.json:

1. ``REVIEWED_OPTION_SPACE``: every prompt and what it offers, as last reviewed.
2. ``INTERACTING``: which options can meet in one file (reasoning below).
3. ``MATRIX``: every value of every option at least once, every value pair of
   every two interacting options at least once, all-off and all-on.

Which files each option changes (checked against real bakes by
``test_options_meet_only_where_the_matrix_expects``, which bakes the defaults
with one answer changed at a time and compares the files):

- database_provider: config.py (Neon guards, pool_recycle), connection_retry.py,
  .env.example (DATABASE_URL_DIRECT), README.md, tests.
- interface: the factory, extensions.py, errors.py, config.py, main/, api/,
  templates/, static/, pyproject.toml (Flask-WTF, flask-smorest), README.md,
  tests/conftest.py and the tests of every part above.
- frontend: templates/base.html, static/, pyproject.toml (the Tailwind tool),
  README.md.
- use_caching, use_rate_limiting, use_celery: extensions.py, config.py (Redis
  guards), the factory, the users views, pyproject.toml, .env.example (REDIS_URL),
  README.md, tests/conftest.py, their own test module.
- observability: observability.py, the factory, config.py, pyproject.toml,
  .env.example, README.md.
- open_source_license: LICENSE, pyproject.toml (license), README.md.
- python_version: pyproject.toml (the Python classifiers), the Dockerfile's base
  images, the CI pipelines' Python.
- use_docker: Dockerfile, .dockerignore, compose.yaml (which also change with
  the Redis options, database_provider and ci_provider), README.md.
- ci_provider: .github/workflows/ci.yml or .gitlab-ci.yml (which also change
  with the Redis options, database_provider's Neon jobs and python_version),
  .dockerignore, README.md.

Every option that changes pyproject.toml's dependencies (interface, frontend, the Redis
options, observability) also changes requirements.lock and requirements-dev.lock, which the
post-generation hook prunes to those dependencies.

So every two options share at least pyproject.toml or README.md, and most share
config.py and the factory too: each pair is a place where two Jinja blocks meet
(a missing comma, a doubled blank line, an import only one of them needs).
``MATRIX`` is therefore a pairwise covering array over all eleven options: 14
rows, where the fewest possible is 12 (the license's 4 values times the 3 of
interface, observability, python_version or ci_provider).

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
# Every two of these meet in a file (see the module docstring): today, all of them.
INTERACTING: tuple[str, ...] = _COLUMNS
INTERACTING_PAIRS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair) for pair in combinations(INTERACTING, 2)
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
