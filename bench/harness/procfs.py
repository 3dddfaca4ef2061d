"""What /proc says about processes and the machine: CPU time, memory, the CPU model."""

from __future__ import annotations

import contextlib
import os
import platform
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessStat:
    """One process's line of /proc/PID/stat, the parts the benchmark needs."""

    parent: int
    cpu: float  # user + system seconds
    reaped_cpu: float  # the same, of the children it has waited for


def process_table() -> dict[int, ProcessStat]:
    table = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        # A process may exit while being read.
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name is in parentheses and may itself hold spaces; what
            # follows it starts at field 3 of proc(5), so utime (14) is at 11.
            fields = stat.read_text().rpartition(")")[2].split()
            utime, stime, cutime, cstime = (int(f) / ticks for f in fields[11:15])
            table[int(stat.parent.name)] = ProcessStat(
                int(fields[1]), utime + stime, cutime + cstime
            )
    return table


def children_of(pid: int, table: Mapping[int, ProcessStat] | None = None) -> list[int]:
    table = process_table() if table is None else table
    return sorted(child for child, stat in table.items() if stat.parent == pid)


def tree_cpu(pid: int, table: Mapping[int, ProcessStat]) -> float:
    """CPU seconds of a process and all its descendants, living or reaped: a worker
    gunicorn recycles, or a backend PostgreSQL ends, still counts through its parent."""
    if pid not in table:
        return 0.0
    own = table[pid].cpu + table[pid].reaped_cpu
    return own + sum(tree_cpu(child, table) for child in children_of(pid, table))


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text()
    memory = re.search(r"^MemTotal:\s*(\d+)", meminfo, re.MULTILINE)
    return {
        "CPU": models[0] if models else platform.processor() or "unknown",
        "Logical CPUs": str(len(re.findall(r"^processor\s*:", cpuinfo, re.MULTILINE))),
        "Memory": f"{int(memory.group(1)) / 1024**2:.1f} GiB" if memory else "unknown",
        "Kernel": f"{platform.system()} {platform.release()}",
    }
