"""What the answers leave out of the project: one table, ``PRUNING``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from template_hooks.errors import HookError

Answers = Mapping[str, Any]
Condition = Callable[[Answers], bool]


@dataclass(frozen=True)
class Row:
    """When ``when(answers)`` holds: delete ``path``, or, with ``replaced_by``,
    move that file over ``path``. Paths are relative to the project directory,
    with ``{package}`` standing for the package name."""

    path: str
    when: Condition
    replaced_by: str | None = None


def remove(path: str, when: Condition) -> Row:
    return Row(path, when)


def replace(path: str, by: str, when: Condition) -> Row:
    return Row(path, when, replaced_by=by)


def alternative(path: str, by: str, when: Condition) -> tuple[Row, Row]:
    """One file per value of a choice: ``by`` is moved over ``path`` when ``when``
    holds, and removed otherwise."""
    return remove(by, lambda answers: not when(answers)), replace(path, by, when)


def uses_redis(answers: Answers) -> bool:
    """Whether an option that keeps state in Redis is chosen (``__uses_redis``)."""
    return bool(
        answers["use_caching"] or answers["use_rate_limiting"] or answers["use_celery"]
    )


# One table for every option. A row whose condition holds must find its path
# (a typo fails the bake instead of shipping a stray file); a row whose
# condition does not hold is skipped. Rows apply in order.
PRUNING: tuple[Row, ...] = (
    # Options' parts of the API and the pages, before an interface removes them whole.
    remove("{package}/api/user_imports.py", lambda a: not a["use_celery"]),
    remove("tests/api/test_user_imports.py", lambda a: not a["use_celery"]),
    remove("tests/api/test_rate_limits.py", lambda a: not a["use_rate_limiting"]),
    remove("tests/main/test_rate_limits.py", lambda a: not a["use_rate_limiting"]),
    # interface: api-only has no HTML side, web-only no JSON API.
    remove("{package}/main", lambda a: a["interface"] == "api-only"),
    remove("{package}/templates", lambda a: a["interface"] == "api-only"),
    remove("{package}/static", lambda a: a["interface"] == "api-only"),
    remove("tests/main", lambda a: a["interface"] == "api-only"),
    remove("tests/e2e/test_browser.py", lambda a: a["interface"] == "api-only"),
    remove("tests/e2e/forms.py", lambda a: a["interface"] == "api-only"),
    remove("{package}/home.py", lambda a: a["interface"] != "api-only"),
    remove("tests/test_home.py", lambda a: a["interface"] != "api-only"),
    remove("{package}/api", lambda a: a["interface"] == "web-only"),
    remove("tests/api", lambda a: a["interface"] == "web-only"),
    remove("tests/e2e/test_hostile_input.py", lambda a: a["interface"] == "web-only"),
    # How the e2e tests act as clients: through the API, or (web-only) the pages.
    *alternative(
        "tests/e2e/client.py",
        by="tests/e2e/client.web-only.py",
        when=lambda a: a["interface"] == "web-only",
    ),
    # frontend: only for the interfaces that have pages.
    remove(
        "{package}/static/src",
        lambda a: a["frontend"] != "tailwind" and a["interface"] != "api-only",
    ),
    remove(
        "{package}/static/css/app.tailwind.css",
        lambda a: a["frontend"] != "tailwind" and a["interface"] != "api-only",
    ),
    replace(
        "{package}/static/css/app.css",
        by="{package}/static/css/app.tailwind.css",
        when=lambda a: a["frontend"] == "tailwind" and a["interface"] != "api-only",
    ),
    # use_caching, use_rate_limiting, use_celery
    remove("{package}/caching.py", lambda a: not a["use_caching"]),
    remove("tests/test_caching.py", lambda a: not a["use_caching"]),
    remove("{package}/rate_limits.py", lambda a: not a["use_rate_limiting"]),
    remove("tests/test_rate_limits.py", lambda a: not a["use_rate_limiting"]),
    remove("{package}/tasks.py", lambda a: not a["use_celery"]),
    remove("worker.py", lambda a: not a["use_celery"]),
    remove("tests/test_tasks.py", lambda a: not a["use_celery"]),
    remove("tests/celery_worker.py", lambda a: not a["use_celery"]),
    remove("tests/e2e/test_celery_shutdown.py", lambda a: not a["use_celery"]),
    # Redis: the setting, and for the tests a server; two instances sharing it:
    # their fixtures, and a test module for each thing they share.
    remove("{package}/redis_config.py", lambda a: not uses_redis(a)),
    remove("tests/test_redis_config.py", lambda a: not uses_redis(a)),
    remove("tests/redis_server.py", lambda a: not uses_redis(a)),
    remove("tests/e2e/two_instances.py", lambda a: not uses_redis(a)),
    remove(
        "tests/e2e/test_sessions_across_instances.py",
        lambda a: not uses_redis(a) or a["interface"] == "api-only",
    ),
    remove(
        "tests/e2e/test_caching_across_instances.py",
        lambda a: not a["use_caching"],
    ),
    remove(
        "tests/e2e/test_rate_limits_across_instances.py",
        lambda a: not a["use_rate_limiting"],
    ),
    remove(
        "tests/e2e/test_tasks_across_instances.py",
        lambda a: not a["use_celery"] or a["interface"] == "web-only",
    ),
    # observability: observability.py and its tests are Sentry's; OpenTelemetry's
    # replace them.
    *alternative(
        "{package}/observability.py",
        by="{package}/observability.opentelemetry.py",
        when=lambda a: a["observability"] == "opentelemetry",
    ),
    *alternative(
        "tests/test_observability.py",
        by="tests/test_observability.opentelemetry.py",
        when=lambda a: a["observability"] == "opentelemetry",
    ),
    remove("{package}/observability.py", lambda a: a["observability"] == "none"),
    remove("tests/test_observability.py", lambda a: a["observability"] == "none"),
    remove("tests/collector.py", lambda a: a["observability"] == "none"),
    # database_provider
    remove("{package}/neon.py", lambda a: a["database_provider"] != "neon"),
    remove("tests/test_neon.py", lambda a: a["database_provider"] != "neon"),
    # use_docker
    remove("Dockerfile", lambda a: not a["use_docker"]),
    remove(".dockerignore", lambda a: not a["use_docker"]),
    remove("compose.yaml", lambda a: not a["use_docker"]),
    remove("deploy", lambda a: not a["use_docker"]),
    # ci_provider
    remove(".github", lambda a: a["ci_provider"] != "github"),
    remove(".gitlab-ci.yml", lambda a: a["ci_provider"] != "gitlab"),
)


def resolve(project_dir: Path, path: str, package: str) -> Path:
    """The file or directory a table path names inside ``project_dir``."""
    relative = PurePosixPath(path.replace("{package}", package))
    if relative.is_absolute() or ".." in relative.parts or "{" in str(relative):
        raise HookError(f"pruning path {path!r} is not a plain relative path")
    return project_dir.joinpath(*relative.parts)


def applies(row: Row, answers: Answers) -> bool:
    try:
        return bool(row.when(answers))
    except KeyError as missing:
        raise HookError(
            f"the pruning row for {row.path!r} reads an answer that does not "
            f"exist: {missing}"
        ) from None


def prune(
    project_dir: Path, answers: Answers, table: tuple[Row, ...] = PRUNING
) -> None:
    """Apply every row of ``table`` whose condition holds for ``answers``."""
    package = str(answers["package_name"])
    for row in table:
        if not applies(row, answers):
            continue
        target = resolve(project_dir, row.path, package)
        if row.replaced_by is not None:
            source = resolve(project_dir, row.replaced_by, package)
            for needed in (source, target):
                if not needed.is_file():
                    raise HookError(
                        f"{needed.relative_to(project_dir)} is missing, so it "
                        f"cannot be replaced as the table says"
                    )
            os.replace(source, target)
        elif target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        else:
            raise HookError(
                f"{target.relative_to(project_dir)} is missing, so it cannot be "
                "removed as the table says"
            )
