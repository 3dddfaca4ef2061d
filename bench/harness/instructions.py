"""Instructions per request, counted by valgrind's callgrind.

Requests per second follow whatever else the machine is doing; the number of
instructions a request executes does not (the same count twice, whatever the load), so
this is the number to compare between commits. Each app is imported into one process and
called through WSGI, with no server in between: the count is the app's own work (Flask,
the extensions, the driver's Python side), not gunicorn's, the kernel's or PostgreSQL's.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness.common import BenchError, progress, run, tail
from harness.project import BASELINES_DIR, TASKS, Setup

# Enough to average out the odd pool checkout or cache miss; each run takes about 30 s.
COUNTED_REQUESTS = 100
INSTRUCTION_TARGETS = ("hardened", "bare")
COLLECTED = re.compile(r"Collected : (\d+)")

Counts = dict[tuple[str, str], float]


def count_one(
    valgrind: str,
    python: Path,
    target: str,
    endpoint: str,
    cwd: Path,
    env: dict[str, str],
) -> float:
    """Millions of instructions per request for one target and endpoint."""
    command = [
        valgrind,
        "--tool=callgrind",
        # baked_venv_tasks.py serves the counted requests inside operator.call(), a C
        # function nothing else calls: counting only inside it leaves out imports and
        # warm-up.
        "--collect-atstart=no",
        "--toggle-collect=_operator_call",
        "--callgrind-out-file=/dev/null",
        # Its summary on stdout, which run() returns; the app's stderr stays apart.
        "--log-fd=1",
        str(python),
        str(TASKS),
        "requests",
        target,
        endpoint,
        str(COUNTED_REQUESTS),
    ]
    output = run(command, cwd=cwd, env=env)
    found = COLLECTED.search(output)
    if found is None or int(found.group(1)) == 0:
        raise BenchError(
            f"callgrind counted nothing for {target} {endpoint}: this interpreter "
            f"shows valgrind no _operator_call symbol:\n{tail(output)}"
        )
    return int(found.group(1)) / COUNTED_REQUESTS / 1e6


def count_instructions(setup: Setup, endpoints: Sequence[str]) -> Counts:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise BenchError(
            "--instructions needs valgrind: `apt-get install -y valgrind` on Debian"
        )
    progress(f"counting instructions with callgrind ({COUNTED_REQUESTS} requests each)")
    places = {
        "hardened": (setup.project, setup.hardened_env),
        # The baseline is imported from the repository: leave no __pycache__ there.
        "bare": (BASELINES_DIR, {**setup.bare_env, "PYTHONDONTWRITEBYTECODE": "1"}),
    }
    jobs = {
        (target, endpoint): (target, endpoint, *places[target])
        for target in INSTRUCTION_TARGETS
        for endpoint in endpoints
    }
    # One valgrind per core: each is single-threaded, and the counts ignore the load.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {
            key: pool.submit(count_one, valgrind, setup.python, *job)
            for key, job in jobs.items()
        }
        return {key: future.result() for key, future in futures.items()}


INSTRUCTIONS_HEADER = ["endpoint", "hardened M", "bare M", "hardened/bare"]


def instruction_rows(counts: Counts, endpoints: Sequence[str]) -> list[list[str]]:
    rows = []
    for endpoint in endpoints:
        hardened, bare = (counts[target, endpoint] for target in INSTRUCTION_TARGETS)
        rows.append(
            [endpoint, f"{hardened:.2f}", f"{bare:.2f}", f"{hardened / bare:.2f}"]
        )
    return rows
