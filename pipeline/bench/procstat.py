"""CPU time and peak memory of processes and their children, read from /proc (Linux)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.bench.results import Resources

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Stat:
    ppid: int
    cpu_ticks: int  # utime + stime, plus cutime + cstime of reaped children


@dataclass(frozen=True)
class Usage:
    cpu_s: float
    peak_rss_kib: int


def parse_stat(text: str) -> Stat:
    """Fields of /proc/<pid>/stat after the command name (which may hold spaces and ')')."""
    fields = text.rsplit(")", 1)[1].split()
    # fields[0] is state (3rd field), so field n (1-based) is fields[n - 3]
    utime, stime, cutime, cstime = (int(fields[n - 3]) for n in (14, 15, 16, 17))
    return Stat(ppid=int(fields[1]), cpu_ticks=utime + stime + cutime + cstime)


def parse_peak_rss_kib(status: str) -> int:
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _stats() -> dict[int, Stat]:
    found: dict[int, Stat] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                found[int(entry.name)] = parse_stat((entry / "stat").read_text())
    return found


def descendants(root: int, parents: Mapping[int, int],
                others: frozenset[int] = frozenset()) -> list[int]:
    """root and every process below it, given each pid's parent; the subtrees of `others`
    (processes measured on their own, e.g. the stack the bench started) are left out."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(c for c in children.get(pid, ()) if c not in others)
    return tree


def usage(pids: Mapping[str, int]) -> dict[str, Usage]:
    """Per named process: CPU seconds so far and peak RSS, summed over its process tree
    (PostgreSQL's backends; a child's CPU moves into its parent's cutime when reaped, so the
    sum stays monotonic; an exited child another named process measured moves into its
    parent's too, a small overcount). Peak RSS of a tree adds each member's VmHWM."""
    stats = _stats()
    parents = {pid: s.ppid for pid, s in stats.items()}
    found: dict[str, Usage] = {}
    for name, root in pids.items():
        if root not in stats:
            continue
        others = frozenset(pids.values()) - {root}
        tree = [p for p in descendants(root, parents, others) if p in stats]
        peak = 0
        for pid in tree:
            with contextlib.suppress(OSError):
                peak += parse_peak_rss_kib((PROC / str(pid) / "status").read_text())
        found[name] = Usage(sum(stats[p].cpu_ticks for p in tree) / TICKS, peak)
    return found


def per_birth(before: Mapping[str, Usage], after: Mapping[str, Usage], births: int) -> Resources:
    """CPU-ms per birth between two snapshots and the peak RSS at the second one."""
    resources = Resources()
    for name, end in after.items():
        start = before.get(name)
        if start is not None and births > 0:
            resources.cpu_ms_per_birth[name] = round((end.cpu_s - start.cpu_s) * 1000 / births, 2)
        resources.peak_rss_mib[name] = round(end.peak_rss_kib / 1024, 1)
    return resources
