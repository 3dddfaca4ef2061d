"""What every part of the benchmark shares: targets, endpoints, running commands."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
TARGETS = ("hardened", "bare", "limit")
LIST_ENDPOINT = "/api/users?page=1"
USER_ENDPOINT = "/api/users/4242"
ENDPOINTS = (LIST_ENDPOINT, USER_ENDPOINT, "/users", "/healthz")
# Production answers plain HTTP with a redirect; behind a TLS proxy it sees this header.
PROXY_HEADER = ("X-Forwarded-Proto", "https")


class BenchError(RuntimeError):
    """A step failed; the message says which and shows the tail of its output."""


def progress(message: str) -> None:
    # stderr, so that stdout is the report and its last line the headline.
    print(message, file=sys.stderr, flush=True)


def tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
) -> str:
    """Run a command to completion and return its stdout, or raise BenchError."""
    argv = [str(part) for part in command]
    result = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        output = tail(result.stderr + "\n" + result.stdout)
        raise BenchError(
            f"`{' '.join(argv)}` exited with {result.returncode}:\n{output}"
        )
    return result.stdout


def clean_environment(**extra: str) -> dict[str, str]:
    """A minimal environment for the servers and tools: an inherited WEB_CONCURRENCY,
    GUNICORN_CMD_ARGS or DATABASE_URL would change what is measured."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")
    return {name: os.environ[name] for name in keep if name in os.environ} | extra
