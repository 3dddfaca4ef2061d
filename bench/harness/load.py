"""Driving the servers with wrk, and folding its runs into measurements."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from harness.common import (
    BENCH_DIR,
    ENDPOINTS,
    PROXY_HEADER,
    BenchError,
    progress,
    run,
    tail,
)
from harness.procfs import process_table, tree_cpu
from harness.servers import Server

WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"
WARM_UP_SCRIPT = BENCH_DIR / "wrk_warm_up.lua"
WARM_UP_SECONDS = 2
# Socket errors, responses with a status of 400 or more, and requests wrk gave up on.
WRK_ERROR_KINDS = ("connect", "read", "write", "status", "timeout")


@dataclass(frozen=True)
class LoadPlan:
    """How hard and how long to drive each target."""

    connections: list[int]
    seconds: int
    rounds: int
    wrk_threads: int

    @property
    def middle(self) -> int:
        """The connection count the headline and the sweep are measured at."""
        return self.connections[len(self.connections) // 2]


@dataclass(frozen=True)
class Measurement:
    """One wrk run, or several folded together by combine()."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    # CPU seconds the server (master and workers) and PostgreSQL spent meanwhile.
    app_cpu: float = 0.0
    db_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def cpu_ms(self, seconds: float) -> float:
        """CPU milliseconds per request: whatever else the machine runs meanwhile
        moves it much less than throughput."""
        return seconds * 1000 / self.requests if self.requests else 0.0


# (target, endpoint, connections) → one measurement per round.
Samples = dict[tuple[str, str, int], list[Measurement]]


def wrk_measure(
    wrk: str, port: int, endpoint: str, connections: int, seconds: int, threads: int
) -> Measurement:
    command = [
        wrk,
        "--threads", str(min(threads, connections)),
        "--connections", str(connections),
        "--duration", f"{seconds}s",
        "--timeout", "2s",
        "--header", ": ".join(PROXY_HEADER),
        "--script", WRK_SCRIPT,
        f"http://127.0.0.1:{port}{endpoint}",
    ]  # fmt: skip
    output = run(command, timeout=seconds + 30)
    match = re.search(r"^BENCH_RESULT (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise BenchError(f"wrk printed no result line:\n{tail(output)}")
    result = json.loads(match.group(1))
    errors = sum(result[kind] for kind in WRK_ERROR_KINDS)
    return Measurement(
        requests=result["requests"],
        seconds=result["duration_us"] / 1e6,
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        errors=errors,
    )


def combine(rounds: Sequence[Measurement]) -> Measurement:
    """Throughput over all rounds together; the median p50; the worst p99 (a tail
    that showed up once is real); every error."""
    return Measurement(
        requests=sum(m.requests for m in rounds),
        seconds=sum(m.seconds for m in rounds),
        p50_ms=statistics.median(m.p50_ms for m in rounds),
        p99_ms=max(m.p99_ms for m in rounds),
        errors=sum(m.errors for m in rounds),
        app_cpu=sum(m.app_cpu for m in rounds),
        db_cpu=sum(m.db_cpu for m in rounds),
    )


def rotated(names: Sequence[str], by: int) -> list[str]:
    # A different target goes first each round, so none always meets a cold cache.
    by %= len(names)
    return [*names[by:], *names[:by]]


def measure_cell(
    wrk: str,
    server: Server,
    endpoint: str,
    connections: int,
    plan: LoadPlan,
    db_pid: int,
) -> Measurement:
    """One wrk run, and the CPU the server and the database spent on it."""
    before = process_table()
    measurement = wrk_measure(
        wrk, server.port, endpoint, connections, plan.seconds, plan.wrk_threads
    )
    after = process_table()
    app_pid = server.process.pid
    return replace(
        measurement,
        app_cpu=tree_cpu(app_pid, after) - tree_cpu(app_pid, before),
        db_cpu=tree_cpu(db_pid, after) - tree_cpu(db_pid, before),
    )


def measure_matrix(
    wrk: str,
    servers: Mapping[str, Server],
    plan: LoadPlan,
    db_pid: int,
    endpoints: Sequence[str] = ENDPOINTS,
) -> Samples:
    """Each (endpoint, connections) cell runs every target back to back, so that drift
    (thermal, noisy neighbours) hits all of them alike."""
    runs = [
        (round_, connections, endpoint, name)
        for round_ in range(plan.rounds)
        for connections in plan.connections
        for endpoint in endpoints
        for name in rotated(list(servers), round_)
    ]
    samples: Samples = defaultdict(list)
    for index, (round_, connections, endpoint, name) in enumerate(runs, 1):
        measurement = measure_cell(
            wrk, servers[name], endpoint, connections, plan, db_pid
        )
        samples[name, endpoint, connections].append(measurement)
        progress(
            f"[{index}/{len(runs)}] round {round_ + 1} c={connections} {endpoint} "
            f"{name}: {measurement.rate:.0f} req/s, {measurement.errors} errors"
        )
    return samples


def warm_up(
    wrk: str, servers: Mapping[str, Server], connections: int, endpoints: Sequence[str]
) -> None:
    """Fill every pool, compile every template and run every lazy import first."""
    for server in servers.values():
        command = [
            wrk,
            "--threads", str(min(2, connections)),
            "--connections", str(connections),
            "--duration", f"{WARM_UP_SECONDS}s",
            "--header", ": ".join(PROXY_HEADER),
            "--script", WARM_UP_SCRIPT,
            f"http://127.0.0.1:{server.port}",
            "--", *endpoints,
        ]  # fmt: skip
        run(command, timeout=WARM_UP_SECONDS + 30)


def wrk_version(wrk: str) -> str:
    # `wrk -v` prints its version and exits with 1.
    result = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    line = (result.stdout or result.stderr).splitlines()[0]
    # "wrk 4.1.0 [epoll] Copyright (C) 2012 Will Glozer" → "4.1.0 [epoll]"
    return re.sub(r"^wrk\s+|\s+Copyright.*$", "", line.strip())
