"""Benchmark the baked app against bare Flask and against the machine's limit.

    .venv/bin/python bench/run.py            # about four minutes on two cores

Bakes the default project, installs it from its lock into a fresh venv, starts a
throwaway PostgreSQL with 10,000 users, serves three targets with the same gunicorn
workers and threads, and drives each with wrk, interleaved:

    hardened  the baked app, production settings, its own gunicorn.conf.py
    bare      the same reads with Flask and psycopg2 only (baselines/bare_flask_app.py)
    limit     fixed bytes from a bare WSGI callable (baselines/limit_app.py)

Prints a table, writes bench/RESULTS.md, and ends with the line
`hardened/bare throughput: X.XX` (the JSON list at the middle concurrency).
See bench/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType

from harness.common import (
    ENDPOINTS,
    LIST_ENDPOINT,
    USER_ENDPOINT,
    BenchError,
    progress,
)
from harness.instructions import count_instructions
from harness.load import LoadPlan, Samples, measure_matrix, warm_up, wrk_version
from harness.project import (
    Choices,
    Setup,
    cold_start,
    in_baked_venv,
    postgres_version,
    prepare,
    work_directory,
)
from harness.report import Report
from harness.servers import Server, get, serving, worker_rss

RESULTS_FILE = Path(__file__).resolve().parent / "RESULTS.md"

# The baked package's versions that decide its speed, for the results file.
KEY_PACKAGES = (
    "flask",
    "werkzeug",
    "gunicorn",
    "sqlalchemy",
    "flask-sqlalchemy",
    "psycopg2-binary",
    "flask-smorest",
    "marshmallow",
    "flask-talisman",
    "flask-wtf",
)

DEFAULT_SWEEP = "1x4,1x8,2x2,2x4,2x8,3x2,3x4,4x2"


def raise_on_sigterm() -> None:
    """Let SIGTERM unwind like Ctrl-C does, so that every cleanup still runs."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def check_answers(servers: Mapping[str, Server]) -> list[str]:
    """Every endpoint must answer 200 (a redirect would be measured as a success);
    returns where the baseline's JSON differs from the baked app's."""
    bodies: dict[tuple[str, str], bytes] = {}
    for server in servers.values():
        for endpoint in ENDPOINTS:
            status, body = get(server.port, endpoint)
            if status != 200:
                raise BenchError(f"{server.name} answered {endpoint} with {status}")
            bodies[server.name, endpoint] = body
    differences = []
    for endpoint in (LIST_ENDPOINT, USER_ENDPOINT, "/healthz"):
        hardened = json.loads(bodies["hardened", endpoint])
        bare = json.loads(bodies["bare", endpoint])
        if hardened != bare:
            differences.append(
                f"{endpoint}: hardened {hardened!r:.200} bare {bare!r:.200}"
            )
    return differences


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=3, help="seconds per wrk run (default 3)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds (default 2)")
    parser.add_argument(
        "--connections",
        type=lambda text: sorted(int(part) for part in text.split(",")),
        default=[8, 32, 64],
        help="comma-separated wrk connection counts (default 8,32,64)",
    )
    parser.add_argument("--wrk-threads", type=int, default=2, help="default 2")
    parser.add_argument(
        "--project",
        type=Path,
        help="benchmark this baked project (e.g. an edited copy) instead of baking one",
    )
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter for the baked project's venv (default: this one)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the hardened app (repeatable), e.g. DB_POOL_SIZE=8",
    )
    parser.add_argument(
        "--sweep",
        nargs="?",
        const=DEFAULT_SWEEP,
        metavar="WxT,...",
        help=f"also time the hardened list under these workers x threads "
        f"(default {DEFAULT_SWEEP}); adds about a minute",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions per request with valgrind (adds about 2 minutes)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE)
    return parser.parse_args(argv)


def load_plan(args: argparse.Namespace) -> LoadPlan:
    return LoadPlan(args.connections, args.duration, args.rounds, args.wrk_threads)


def sweep_hardened(wrk: str, setup: Setup, plan: LoadPlan, settings: str) -> Samples:
    """The hardened list under each workers x threads, interleaved like the targets."""
    middle = plan.middle
    at_middle = replace(plan, connections=[middle])
    with serving(setup.sweep(settings), setup.log_dir) as servers:
        warm_up(wrk, servers, middle, [LIST_ENDPOINT])
        return measure_matrix(
            wrk, servers, at_middle, setup.db_pid, endpoints=[LIST_ENDPOINT]
        )


def benchmark(
    wrk: str, args: argparse.Namespace, command: str, workdir: Path
) -> Report:
    with contextlib.ExitStack() as stack:
        choices = Choices(args.project, args.python, args.env)
        setup = prepare(choices, workdir, stack)
        plan = load_plan(args)
        load_before = os.getloadavg()[0]
        progress("starting the three servers")
        with serving(setup.targets(), setup.log_dir) as servers:
            differences = check_answers(servers)
            warm_up(wrk, servers, max(plan.connections), ENDPOINTS)
            samples = measure_matrix(wrk, servers, plan, setup.db_pid)
            rss = {name: worker_rss(server) for name, server in servers.items()}
            load = (load_before, os.getloadavg()[0])
        sweep = sweep_hardened(wrk, setup, plan, args.sweep) if args.sweep else None
        instructions = (
            count_instructions(setup, ENDPOINTS) if args.instructions else None
        )

        progress("timing create_app() cold starts")
        cold = cold_start(
            setup.python, setup.project, setup.package, setup.hardened_env
        )
        versions = in_baked_venv(
            setup.python, "versions", *KEY_PACKAGES, cwd=setup.project
        )
        return Report(
            plan=plan,
            setup=setup,
            samples=samples,
            rss=rss,
            cold=cold,
            versions=json.loads(versions)
            | {"postgresql": postgres_version(setup), "wrk": wrk_version(wrk)},
            differences=differences,
            load=load,
            command=command,
            sweep=sweep,
            instructions=instructions,
        )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    command = shlex.join(["python", "bench/run.py", *arguments])
    wrk = shutil.which("wrk")
    if wrk is None:
        print(
            "error: the load generator wrk is not installed; install it with "
            "`apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS)",
            file=sys.stderr,
        )
        return 2
    raise_on_sigterm()
    started = time.perf_counter()
    try:
        with work_directory(args.keep) as workdir:
            report = benchmark(wrk, args, command, workdir)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; servers, cluster and files cleaned up", file=sys.stderr)
        return 130
    args.results.write_text(report.markdown(), encoding="utf-8")
    progress(f"wrote {args.results} in {time.perf_counter() - started:.0f} s")
    # The last line is the headline, for people and for scripts that read it.
    print(report.terminal())
    return 0


if __name__ == "__main__":
    sys.exit(main())
