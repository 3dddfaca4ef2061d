"""Starting gunicorn servers, waiting until they answer, and stopping them."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.common import PROXY_HEADER, BenchError, tail
from harness.procfs import children_of, rss_mib

READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class Launch:
    """How to start one server: its command, directory and environment."""

    name: str
    command: Sequence[str | Path]
    cwd: Path
    env: Mapping[str, str]
    port: int


@dataclass(frozen=True)
class Server:
    """A started server: its master process and where its output goes."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=dict([PROXY_HEADER]))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log = server.log.read_text(errors="replace")
            raise BenchError(f"{server.name} exited at start-up:\n{tail(log)}")
        with contextlib.suppress(OSError):
            if get(server.port, "/healthz")[0] == 200:
                return
        time.sleep(0.1)
    raise BenchError(f"{server.name} did not answer /healthz in {READY_TIMEOUT:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, gunicorn's graceful shutdown; if that hangs, SIGKILL to the process
    group this script started (the master and its workers, see serve())."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def serve(launch: Launch, log_dir: Path) -> Iterator[Server]:
    """Start a server, wait until it answers, and stop it on the way out. Its output
    (the hardened app's access log too) goes to a file, as it would to a collector."""
    log = log_dir / f"{launch.name}.log"
    with log.open("wb") as output:
        # A session of its own: Ctrl-C reaches this script, which then stops the server.
        process = subprocess.Popen(
            [str(part) for part in launch.command],
            cwd=launch.cwd,
            env=dict(launch.env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        server = Server(launch.name, launch.port, process, log)
        wait_until_ready(server)
        yield server
    finally:
        stop(process)


@contextlib.contextmanager
def serving(launches: Sequence[Launch], log_dir: Path) -> Iterator[dict[str, Server]]:
    """All the servers at once (idle ones cost nothing); stopped on the way out."""
    with contextlib.ExitStack() as stack:
        yield {
            launch.name: stack.enter_context(serve(launch, log_dir))
            for launch in launches
        }


def worker_rss(server: Server) -> list[float]:
    return [rss_mib(pid) for pid in children_of(server.process.pid)]
