"""The locked dependencies: one lock for every option, pruned to each bake.

The template ships requirements.lock (runtime) and requirements-dev.lock (what
the dev extra adds) for the dependencies of every option at once, written by
scripts/lock.py; the post-generation hook keeps what the bake's pyproject.toml
needs by following uv's "# via" annotations. What this guarantees:

- the pruning itself, on small synthetic locks (no baking);
- for every matrix row, every requirement of the baked pyproject.toml pinned
  at a version it accepts, and nothing else left in the locks;
- the template's locks cover everything the matrix asks for and match a fresh
  resolution at their recorded time (that one needs PyPI);
- for the representative rows, the locks alone install a closed environment
  (``venv_for`` in conftest.py runs ``uv pip check``) holding exactly what the
  packages' own metadata requires, and the runtime lock alone serves the app.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import importlib.util
import re
import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from template_hooks import locks, requirements
from template_hooks.errors import HookError

from conftest import (
    CHECK_INSTALLED,
    INSTALL_RUNTIME,
    PRODUCTION_SETTINGS,
    ROOT,
    TEMPLATE_DIR,
    THROUGH_THE_PROXY,
    Bake,
    gunicorn,
    new_venv,
    postgresql,
    run,
    tail,
    uv_pip,
)
from matrix import MATRIX, REPRESENTATIVE

LOCK = "requirements.lock"
DEV_LOCK = "requirements-dev.lock"
LOCK_SCRIPT = ROOT / "scripts" / "lock.py"
REGENERATE = "run `.venv/bin/python scripts/lock.py` and commit the result"
# What uv writes in "# via" for a package the (synthetic) pyproject.toml asks for.
ROOT_ENTRY = "service (pyproject.toml)"


@pytest.fixture(scope="module")
def lock_script() -> ModuleType:
    """scripts/lock.py (scripts/ is on the tests' path: see pyproject.toml)."""
    import lock

    return lock


# Pruning, on synthetic locks in uv's format.


def block(pin: str, *via: str) -> str:
    """One package as uv writes it: the pin line, a hash, and what needs it."""
    lines = [f"{pin} \\", f"    --hash=sha256:{'ab' * 32}"]
    if len(via) == 1:
        lines.append(f"    # via {via[0]}")
    elif via:
        lines += ["    # via", *(f"    #   {entry}" for entry in via)]
    return "\n".join(lines) + "\n"


def lock_text(*blocks: str, header: str = "# a header\n# exclude-newer: 2026\n") -> str:
    return header + "".join(blocks)


def pruned(
    runtime: str,
    dev: str = "",
    runtime_requirements: Iterable[str] = (),
    dev_requirements: Iterable[str] = (),
) -> tuple[str, str]:
    runtime_lock, dev_lock = locks.prune_locks(
        locks.parse_lock(runtime, LOCK),
        locks.parse_lock(dev, DEV_LOCK),
        list(runtime_requirements),
        list(dev_requirements),
    )
    return runtime_lock.render(), dev_lock.render()


def pinned_names(text: str) -> list[str]:
    return [line.split("==")[0] for line in text.splitlines() if line[:1].isalnum()]


DIAMOND = lock_text(
    block("bottom==1.0", "left", "right"),
    block("left==1.0", ROOT_ENTRY, "top"),
    block("other==1.0", ROOT_ENTRY),
    block("right==1.0", "top"),
    block("top==1.0", ROOT_ENTRY),
)


def test_pruning_keeps_a_diamond_below_a_requirement() -> None:
    runtime, dev = pruned(DIAMOND, runtime_requirements=["top>=1"])
    assert runtime == lock_text(
        block("bottom==1.0", "left", "right"),
        # Not asked for by this pyproject.toml, only by top.
        block("left==1.0", "top"),
        block("right==1.0", "top"),
        block("top==1.0", ROOT_ENTRY),
    )
    assert dev == "\n"


def test_pruning_drops_via_entries_for_packages_it_drops() -> None:
    runtime, _ = pruned(DIAMOND, runtime_requirements=["left", "other"])
    assert runtime == lock_text(
        block("bottom==1.0", "left"),
        block("left==1.0", ROOT_ENTRY),
        block("other==1.0", ROOT_ENTRY),
    )


def test_pruning_keeps_blocks_and_header_as_uv_wrote_them() -> None:
    everything = ["top", "left", "other"]
    runtime, _ = pruned(DIAMOND, runtime_requirements=everything)
    assert runtime == DIAMOND


def test_pruning_names_the_pyproject_only_for_what_this_pyproject_asks_for() -> None:
    lock = lock_text(
        block("flask==3.1.3", ROOT_ENTRY, "sentry-sdk"),
        block("sentry-sdk==2.75.0", ROOT_ENTRY),
    )
    runtime, _ = pruned(lock, runtime_requirements=["sentry-sdk[flask]"])
    assert runtime == lock_text(
        block("flask==3.1.3", "sentry-sdk"), block("sentry-sdk==2.75.0", ROOT_ENTRY)
    )


def test_a_requirement_with_extras_keeps_what_its_extras_pulled_in() -> None:
    lock = lock_text(
        block("blinker==1.9.0", "sentry-sdk"),
        block("celery==5.7.0", ROOT_ENTRY),
        block("kombu==5.7.0", "celery"),
        block("redis==8.1.0", "kombu"),
        block("sentry-sdk==2.75.0", ROOT_ENTRY),
    )
    runtime, _ = pruned(
        lock, runtime_requirements=["sentry-sdk[flask]>=2", "celery[redis]"]
    )
    assert runtime == lock


def test_a_package_an_extra_pulled_in_stays_with_its_parent() -> None:
    # "# via kombu" does not say that only kombu[redis] needs redis, so a bake
    # asking for celery without the extra keeps redis too: never too little.
    # The template asks for each package with the same extras in every bake
    # (test_each_package_is_asked_for_with_the_same_extras_everywhere).
    lock = lock_text(
        block("celery==5.7.0", ROOT_ENTRY),
        block("kombu==5.7.0", "celery"),
        block("redis==8.1.0", "kombu"),
    )
    runtime, _ = pruned(lock, runtime_requirements=["celery>=5.4"])
    assert pinned_names(runtime) == ["celery", "kombu", "redis"]


def test_pruning_keeps_environment_markers_and_forked_pins() -> None:
    lock = lock_text(
        block("deprecated==1.3.1 ; python_full_version < '3.12'", "limits"),
        block("deprecated==3.0.1 ; python_full_version >= '3.12'", "limits"),
        block("limits==5.8.0", ROOT_ENTRY),
        block("tzdata==2026.6 ; sys_platform == 'win32'", "kombu"),
    )
    runtime, _ = pruned(lock, runtime_requirements=["limits"])
    assert runtime == lock_text(
        block("deprecated==1.3.1 ; python_full_version < '3.12'", "limits"),
        block("deprecated==3.0.1 ; python_full_version >= '3.12'", "limits"),
        block("limits==5.8.0", ROOT_ENTRY),
    )


@pytest.mark.parametrize(
    "requirement", ["flask-wtf>=1.2", "Flask-WTF>=1.2", "flask_wtf", "Flask.WTF ~= 1.2"]
)
@pytest.mark.parametrize("pin", ["flask-wtf==1.3.0", "Flask_WTF==1.3.0"])
def test_names_match_however_they_are_spelt(requirement, pin) -> None:
    lock = lock_text(block(pin, ROOT_ENTRY), block("wtforms==3.3.2", "Flask-WTF"))
    runtime, _ = pruned(lock, runtime_requirements=[requirement])
    assert pinned_names(runtime) == [pin.split("==")[0], "wtforms"]


def test_a_package_only_the_dev_tools_need_moves_to_the_dev_lock() -> None:
    # In the template's lock, packaging is a runtime dependency (of limits);
    # a bake without limits needs it for pytest only.
    runtime = lock_text(
        block("flask==3.1.3", ROOT_ENTRY),
        block("limits==5.8.0", ROOT_ENTRY),
        block("packaging==26.3", "limits", "pytest"),
    )
    dev = lock_text(block("pytest==9.2.0", ROOT_ENTRY), header="# dev header\n")
    new_runtime, new_dev = pruned(runtime, dev, ["flask"], ["pytest"])
    assert new_runtime == lock_text(block("flask==3.1.3", ROOT_ENTRY))
    assert new_dev == lock_text(
        block("packaging==26.3", "pytest"),
        block("pytest==9.2.0", ROOT_ENTRY),
        header="# dev header\n",
    )


def test_what_runtime_and_dev_tools_share_stays_in_the_runtime_lock() -> None:
    runtime = lock_text(
        block("limits==5.8.0", ROOT_ENTRY), block("packaging==26.3", "limits", "pytest")
    )
    dev = lock_text(block("pytest==9.2.0", ROOT_ENTRY))
    new_runtime, new_dev = pruned(runtime, dev, ["limits"], ["pytest"])
    assert new_runtime == runtime
    assert new_dev == dev


def test_requirement_files_named_in_via_are_kept() -> None:
    lock = lock_text(block("flask==3.1.3", "-c constraints.txt", ROOT_ENTRY))
    runtime, _ = pruned(lock, runtime_requirements=["flask"])
    assert runtime == lock


def test_pruning_refuses_a_requirement_the_locks_do_not_pin() -> None:
    with pytest.raises(HookError) as refused:
        pruned(DIAMOND, runtime_requirements=["top", "Flask_Caching>=2"])
    assert str(refused.value) == (
        "requirements.lock and requirements-dev.lock pin no flask-caching, which "
        "pyproject.toml requires; run scripts/lock.py in the template"
    )


_AFTER_DIAMOND = len(DIAMOND.splitlines()) + 1


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (DIAMOND + "# The following packages were excluded:\n", _AFTER_DIAMOND),
        (DIAMOND.replace("    --hash", "    --sha", 1), 4),
        (DIAMOND + "-e ./local\n", _AFTER_DIAMOND),
        (DIAMOND + "    --hash=sha256:00\n", _AFTER_DIAMOND),
    ],
)
def test_a_lock_that_is_not_uv_output_is_refused_with_its_line(text, line) -> None:
    with pytest.raises(HookError, match=rf"^requirements\.lock, line {line}: "):
        locks.parse_lock(text, LOCK)


# Reading pyproject.toml, with and without tomllib.


def test_requirements_are_read_the_same_without_tomllib(
    bake: Bake, monkeypatch
) -> None:
    texts = {
        row: (bake(answers) / "pyproject.toml").read_text(encoding="utf-8")
        for row, answers in MATRIX.items()
    }
    with_tomllib = {
        row: requirements.project_requirements(t) for row, t in texts.items()
    }
    # As on Python 3.10, which cookiecutter still runs on.
    monkeypatch.setattr(requirements, "tomllib", None)
    without = {row: requirements.project_requirements(t) for row, t in texts.items()}
    assert without == with_tomllib


@pytest.mark.parametrize(
    "pyproject",
    [
        '[project]\ndependencies = ["flask"]\n',
        '[project]\ndependencies = [\n    "flask", "click",\n]\n',
        "[project.optional-dependencies]\ndev = [\n    'pytest',\n]\n",
    ],
)
def test_a_pyproject_this_template_would_not_write_is_refused_without_tomllib(
    pyproject,
) -> None:
    with pytest.raises(HookError, match="without tomllib; run cookiecutter"):
        requirements._read_requirement_arrays(pyproject)


def test_the_hook_fails_when_a_lock_is_missing(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    (tmp_path / LOCK).write_text("", encoding="utf-8")
    with pytest.raises(HookError, match=rf"^{DEV_LOCK} is missing"):
        locks.prune_lock_files(tmp_path)


# Every bake of the matrix.


def requirements_of(project: Path) -> tuple[list[Requirement], list[Requirement]]:
    metadata = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    runtime = metadata["project"]["dependencies"]
    dev = metadata["project"].get("optional-dependencies", {}).get("dev", [])
    return [Requirement(r) for r in runtime], [Requirement(r) for r in dev]


def pins(path: Path) -> dict[str, list[str]]:
    """Each package a lock pins, with its pinned versions (more when forked)."""
    found: dict[str, list[str]] = {}
    for pin in locks.parse_lock(path.read_text(encoding="utf-8"), path.name).pins:
        version = re.match(r"[^=]+==([^\s;\\]+)", pin.lines[0]).group(1)
        found.setdefault(pin.name, []).append(version)
    return found


def via_graph(*paths: Path) -> dict[str, set[str]]:
    """For each package the locks pin, the pinned packages it needs."""
    needs: dict[str, set[str]] = {}
    for path in paths:
        lock = locks.parse_lock(path.read_text(encoding="utf-8"), path.name)
        for pin in lock.pins:
            needs.setdefault(pin.name, set())
            for entry in pin.via:
                if " " not in entry and not entry.startswith("-"):
                    needs.setdefault(canonicalize_name(entry), set()).add(pin.name)
    return needs


def reachable(graph: dict[str, set[str]], roots: Iterable[str]) -> set[str]:
    found: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending.extend(graph.get(name, ()))
    return found


@pytest.fixture(params=list(MATRIX), scope="module")
def row(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def project(row: str, bake: Bake) -> Path:
    return bake(MATRIX[row])


def test_every_requirement_is_pinned_at_a_version_it_accepts(project: Path) -> None:
    runtime, dev = requirements_of(project)
    at_run_time = pins(project / LOCK)
    # A dev tool that is also a runtime dependency is pinned once, at run time.
    for_development = {**pins(project / DEV_LOCK), **at_run_time}
    wrong = []
    for asked, pinned, where in (
        (runtime, at_run_time, LOCK),
        (dev, for_development, f"{LOCK} or {DEV_LOCK}"),
    ):
        for requirement in asked:
            versions = pinned.get(canonicalize_name(requirement.name), [])
            if not versions:
                wrong.append(f"{requirement}: not pinned in {where}")
            wrong += [
                f"{requirement}: {where} pins {version}"
                for version in versions
                if not requirement.specifier.contains(
                    Version(version), prereleases=True
                )
            ]
    assert wrong == [], REGENERATE


def test_locks_hold_nothing_the_requirements_do_not_need(project: Path) -> None:
    runtime, dev = requirements_of(project)
    # What needs what, by the template's locks before pruning.
    graph = via_graph(TEMPLATE_DIR / LOCK, TEMPLATE_DIR / DEV_LOCK)
    at_run_time = reachable(graph, (canonicalize_name(r.name) for r in runtime))
    everything = reachable(graph, (canonicalize_name(r.name) for r in [*runtime, *dev]))
    assert set(pins(project / LOCK)) == at_run_time
    assert set(pins(project / DEV_LOCK)) == everything - at_run_time


def test_via_annotations_name_only_what_the_bake_has(project: Path) -> None:
    runtime, dev = requirements_of(project)
    asked_for = {canonicalize_name(r.name) for r in [*runtime, *dev]}
    baked = [
        locks.parse_lock((project / name).read_text(encoding="utf-8"), name)
        for name in (LOCK, DEV_LOCK)
    ]
    pinned = {pin.name for lock in baked for pin in lock.pins}
    wrong = []
    for pin in (pin for lock in baked for pin in lock.pins):
        named = {canonicalize_name(e) for e in pin.via if " " not in e}
        from_pyproject = f"{project.name} (pyproject.toml)" in pin.via
        if not named <= pinned or from_pyproject != (pin.name in asked_for):
            wrong.append(f"{pin.name}: {pin.via}")
    assert wrong == []


def test_locks_keep_the_template_header(project: Path) -> None:
    for name in (LOCK, DEV_LOCK):
        shipped = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
        baked = (project / name).read_text(encoding="utf-8")
        header = locks.parse_lock(shipped, name).header
        assert locks.parse_lock(baked, name).header == header, name


# The template's locks.


@pytest.fixture(scope="module")
def covered(lock_script, bake: Bake) -> set[str]:
    """Every requirement the bakes scripts/lock.py resolves ask for."""
    requirements: set[str] = set()
    for answers in lock_script.COVERING_BAKES:
        runtime, dev = requirements_of(bake(answers))
        requirements.update(str(r) for r in [*runtime, *dev])
    return requirements


def test_lock_script_covers_everything_the_matrix_asks_for(
    covered: set[str], bake: Bake
) -> None:
    uncovered = {}
    for row, answers in MATRIX.items():
        runtime, dev = requirements_of(bake(answers))
        missing = sorted({str(r) for r in [*runtime, *dev]} - covered)
        if missing:
            uncovered[row] = missing
    assert uncovered == {}, "add a bake asking for these to COVERING_BAKES in lock.py"


def test_each_package_is_asked_for_with_the_same_extras_everywhere(
    lock_script, bake: Bake
) -> None:
    # Pruning keeps what a package's extras pulled in whenever it keeps the
    # package: exact only while no bake asks for fewer of its extras.
    extras: dict[str, set[frozenset[str]]] = {}
    for answers in [*MATRIX.values(), *lock_script.COVERING_BAKES]:
        runtime, dev = requirements_of(bake(answers))
        for requirement in [*runtime, *dev]:
            name = canonicalize_name(requirement.name)
            extras.setdefault(name, set()).add(frozenset(requirement.extras))
    assert {name: e for name, e in extras.items() if len(e) > 1} == {}


def test_template_locks_pin_what_the_covering_bakes_ask_for(covered: set[str]) -> None:
    runtime = TEMPLATE_DIR / LOCK
    dev = TEMPLATE_DIR / DEV_LOCK
    asked_for = {
        pin.name
        for path in (runtime, dev)
        for pin in locks.parse_lock(path.read_text("utf-8"), path.name).pins
        if any(entry.endswith(" (pyproject.toml)") for entry in pin.via)
    }
    requirements = [Requirement(r) for r in covered]
    assert asked_for == {canonicalize_name(r.name) for r in requirements}, REGENERATE
    pinned = {**pins(dev), **pins(runtime)}
    refused = [
        f"{r}: {version}"
        for r in requirements
        for version in pinned[canonicalize_name(r.name)]
        if not r.specifier.contains(Version(version), prereleases=True)
    ]
    assert refused == [], REGENERATE


@pytest.mark.parametrize("name", [LOCK, DEV_LOCK])
def test_template_locks_read_back_exactly_as_written(name: str) -> None:
    text = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    assert locks.parse_lock(text, name).render() == text


def test_template_locks_record_when_they_were_resolved(lock_script) -> None:
    recorded = lock_script.recorded_exclude_newer()
    assert recorded is not None
    moment = datetime.datetime.fromisoformat(recorded)
    assert moment.tzinfo == datetime.UTC
    assert moment <= datetime.datetime.now(datetime.UTC)


@pytest.mark.network
def test_template_locks_match_a_fresh_resolution() -> None:
    checked = run([sys.executable, str(LOCK_SCRIPT), "--check"], cwd=ROOT)
    assert checked.returncode == 0, tail(checked.stdout)


# The representative bakes, installed from their locks alone.


def _site_packages(python: Path) -> Path:
    (site,) = python.parent.parent.glob("lib/python*/site-packages")
    return site


def required_by_metadata(
    roots: Iterable[Requirement], installed: dict[str, importlib.metadata.Distribution]
) -> set[str]:
    """Every distribution the roots require, by the installed packages' own
    metadata: extras and environment markers evaluated as pip would."""
    found: set[tuple[str, str]] = set()
    pending = [(r, "") for r in roots]
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        for wanted in ("", *requirement.extras):
            if (name, wanted) in found:
                continue
            found.add((name, wanted))
            for needed in installed[name].requires or ():
                pending.append((Requirement(needed), wanted))
    return {name for name, _ in found}


@pytest.mark.slow
@pytest.mark.parametrize("representative", REPRESENTATIVE)
def test_locks_install_exactly_what_the_metadata_requires(
    representative: str, bake: Bake, venv_for
) -> None:
    project = bake(MATRIX[representative])
    site = _site_packages(venv_for(project))
    installed = {
        canonicalize_name(d.metadata["Name"]): d
        for d in importlib.metadata.distributions(path=[str(site)])
    }
    runtime, dev = requirements_of(project)
    required = required_by_metadata([*runtime, *dev], installed)
    project_name = canonicalize_name(project.name)
    assert set(installed) - {project_name} == required


@pytest.mark.slow
@pytest.mark.parametrize("representative", REPRESENTATIVE)
def test_runtime_lock_alone_serves_the_app(
    representative: str, bake: Bake, default_answers, tmp_path: Path
) -> None:
    """As in a container: the runtime lock alone, the project run from its
    directory (not installed), migrating a real PostgreSQL and serving pages
    from it under gunicorn with production settings."""
    project = bake(MATRIX[representative])
    python = new_venv(tmp_path / "venv", project)
    for command in (INSTALL_RUNTIME, CHECK_INSTALLED):
        uv_pip(python, command, project)
    package = str(default_answers["package_name"])
    users = (
        "/users" if MATRIX[representative]["interface"] == "web-only" else "/api/users"
    )
    with postgresql(python, project, package, "app") as url:
        settings = {**PRODUCTION_SETTINGS, "DATABASE_URL": url("app")}
        migrated = run(
            [str(python), "-m", "flask", "--app", "wsgi", "db", "upgrade"],
            cwd=project,
            PYTHONDONTWRITEBYTECODE="1",
            # As the README's deploy steps run it: the bake's .env is beside it.
            FLASK_SKIP_DOTENV="1",
            **settings,
        )
        assert migrated.returncode == 0, tail(migrated.stdout)
        with gunicorn(python, project, **settings) as server:
            answers = {
                path: server.get(path, THROUGH_THE_PROXY) for path in ("/readyz", users)
            }
            log = server.output()
    statuses = {path: answer.status for path, answer in answers.items()}
    assert statuses == {"/readyz": 200, users: 200}, tail(log)
    if (project / "worker.py").is_file():
        worker = run([str(python), "-c", "import worker"], cwd=project)
        assert worker.returncode == 0, tail(worker.stdout)
