"""A private PostgreSQL cluster built from the local server binaries, for development and tests.

No Docker and no system-wide set-up: `initdb` writes a cluster into a directory this project
owns, and `pg_ctl` starts and stops it. PostgreSQL refuses to run as root, so as root (CI,
containers) the cluster belongs to the `postgres` user (or `nobody`) instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql

SUPERUSER = "postgres"
# The exit codes of `pg_ctl status`, which `flask local-db status` passes on.
RUNNING, STOPPED, NO_CLUSTER = 0, 3, 4
# Debian and Ubuntu keep the server binaries off PATH, one directory per major version.
DEBIAN_BINARIES = "/usr/lib/postgresql/*/bin/initdb"
INSTALL_HINT = (
    "PostgreSQL's server programs (initdb, pg_ctl) were not found on PATH, through "
    "`pg_config --bindir`, or in /usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: "
    "`sudo apt-get install postgresql`; macOS: `brew install postgresql`), or point the "
    "app at an existing server instead"
)


class PostgresNotFoundError(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    """The directory holding initdb and pg_ctl."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(  # noqa: S603 - a fixed argument list
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        candidate = Path(result.stdout.strip())
        if result.returncode == 0 and (candidate / "initdb").exists():
            return candidate
    versions = sorted(
        (Path(path) for path in glob.glob(DEBIAN_BINARIES)),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    raise PostgresNotFoundError(INSTALL_HINT)


def _unprivileged_user() -> pwd.struct_passwd | None:
    """The user to run PostgreSQL as, or None to run it as ourselves (when not root)."""
    if os.geteuid() != 0:
        return None
    for name in (SUPERUSER, "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresNotFoundError(
        "running as root, and neither a `postgres` nor a `nobody` user exists"
    )


@dataclass
class LocalPostgres:
    """A cluster in `directory`: data in `data/`, its Unix socket in the directory itself."""

    directory: Path
    port: int = 5432
    # "" listens on the Unix socket only: no port can clash with another server.
    listen_addresses: str = ""
    # Throwaway clusters skip fsync: much faster, and nothing is lost that matters.
    durable: bool = True
    bindir: Path = field(default_factory=find_bindir)

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def log_file(self) -> Path:
        return self.directory / "postgres.log"

    def url(self, database: str) -> str:
        if self.listen_addresses:
            return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"
        return f"postgresql://{SUPERUSER}@/{database}?host={self.directory}&port={self.port}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        user = _unprivileged_user()
        return subprocess.run(  # noqa: S603 - the server's own binaries, fixed arguments
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.directory,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
        )

    def _check(self, result: subprocess.CompletedProcess[str], action: str) -> None:
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            hint = f"; see {self.log_file}" if self.log_file.exists() else ""
            raise RuntimeError(f"PostgreSQL {action} failed: {detail[-1] if detail else ''}{hint}")

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def status(self) -> int:
        """`pg_ctl status`'s answer: 0 running, 3 stopped, 4 no cluster here yet."""
        if not self.initialised():
            return NO_CLUSTER
        return self._run("pg_ctl", "status", "-D", str(self.data_dir)).returncode

    def running(self) -> bool:
        return self.status() == RUNNING

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o700)
        user = _unprivileged_user()
        if user:
            os.chown(self.directory, user.pw_uid, user.pw_gid)
        result = self._run(
            "initdb",
            "--pgdata", str(self.data_dir),
            "--username", SUPERUSER,
            # Only this machine can reach the cluster (a socket in a private directory, or
            # loopback), so local connections are trusted.
            "--auth", "trust",
            "--encoding", "UTF8",
            "--no-locale",
            *([] if self.durable else ["--no-sync"]),
        )  # fmt: skip
        self._check(result, "initdb")

    def start(self) -> None:
        if not self.initialised():
            self.init()
        if self.running():
            return
        options = [
            f"-c listen_addresses='{self.listen_addresses}'",
            f"-c unix_socket_directories='{self.directory}'",
            f"-c port={self.port}",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        result = self._run(
            "pg_ctl", "start", "--wait", "--pgdata", str(self.data_dir),
            "--log", str(self.log_file), "-o", " ".join(options),
        )  # fmt: skip
        self._check(result, "start")

    def stop(self) -> None:
        if self.running():
            result = self._run(
                "pg_ctl", "stop", "--wait", "--mode", "fast", "--pgdata", str(self.data_dir)
            )
            self._check(result, "stop")

    def create_database(self, name: str) -> None:
        connection = psycopg2.connect(self.url(SUPERUSER))
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cursor.fetchone() is None:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            connection.close()
