"""CPU seconds of a local process and its descendants (/proc), e.g. `fairscore serve`
and the uvicorn worker processes it spawned: on a shared machine, the CPU a server
spent per request is a steadier figure than its wall-clock rate."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def stat_fields(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command's name (which may hold spaces);
    raises OSError when the process is gone."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(fields: list[str]) -> float:
    """user + system CPU seconds from `stat_fields`."""
    return (int(fields[11]) + int(fields[12])) / TICK


def tree_cpu_seconds(root: int) -> float:
    """user + system CPU seconds of `root` and every live descendant."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = stat_fields(entry.name)
        except OSError:  # gone meanwhile
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = cpu_seconds(fields)
    total = 0.0
    for pid, seconds in times.items():
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            total += seconds
    return total


def pids_cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """user + system CPU seconds of each live process of `pids` (the gone ones left out)."""
    out: dict[int, float] = {}
    for pid in pids:
        try:
            out[pid] = cpu_seconds(stat_fields(pid))
        except OSError:
            continue
    return out


class CpuWindow:
    """CPU seconds spent during a window by process trees (`roots`: label → pids, read at
    the start and again at the end, so processes started meanwhile count in full) and by
    the PostgreSQL backends serving one database (`backends`: their pids, read likewise;
    a backend that exits inside the window takes its CPU with it)."""

    def __init__(
        self, roots: Callable[[], dict[str, list[int]]], backends: Callable[[], list[int]]
    ) -> None:
        self._roots = roots
        self._backends = backends
        self._start_trees = self._trees()
        self._start_backends = pids_cpu_seconds(backends())

    def _trees(self) -> dict[str, float]:
        return {
            label: sum(tree_cpu_seconds(pid) for pid in pids)
            for label, pids in self._roots().items()
        }

    def spent(self) -> dict[str, float]:
        """CPU seconds per label since the start, and "postgres" for the backends."""
        trees = self._trees()
        out = {label: trees[label] - self._start_trees.get(label, 0.0) for label in trees}
        now = pids_cpu_seconds(self._backends())
        out["postgres"] = sum(
            seconds - self._start_backends.get(pid, 0.0) for pid, seconds in now.items()
        )
        return out
