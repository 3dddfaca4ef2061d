"""The baked project: baking, installing, its database, its settings and its timing."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.common import BENCH_DIR, BenchError, clean_environment, progress, run
from harness.servers import Launch, free_port

TEMPLATE_DIR = BENCH_DIR.parent
BASELINES_DIR = BENCH_DIR / "baselines"
TASKS = BENCH_DIR / "baked_venv_tasks.py"
SEEDED_USERS = 10_000
DATABASE = "bench"
COLD_STARTS = 5


@dataclass(frozen=True)
class GunicornSettings:
    """The hardened app's worker model, which the baselines are given too."""

    workers: int
    threads: int
    keepalive: int


@contextlib.contextmanager
def work_directory(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="flask-bench-"))
    # The cluster inside belongs to the postgres user, who must be able to reach it.
    path.chmod(0o711)
    try:
        yield path
    finally:
        if keep:
            progress(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def bake(output_dir: Path) -> tuple[Path, float]:
    """Bake the default answers; return the project and the seconds it took."""
    from cookiecutter.main import cookiecutter

    # A config of our own keeps replay files and clones out of the user's home.
    config = output_dir / "cookiecutter-config.yaml"
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(output_dir / 'cookiecutters'))}\n"
        f"replay_dir: {json.dumps(str(output_dir / 'replay'))}\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    project = cookiecutter(
        str(TEMPLATE_DIR),
        no_input=True,
        output_dir=str(output_dir / "bake"),
        config_file=str(config),
    )
    return Path(project), time.perf_counter() - started


def uv(*args: str | Path, cwd: Path) -> None:
    # UV_COMPILE_BYTECODE: compiled once at install, not by each gunicorn worker.
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env |= {"UV_COMPILE_BYTECODE": "1", "UV_PYTHON_DOWNLOADS": "never"}
    run([sys.executable, "-m", "uv", *args], cwd=cwd, env=env)


def install(project: Path, venv: Path, interpreter: str) -> Path:
    """A venv holding exactly the project's lock and the project; its interpreter."""
    uv("venv", "--quiet", "--python", interpreter, venv, cwd=project)
    python = venv / "bin" / "python"
    pip_install = ("pip", "install", "--quiet", "--python", python, "--no-deps")
    uv(*pip_install, "--require-hashes", "-r", "requirements.lock", cwd=project)
    uv(*pip_install, "-e", ".", cwd=project)
    return python


def package_of(project: Path) -> str:
    """The baked package's name: the one with a development/local_postgres.py."""
    modules = list(project.glob("*/development/local_postgres.py"))
    if len(modules) != 1:
        raise BenchError(f"{project} is not a bake of this template")
    return modules[0].parent.parent.name


def in_baked_venv(python: Path, *args: str | Path, cwd: Path, **env: str) -> str:
    return run([python, TASKS, *args], cwd=cwd, env=clean_environment(**env))


@contextlib.contextmanager
def postgres_cluster(python: Path, package: str, directory: Path) -> Iterator[str]:
    """A throwaway cluster, stopped on the way out; yields the database's URL."""
    try:
        url = in_baked_venv(
            python, "cluster-start", package, directory, DATABASE, cwd=directory.parent
        ).strip()
        yield url
    finally:
        with contextlib.suppress(BenchError, subprocess.TimeoutExpired):
            in_baked_venv(
                python, "cluster-stop", package, directory, cwd=directory.parent
            )


def postmaster_pid(directory: Path) -> int:
    # The first line of postmaster.pid; LocalPostgres keeps the data in data/.
    return int((directory / "data" / "postmaster.pid").read_text().split()[0])


def production_environment(database_url: str, secret_key: str) -> dict[str, str]:
    return clean_environment(
        APP_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY=secret_key,
        TRUSTED_HOSTS="127.0.0.1",
        PROXY_FIX_X_PROTO="1",
    )


def gunicorn_settings(
    python: Path, project: Path, env: Mapping[str, str]
) -> GunicornSettings:
    """What the baked gunicorn.conf.py makes of `env` (its defaults, unless --env
    sets WEB_CONCURRENCY or GUNICORN_THREADS)."""
    output = in_baked_venv(python, "gunicorn-settings", cwd=project, **env)
    values = json.loads(output)
    return GunicornSettings(values["workers"], values["threads"], values["keepalive"])


def baseline_command(
    python: Path, app: str, settings: GunicornSettings, port: int
) -> list[str | Path]:
    """gunicorn with the baked conf's worker model, and none of its hardening."""
    return [
        python.parent / "gunicorn",
        "--worker-class", "gthread",
        "--workers", str(settings.workers),
        "--threads", str(settings.threads),
        "--keep-alive", str(settings.keepalive),
        "--preload",
        "--no-control-socket",
        "--bind", f"127.0.0.1:{port}",
        app,
    ]  # fmt: skip


def extra_environment(pairs: Sequence[str]) -> dict[str, str]:
    try:
        return dict(pair.split("=", 1) for pair in pairs)
    except ValueError:
        raise BenchError("--env takes NAME=VALUE") from None


@dataclass(frozen=True)
class Setup:
    """The installed project, its database, and how its gunicorn is configured."""

    python: Path
    project: Path
    package: str
    database_url: str
    hardened_env: dict[str, str]
    bare_env: dict[str, str]
    settings: GunicornSettings
    log_dir: Path
    db_pid: int
    bake_seconds: float | None
    install_seconds: float

    def hardened(self, name: str, **env: str) -> Launch:
        port = free_port()
        env = {**self.hardened_env, "GUNICORN_BIND": f"127.0.0.1:{port}", **env}
        command = [
            self.python.parent / "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "wsgi:app",
        ]
        return Launch(name, command, self.project, env, port)

    def baseline(self, name: str, app: str, env: dict[str, str]) -> Launch:
        port = free_port()
        command = baseline_command(self.python, app, self.settings, port)
        # The baselines are imported from the repository: leave no __pycache__ there.
        env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
        return Launch(name, command, BASELINES_DIR, env, port)

    def targets(self) -> list[Launch]:
        return [
            self.hardened("hardened"),
            self.baseline("bare", "bare_flask_app:app", self.bare_env),
            self.baseline("limit", "limit_app:app", clean_environment()),
        ]

    def sweep(self, settings: str) -> list[Launch]:
        launches = []
        for setting in settings.split(","):
            workers, threads = setting.split("x")
            env = {"WEB_CONCURRENCY": workers, "GUNICORN_THREADS": threads}
            launches.append(self.hardened(setting, **env))
        return launches


@dataclass(frozen=True)
class Choices:
    """What the command line may change about the project under test."""

    # An existing bake (e.g. an edited copy) instead of a fresh default one.
    project: Path | None = None
    # The interpreter the project's venv is made from.
    interpreter: str = sys.executable
    # NAME=VALUE settings for the hardened app on top of the production ones.
    env: Sequence[str] = ()


def prepare(choices: Choices, workdir: Path, stack: contextlib.ExitStack) -> Setup:
    """Bake (unless given a project), install, and start a seeded database."""
    bake_seconds = None
    if choices.project:
        project = choices.project.resolve()
    else:
        progress("baking the default project")
        project, bake_seconds = bake(workdir)
    package = package_of(project)
    progress("installing it into a fresh venv")
    started = time.perf_counter()
    python = install(project, workdir / "venv", choices.interpreter)
    install_seconds = time.perf_counter() - started

    progress("starting PostgreSQL, migrating, seeding")
    cluster = workdir / "postgres"
    url = stack.enter_context(postgres_cluster(python, package, cluster))
    hardened_env = production_environment(url, secrets.token_urlsafe(48))
    flask = python.parent / "flask"
    run([flask, "--app", "wsgi", "db", "upgrade"], cwd=project, env=hardened_env)
    in_baked_venv(python, "seed", url, str(SEEDED_USERS), cwd=project)
    hardened_env |= extra_environment(choices.env)
    log_dir = workdir / "logs"
    log_dir.mkdir()
    return Setup(
        python=python,
        project=project,
        package=package,
        database_url=url,
        hardened_env=hardened_env,
        bare_env=clean_environment(DATABASE_URL=url),
        settings=gunicorn_settings(python, project, hardened_env),
        log_dir=log_dir,
        db_pid=postmaster_pid(cluster),
        bake_seconds=bake_seconds,
        install_seconds=install_seconds,
    )


def postgres_version(setup: Setup) -> str:
    # libpq's integer form: 150013 is 15.13.
    number = int(
        in_baked_venv(
            setup.python, "server-version", setup.database_url, cwd=setup.project
        )
    )
    return f"{number // 10000}.{number % 10000}"


def cold_start(
    python: Path, project: Path, package: str, env: Mapping[str, str]
) -> dict[str, float]:
    """Median over fresh interpreters: importing the package, create_app(), and the
    whole process (interpreter start-up included)."""
    timings: dict[str, list[float]] = defaultdict(list)
    for _ in range(COLD_STARTS):
        started = time.perf_counter()
        output = run([python, TASKS, "cold-start", package], cwd=project, env=env)
        timings["process"].append(time.perf_counter() - started)
        for stage, seconds in json.loads(output).items():
            timings[stage].append(seconds)
    return {
        stage: statistics.median(values) * 1000 for stage, values in timings.items()
    }
