"""Finish the baked project: prune what the answers leave out, prune the locked
dependencies to the project's own, write ``.env`` with a fresh secret key, and
record the answers in ``.cruft.json``.

cookiecutter renders this file with Jinja and runs it with the new project
directory as its working directory. The answers arrive once, as JSON, in the
raw string at the bottom (see pre_gen_project.py for why that is safe). It
never touches the network, imports nothing from the project and starts no
processes. Everything above the ``__main__`` guard is plain Python that the
template's tests import directly.

What each option leaves out of the project is one row in ``PRUNING``. When
everything is done it tells the user, on stdout, what was made and the two
commands that run it (errors go to stderr).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10, on which cookiecutter still runs
    tomllib = None

Answers = Mapping[str, Any]
Condition = Callable[[Answers], bool]

ENV_EXAMPLE = ".env.example"
ENV_FILE = ".env"
SECRET_KEY_BYTES = 48
_SECRET_KEY = "SECRET_KEY="

CRUFT_FILE = ".cruft.json"
# cookiecutter adds these to the answers for the current run only (where it
# wrote the project, where the template was on this machine, the --checkout
# flag); cruft does not record them among the answers, and neither do we.
_RUN_ONLY_KEYS = frozenset({"_output_dir", "_repo_dir", "_checkout"})
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class HookError(RuntimeError):
    """Something the user must know about; ``str()`` is the line to show them."""


# What the answers leave out.


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


# One table for every option. A row whose condition holds must find its path
# (a typo fails the bake instead of shipping a stray file); a row whose
# condition does not hold is skipped. Rows apply in order.
PRUNING: tuple[Row, ...] = (
    # interface: api-only has no HTML side, web-only no JSON API.
    remove("{package}/main", lambda a: a["interface"] == "api-only"),
    remove("{package}/templates", lambda a: a["interface"] == "api-only"),
    remove("{package}/static", lambda a: a["interface"] == "api-only"),
    remove("tests/main", lambda a: a["interface"] == "api-only"),
    remove("tests/e2e/test_browser.py", lambda a: a["interface"] == "api-only"),
    remove("{package}/home.py", lambda a: a["interface"] != "api-only"),
    remove("tests/test_home.py", lambda a: a["interface"] != "api-only"),
    remove("{package}/api", lambda a: a["interface"] == "web-only"),
    remove("tests/api", lambda a: a["interface"] == "web-only"),
    remove("tests/e2e/test_hostile_input.py", lambda a: a["interface"] == "web-only"),
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
    remove(
        "tests/e2e/test_multi_instance.py",
        lambda a: not (a["use_caching"] or a["use_rate_limiting"] or a["use_celery"]),
    ),
    # observability
    remove("{package}/observability.py", lambda a: a["observability"] == "none"),
    remove("tests/test_observability.py", lambda a: a["observability"] == "none"),
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


# The private .env.


def new_secret_key() -> str:
    return secrets.token_urlsafe(SECRET_KEY_BYTES)


def render_env(example: str, secret_key: str) -> str:
    """Return ``example`` with the value of its one ``SECRET_KEY=`` line replaced."""
    lines = example.split("\n")
    found = [i for i, line in enumerate(lines) if line.startswith(_SECRET_KEY)]
    if not found:
        raise HookError(f"{ENV_EXAMPLE} has no {_SECRET_KEY} line to fill in")
    if len(found) > 1:
        raise HookError(f"{ENV_EXAMPLE} has {len(found)} {_SECRET_KEY} lines, not one")
    (index,) = found
    carriage_return = "\r" if lines[index].endswith("\r") else ""
    lines[index] = f"{_SECRET_KEY}{secret_key}{carriage_return}"
    return "\n".join(lines)


def write_env(project_dir: Path) -> Path:
    """Create ``.env`` (mode 0600) from ``.env.example``; keep an existing ``.env``.

    An existing ``.env`` only happens when re-baking over a project
    (``cookiecutter -f``), and it may hold real credentials by then.
    """
    example_path = project_dir / ENV_EXAMPLE
    env_path = project_dir / ENV_FILE
    if env_path.exists():
        return env_path
    try:
        example = example_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HookError(f"{ENV_EXAMPLE} is missing from the project") from None
    content = render_env(example, new_secret_key())
    # Created 0600 from the start, so the secret is never readable by others.
    fd = os.open(env_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as env_file:
        os.fchmod(env_file.fileno(), 0o600)
        env_file.write(content)
    return env_path


# The answers, for cruft.


def template_directory(repo_dir: str | None) -> Path | None:
    """The template's directory on this machine, or None when it has none.

    cookiecutter passes ``_repo_dir`` as typed (``.``, say) but runs this hook
    inside the new project, while its own working directory is the template.
    A relative path is therefore found through cookiecutter's working directory
    (Linux's /proc) or, failing that, relative to the shell's PWD.
    """
    if not repo_dir:
        return None
    path = Path(repo_dir).expanduser()
    if not path.is_absolute():
        try:
            path = Path(os.readlink(f"/proc/{os.getppid()}/cwd"))
        except OSError:
            shell_directory = os.environ.get("PWD", "")
            if not os.path.isabs(shell_directory):
                return None
            path = Path(shell_directory) / path
    if not (path / "cookiecutter.json").is_file():
        return None
    return path.resolve()


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def git_head_commit(checkout: Path) -> str | None:
    """The commit checked out in ``checkout``, read from its .git without git.

    Handles a .git directory or a ``gitdir:`` file (worktrees, submodules),
    a detached HEAD, loose refs and packed-refs; None for anything else.
    """
    dot_git = checkout / ".git"
    if dot_git.is_dir():
        git_dir = dot_git
    else:
        pointer = _read_text(dot_git) or ""
        if not pointer.startswith("gitdir: "):
            return None
        git_dir = (checkout / pointer.removeprefix("gitdir: ")).resolve()
    common = _read_text(git_dir / "commondir")
    common_dir = (git_dir / common).resolve() if common else git_dir

    head = _read_text(git_dir / "HEAD") or ""
    if _SHA.fullmatch(head):
        return head
    if not head.startswith("ref: "):
        return None
    ref = head.removeprefix("ref: ")
    for refs_dir in (git_dir, common_dir):
        loose = _read_text(refs_dir / ref)
        if loose is not None and _SHA.fullmatch(loose):
            return loose
    for line in (_read_text(common_dir / "packed-refs") or "").splitlines():
        commit, _, name = line.partition(" ")
        if name == ref and _SHA.fullmatch(commit):
            return commit
    return None


def git_origin_url(checkout: Path) -> str | None:
    """The URL of the ``origin`` remote in ``checkout``'s .git/config, if any."""
    config = _read_text(checkout / ".git" / "config") or ""
    in_origin = False
    for line in config.splitlines():
        line = line.strip()
        if line.startswith("["):
            in_origin = line.replace(" ", "") == '[remote"origin"]'
        elif in_origin and line.partition("=")[0].strip() == "url":
            return line.partition("=")[2].strip() or None
    return None


def cruft_record(answers: Answers) -> dict[str, Any]:
    """What ``cruft create`` would have written for these answers."""
    template = answers.get("_template")
    repo_dir = template_directory(answers.get("_repo_dir"))
    if repo_dir is not None and template == answers.get("_repo_dir"):
        # A local template: recorded as an absolute path, as cruft does, so
        # that `cruft update` finds it from anywhere.
        template = str(repo_dir)
    elif repo_dir is not None:
        # A template cookiecutter cloned: cruft clones it again itself, but
        # knows neither cookiecutter's abbreviations (gh:owner/name) nor its
        # git+ prefixes, so record the URL the clone came from.
        template = git_origin_url(repo_dir) or template
    commit = git_head_commit(repo_dir) if repo_dir is not None else None
    context = {
        k: v
        for k, v in answers.items()
        if k not in _RUN_ONLY_KEYS and k not in ("_template", "_commit")
    }
    # Last, in this order, as cruft records them.
    context["_template"] = template
    context["_commit"] = commit
    return {
        "template": template,
        "commit": commit,
        "checkout": answers.get("_checkout"),
        "context": {"cookiecutter": context},
        "directory": None,
        # A fresh secret per bake: `cruft update` must never diff or patch it.
        "skip": [ENV_FILE],
    }


def run_by_cruft(answers: Answers) -> bool:
    # cruft adds _commit to the answers; cookiecutter never does.
    return "_commit" in answers


def write_cruft_file(project_dir: Path, answers: Answers) -> Path | None:
    """Write ``.cruft.json``, unless cruft is running the template: it writes
    its own after ``cruft create`` and ``cruft update``, and leaves it out of
    the projects it regenerates to diff against."""
    if run_by_cruft(answers):
        return None
    path = project_dir / CRUFT_FILE
    text = json.dumps(cruft_record(answers), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


# The locked dependencies.
#
# The template ships one lock for every option's dependencies at once
# (scripts/lock.py writes it with `uv pip compile`). Each bake keeps only what
# its own pyproject.toml needs: a package stays when pyproject.toml asks for it
# or when uv's "# via" annotation names a package that stays.

LOCK_FILE = "requirements.lock"
DEV_LOCK_FILE = "requirements-dev.lock"
PYPROJECT = "pyproject.toml"
# How uv names, in "# via", the pyproject.toml a requirement came from.
_FROM_PYPROJECT = " (pyproject.toml)"
_DISTRIBUTION_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_PIN_LINE = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==[^\s;\\]+")
_QUOTED_REQUIREMENT = re.compile(r'"([^"\\]*)",?')


def canonical_name(name: str) -> str:
    """A distribution's name as PyPI compares it: Flask-WTF, flask_wtf and
    flask.wtf are all flask-wtf."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    """The canonical name a requirement such as ``sentry-sdk[flask]>=2,<3`` asks for."""
    match = _DISTRIBUTION_NAME.match(requirement.strip())
    if match is None:
        raise HookError(f"{requirement!r} in {PYPROJECT} names no package")
    return canonical_name(match.group())


def project_requirements(text: str) -> tuple[list[str], list[str]]:
    """The requirements of a pyproject.toml: its dependencies and its dev extra."""
    if tomllib is None:
        return _read_requirement_arrays(text)
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError as error:
        raise HookError(f"{PYPROJECT} is not valid TOML: {error}") from None
    extras = project.get("optional-dependencies", {})
    return list(project.get("dependencies", [])), list(extras.get("dev", []))


def _read_requirement_arrays(text: str) -> tuple[list[str], list[str]]:
    """What ``project_requirements`` reads, without tomllib (before Python 3.11):
    the two arrays as this template writes them, one quoted requirement a line."""
    wanted = {
        ("project", "dependencies"): [],
        ("project.optional-dependencies", "dev"): [],
    }
    table = ""
    filling: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if filling is not None:
            quoted = _QUOTED_REQUIREMENT.fullmatch(stripped)
            if stripped == "]":
                filling = None
            elif quoted is not None:
                filling.append(quoted.group(1))
            elif stripped and not stripped.startswith("#"):
                raise HookError(
                    f"cannot read {stripped!r} in {PYPROJECT} without tomllib; "
                    "run cookiecutter with Python 3.11 or newer"
                )
        elif stripped.startswith("["):
            table = stripped.strip("[]").strip()
        else:
            key, equals, value = (part.strip() for part in stripped.partition("="))
            if equals and (table, key) in wanted:
                if value != "[":
                    raise HookError(
                        f"cannot read {table}.{key} in {PYPROJECT} without tomllib; "
                        "run cookiecutter with Python 3.11 or newer"
                    )
                filling = wanted[(table, key)]
    runtime, dev = wanted.values()
    return runtime, dev


@dataclass(frozen=True)
class Pin:
    """One package of a lock: its pin line and hash lines as uv wrote them, and
    the entries of its "# via" annotation (what needs it)."""

    name: str
    lines: tuple[str, ...]
    via: tuple[str, ...]

    def render(self) -> list[str]:
        if len(self.via) == 1:
            return [*self.lines, f"    # via {self.via[0]}"]
        if self.via:
            return [*self.lines, "    # via", *(f"    #   {e}" for e in self.via)]
        return list(self.lines)


@dataclass(frozen=True)
class Lock:
    """A requirements file in uv's pip-compile format: a comment header, then
    one block per pinned package."""

    header: tuple[str, ...]
    pins: tuple[Pin, ...]

    def render(self) -> str:
        lines = list(self.header)
        for pin in self.pins:
            lines.extend(pin.render())
        return "\n".join(lines) + "\n"


def parse_lock(text: str, source: str = LOCK_FILE) -> Lock:
    """Read a lock written by ``uv pip compile --generate-hashes``; anything
    else in it is an error, so that pruning never drops what it did not read."""
    header: list[str] = []
    pins: list[Pin] = []
    lines: list[str] = []
    via: list[str] = []
    state = "header"

    def finish() -> None:
        if lines:
            name = canonical_name(_PIN_LINE.match(lines[0]).group("name"))
            pins.append(Pin(name, tuple(lines), tuple(via)))
        lines.clear()
        via.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if state == "header" and (not stripped or line.startswith("#")):
            header.append(line)
        elif line[:1] not in ("", " ", "\t", "#") and _PIN_LINE.match(line):
            finish()
            lines.append(line)
            state = "hashes"
        elif state == "hashes" and stripped.startswith("--hash="):
            lines.append(line)
        elif state in ("hashes", "via-list") and stripped.split(" ")[:2] == [
            "#",
            "via",
        ]:
            entry = stripped.removeprefix("# via").strip()
            if entry:
                via.append(entry)
                state = "via-done"
            else:
                state = "via-list"
        elif state == "via-list" and line[:1] == " " and stripped.startswith("#"):
            via.append(stripped.removeprefix("#").strip())
        elif not stripped and state != "header":
            continue  # a blank line between or after the blocks
        else:
            raise HookError(f"{source}, line {number}: unexpected {line!r}")
    finish()
    return Lock(tuple(header), tuple(pins))


def prune_locks(
    runtime: Lock,
    dev: Lock,
    runtime_requirements: list[str],
    dev_requirements: list[str],
) -> tuple[Lock, Lock]:
    """Keep what the requirements need: in the runtime lock, everything the
    runtime requirements need; in the dev lock, what the dev requirements add.

    A package moves between the two when the template's lock has it at run
    time only for options this bake lacks. "# via" entries naming a package
    that is not kept, or pyproject.toml for a package this pyproject.toml does
    not ask for, are dropped; each block is otherwise kept as uv wrote it.
    """
    pins = (*runtime.pins, *dev.pins)
    needed_by: dict[str, set[str]] = {}
    for pin in pins:
        for entry in pin.via:
            if _DISTRIBUTION_NAME.fullmatch(entry):
                needed_by.setdefault(canonical_name(entry), set()).add(pin.name)

    def closure(roots: set[str]) -> set[str]:
        found: set[str] = set()
        pending = list(roots)
        while pending:
            name = pending.pop()
            if name not in found:
                found.add(name)
                pending.extend(needed_by.get(name, ()))
        return found

    runtime_roots = {requirement_name(r) for r in runtime_requirements}
    roots = runtime_roots | {requirement_name(r) for r in dev_requirements}
    missing = sorted(roots - {pin.name for pin in pins})
    if missing:
        raise HookError(
            f"{LOCK_FILE} and {DEV_LOCK_FILE} pin no {', '.join(missing)}, which "
            f"{PYPROJECT} requires; run scripts/lock.py in the template"
        )
    at_run_time = closure(runtime_roots)
    everything = closure(roots)

    def annotated(pin: Pin) -> Pin:
        def stays(entry: str) -> bool:
            if _DISTRIBUTION_NAME.fullmatch(entry):
                return canonical_name(entry) in everything
            if entry.endswith(_FROM_PYPROJECT):
                return pin.name in roots
            return True  # a -r or -c file

        return Pin(pin.name, pin.lines, tuple(e for e in pin.via if stays(e)))

    def lock(header: tuple[str, ...], names: set[str]) -> Lock:
        kept = sorted((p for p in pins if p.name in names), key=lambda p: p.name)
        return Lock(header, tuple(annotated(pin) for pin in kept))

    return (
        lock(runtime.header, at_run_time),
        lock(dev.header, everything - at_run_time),
    )


def prune_lock_files(project_dir: Path) -> None:
    """Prune the project's two locks to its pyproject.toml, in place."""
    texts = {}
    for name in (PYPROJECT, LOCK_FILE, DEV_LOCK_FILE):
        try:
            texts[name] = (project_dir / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise HookError(f"{name} is missing from the project") from None
    runtime, dev = prune_locks(
        parse_lock(texts[LOCK_FILE], LOCK_FILE),
        parse_lock(texts[DEV_LOCK_FILE], DEV_LOCK_FILE),
        *project_requirements(texts[PYPROJECT]),
    )
    for name, lock in ((LOCK_FILE, runtime), (DEV_LOCK_FILE, dev)):
        (project_dir / name).write_text(lock.render(), encoding="utf-8")


# What the user is told.

# The baked README's "Run it locally", word for word: both run in the project
# directory (tests/test_bake.py fails when the two drift apart).
RUN_LOCALLY = (
    "python3 -m venv .venv && .venv/bin/pip install --require-hashes --no-deps "
    "-r requirements.lock -r requirements-dev.lock "
    "&& .venv/bin/pip install --no-deps -e .",
    ". .venv/bin/activate && flask local-db start && flask db upgrade && flask run",
)
# Where `flask run` serves by default.
LOCAL_URL = "http://127.0.0.1:5000"

_PAGES = {
    "tailwind": "HTML pages styled with Tailwind CSS",
    "plain-css": "HTML pages styled with plain CSS",
}
_DATABASES = {"postgres": "PostgreSQL", "neon": "Neon PostgreSQL"}
_OBSERVABILITY = {"none": None, "sentry": "Sentry", "opentelemetry": "OpenTelemetry"}
_CI = {"github": "GitHub Actions CI", "gitlab": "GitLab CI", "none": None}


def _listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def summary(answers: Answers) -> str:
    """The options that shape the project, in one line."""
    serves = []
    if answers["interface"] != "api-only":
        serves.append(_PAGES[answers["frontend"]])
    if answers["interface"] != "web-only":
        serves.append("a JSON API")
    extras = [
        name
        for name, chosen in (
            ("caching", answers["use_caching"]),
            ("rate limits", answers["use_rate_limiting"]),
            ("Celery", answers["use_celery"]),
            (_OBSERVABILITY[answers["observability"]], True),
            ("Docker", answers["use_docker"]),
            (_CI[answers["ci_provider"]], True),
        )
        if name and chosen
    ]
    with_extras = f", with {_listed(extras)}" if extras else ""
    return (
        f"{_listed(serves)} on {_DATABASES[answers['database_provider']]}"
        f"{with_extras} (package {answers['package_name']}, "
        f"{answers['open_source_license']} license)"
    )


def shell_directory() -> Path | None:
    """The directory the user ran cookiecutter in, as their shell says (PWD):
    cookiecutter runs hooks from other directories and tells them nothing."""
    directory = os.environ.get("PWD", "")
    return Path(directory) if os.path.isabs(directory) else None


def path_from(directory: Path | None, path: Path) -> str:
    """``path`` as the user types it in ``directory``: relative below it,
    absolute elsewhere; quoted for a POSIX shell."""
    if directory is not None:
        try:
            return shlex.quote(str(path.resolve().relative_to(directory.resolve())))
        except ValueError:
            pass
    return shlex.quote(str(path.resolve()))


def next_steps(project_dir: Path, answers: Answers, directory: Path | None) -> str:
    """What was made, and the commands that run it."""
    commands = [f"cd {path_from(directory, project_dir)}", *RUN_LOCALLY]
    return "\n".join(
        [
            f"Created {project_dir.resolve()}",
            f"  {summary(answers)}",
            "",
            "Run it locally:",
            *(f"  {command}" for command in commands),
            "",
            f"The app then answers at {LOCAL_URL}. The project's README.md says how to",
            "run its tests, and everything else.",
        ]
    )


# The hook.


def main(answers: Answers, project_dir: Path, directory: Path | None = None) -> int:
    steps: list[tuple[str, Callable[[], object]]] = [
        ("prune the project", lambda: prune(project_dir, answers)),
        ("prune the locked dependencies", lambda: prune_lock_files(project_dir)),
        (f"write {ENV_FILE}", lambda: write_env(project_dir)),
        (f"write {CRUFT_FILE}", lambda: write_cruft_file(project_dir, answers)),
    ]
    for what, step in steps:
        try:
            step()
        except (HookError, OSError) as failure:
            print(f"error: could not {what}: {failure}", file=sys.stderr)
            return 1
    # cruft also runs the template to regenerate copies for `cruft diff` and
    # `cruft update`, in temporary directories nobody should cd into.
    if not run_by_cruft(answers):
        print(next_steps(project_dir, answers, shell_directory()))
    return 0


if __name__ == "__main__":
    # Single quotes on purpose: tojson never emits one, but it emits plenty of ".
    sys.exit(main(json.loads(r'{{ cookiecutter | tojson }}'), Path.cwd()))  # fmt: skip
