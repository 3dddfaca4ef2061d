"""The results as text for the terminal and as Markdown for RESULTS.md."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from harness.common import ENDPOINTS, LIST_ENDPOINT, TARGETS
from harness.instructions import INSTRUCTIONS_HEADER, Counts, instruction_rows
from harness.load import LoadPlan, Samples, combine
from harness.procfs import machine
from harness.project import COLD_STARTS, Setup

HEADLINE = "hardened/bare throughput"


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def results_rows(
    samples: Samples, connections: Sequence[int], names: Sequence[str]
) -> list[list[str]]:
    rows = []
    for endpoint in ENDPOINTS:
        for conns in connections:
            cells = {name: combine(samples[name, endpoint, conns]) for name in names}
            row = [endpoint, str(conns)]
            for name in names:
                cell = cells[name]
                row += [
                    f"{cell.rate:,.0f}",
                    f"{cell.p50_ms:.1f}",
                    f"{cell.p99_ms:.1f}",
                    str(cell.errors),
                ]
            hardened = cells["hardened"].rate
            row += [
                f"{ratio(hardened, cells['bare'].rate):.2f}",
                f"{ratio(hardened, cells['limit'].rate):.2f}",
            ]
            rows.append(row)
    return rows


def results_header(names: Sequence[str]) -> list[str]:
    header = ["endpoint", "conns"]
    for name in names:
        header += [f"{name} req/s", "p50 ms", "p99 ms", "err"]
    return [*header, "hardened/bare", "hardened/limit"]


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join(
            [first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))]
        )

    return "\n".join([line(header), *(line(row) for row in rows)])


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join(["---", *["---:"] * (len(header) - 1)]) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def headline_ratio(samples: Samples, middle: int) -> float:
    hardened = combine(samples["hardened", LIST_ENDPOINT, middle]).rate
    return ratio(hardened, combine(samples["bare", LIST_ENDPOINT, middle]).rate)


def cpu_rows(samples: Samples, middle: int) -> list[list[str]]:
    rows = []
    for endpoint in ENDPOINTS:
        cells = {name: combine(samples[name, endpoint, middle]) for name in TARGETS}
        row = [endpoint]
        for name in TARGETS:
            row += [f"{cells[name].cpu_ms(cells[name].app_cpu):.2f}"]
            row += [f"{cells[name].cpu_ms(cells[name].db_cpu):.2f}"]
        hardened, bare = (cells[name] for name in ("hardened", "bare"))
        per_request = ratio(
            hardened.cpu_ms(hardened.app_cpu + hardened.db_cpu),
            bare.cpu_ms(bare.app_cpu + bare.db_cpu),
        )
        rows.append([*row, f"{per_request:.2f}"])
    return rows


def cpu_header() -> list[str]:
    header = ["endpoint"]
    for name in TARGETS:
        header += [f"{name} app", "db"]
    return [*header, "CPU hardened/bare"]


SWEEP_HEADER = ["workers x threads", "req/s", "p50 ms", "p99 ms", "err", "app CPU ms"]


def sweep_rows(samples: Samples, middle: int, default: str) -> list[list[str]]:
    rows = []
    for name in dict.fromkeys(name for name, *_ in samples):
        cell = combine(samples[name, LIST_ENDPOINT, middle])
        rows.append(
            [
                name + (" (default)" if name == default else ""),
                f"{cell.rate:,.0f}",
                f"{cell.p50_ms:.1f}",
                f"{cell.p99_ms:.1f}",
                str(cell.errors),
                f"{cell.cpu_ms(cell.app_cpu):.2f}",
            ]
        )
    return rows


@dataclass(frozen=True)
class Table:
    title: str
    note: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Report:
    """Everything the run learnt, for the terminal and for RESULTS.md."""

    plan: LoadPlan
    setup: Setup
    samples: Samples
    rss: dict[str, list[float]]
    cold: dict[str, float]
    versions: dict[str, str]
    differences: list[str]
    load: tuple[float, float]
    command: str
    sweep: Samples | None = None
    instructions: Counts | None = None

    @property
    def middle(self) -> int:
        return self.plan.middle

    @property
    def default_setting(self) -> str:
        return f"{self.setup.settings.workers}x{self.setup.settings.threads}"

    def tables(self) -> list[Table]:
        tables = [
            Table(
                "Throughput and latency",
                "req/s over all rounds; p50 the median round's, p99 the worst round's; "
                "err: socket errors, timeouts and statuses >= 400.",
                results_header(TARGETS),
                results_rows(self.samples, self.plan.connections, TARGETS),
            ),
            Table(
                f"CPU per request at {self.middle} connections (ms)",
                "app: gunicorn master and workers; db: PostgreSQL; CPU hardened/bare: "
                "the ratio of their sums. Other load on the machine moves these less "
                "than req/s, and the ratio least.",
                cpu_header(),
                cpu_rows(self.samples, self.middle),
            ),
        ]
        if self.instructions:
            tables.append(
                Table(
                    "Instructions per request (millions, callgrind)",
                    "In-process through WSGI, no server: the app's own work. Unlike "
                    "req/s, the same whatever else the machine is doing.",
                    INSTRUCTIONS_HEADER,
                    instruction_rows(self.instructions, ENDPOINTS),
                )
            )
        if self.sweep:
            tables.append(
                Table(
                    "Hardened app: gunicorn workers x threads",
                    f"{LIST_ENDPOINT} at {self.middle} connections, interleaved.",
                    SWEEP_HEADER,
                    sweep_rows(self.sweep, self.middle, self.default_setting),
                )
            )
        return tables

    def summary_lines(self) -> list[str]:
        settings = self.setup.settings
        setting = f"{settings.workers} workers x {settings.threads} threads"
        rss = "; ".join(
            f"{name} " + ", ".join(f"{mib:.1f}" for mib in values)
            for name, values in self.rss.items()
        )
        seconds = self.setup.bake_seconds
        bake = f"{seconds:.1f} s" if seconds is not None else "n/a (--project)"
        lines = [
            f"gunicorn: gthread, {setting} for all three (from the baked "
            "gunicorn.conf.py)",
            f"wrk: {self.plan.wrk_threads} threads, {self.plan.seconds} s per cell, "
            f"{self.plan.rounds} rounds, targets interleaved",
            f"load average before / after the run: {self.load[0]:.2f} / "
            f"{self.load[1]:.2f} on {os.cpu_count()} CPUs",
            f"worker RSS after the run (MiB): {rss}",
            f"create_app() cold start (median of {COLD_STARTS} fresh interpreters): "
            f"import {self.cold['import']:.0f} ms + create_app() "
            f"{self.cold['create_app']:.0f} ms; "
            f"whole process {self.cold['process']:.0f} ms",
            f"bake: {bake}; venv install: {self.setup.install_seconds:.1f} s",
        ]
        return lines + [f"WARNING: JSON differs: {d}" for d in self.differences]

    def ratio_lines(self) -> list[str]:
        list_cells = {
            name: combine(self.samples[name, LIST_ENDPOINT, self.middle])
            for name in TARGETS
        }
        hardened, bare, limit = (list_cells[name].rate for name in TARGETS)
        return [
            f"{LIST_ENDPOINT} at {self.middle} connections: "
            f"hardened/limit {ratio(hardened, limit):.2f}, "
            f"bare/limit {ratio(bare, limit):.2f}",
            f"{HEADLINE}: {headline_ratio(self.samples, self.middle):.2f}",
        ]

    def terminal(self) -> str:
        parts = []
        for table in self.tables():
            parts += [f"{table.title}:", text_table(table.header, table.rows), ""]
        return "\n".join([*parts, *self.summary_lines(), "", *self.ratio_lines()])

    def markdown(self) -> str:
        written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        parts = [
            "# Benchmark results",
            "",
            f"Written by `{self.command}` on {written}; bench/README.md says how to "
            "read it.",
            "",
            "## Machine and software",
            "",
            *[f"- {key}: {value}" for key, value in machine().items()],
            *[f"- {key} {value}" for key, value in self.versions.items()],
        ]
        for table in self.tables():
            parts += ["", f"## {table.title}", "", table.note, ""]
            parts.append(markdown_table(table.header, table.rows))
        parts += ["", "## Run", "", *[f"- {line}" for line in self.summary_lines()]]
        parts += ["", "## Ratios", "", *[f"- {line}" for line in self.ratio_lines()]]
        return "\n".join(parts) + "\n"
