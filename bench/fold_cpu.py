"""The bulk rebuild's fold stage with its CPU: of this process and its fold processes, and
of the PostgreSQL backends serving the database, by what they ran (the workers' COPYs in,
their reads of the event log):

    .venv/bin/python -m bench.fold_cpu DATABASE [--slug bench-100000]

Rebuilds the bench tenant `slug` (built beforehand, e.g. by `bench.rescore --database
DATABASE`) once with `bulk_rebuild(workers=2)` and times its fold stage. The fold's
backends exit with their connections, so their CPU is read from /proc every 50 ms while
the stage runs (a backend's last 50 ms may be missed). Compare code versions on copies of
one database (`CREATE DATABASE b TEMPLATE a`), old, new, new, old: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
from pathlib import Path
from typing import Any

from bench.process_cpu import cpu_seconds, stat_fields
from bench.run import _container
from infra import admin
from infra.bulk import fold_worker, rebuild


def backends(database: str) -> dict[int, tuple[str, float]]:
    """pid → (what its process title says it runs, CPU seconds) of the database's backends."""
    out: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (
                (entry / "cmdline")
                .read_bytes()
                .replace(b"\0", b" ")
                .decode(errors="replace")
                .split()
            )
            fields = stat_fields(entry.name)
        except OSError:  # gone meanwhile
            continue
        # "postgres: [CLUSTER:] USER DATABASE HOST(PORT) COMMAND …"
        if not title or title[0] != "postgres:":
            continue
        words = title[2:] if len(title) > 1 and title[1].endswith(":") else title[1:]
        if len(words) < 3 or words[1] != database:
            continue
        out[int(entry.name)] = (words[3] if len(words) > 3 else "", cpu_seconds(fields))
    return out


class BackendCpu:
    """CPU the database's backends spent from now until `stop`, by command."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.start = {pid: cpu for pid, (_, cpu) in backends(database).items()}
        self.last = dict(self.start)
        self.commands: dict[int, str] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        while not self.done.is_set():
            for pid, (command, cpu) in backends(self.database).items():
                self.last[pid] = cpu
                if command in ("COPY", "SELECT"):
                    self.commands[pid] = command
            time.sleep(0.05)

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.thread.join()
        out: dict[str, float] = {}
        for pid, cpu in self.last.items():
            command = self.commands.get(pid, "other")
            out[command] = out.get(command, 0.0) + cpu - self.start.get(pid, 0.0)
        return out


def _process_cpu() -> float:
    """This process's CPU and that of its finished children (the fold processes)."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("database")
    parser.add_argument("--slug", default="bench-100000")
    args = parser.parse_args()
    c = _container(args.database)
    tenant = admin.tenant_by_slug(c, args.slug)
    figures: dict[str, Any] = {}
    fold = rebuild._fold

    def measured(
        jobs: list[fold_worker.Job],
        result: rebuild.BulkResult,
        progress: rebuild.Progress | None,
    ) -> None:
        window, cpu, load = BackendCpu(args.database), _process_cpu(), os.getloadavg()[0]
        started = time.perf_counter()
        fold(jobs, result, progress)
        figures["wall"] = time.perf_counter() - started
        figures["python"] = _process_cpu() - cpu
        figures["backends"] = window.stop()
        figures["load"] = (load, os.getloadavg()[0])

    rebuild._fold = measured  # the stage, as bulk_rebuild calls it
    result = rebuild.bulk_rebuild(c, tenant.id, workers=2)
    spent = figures["backends"]
    print(
        f"fold {figures['wall']:.1f} s wall, CPU: python {figures['python']:.1f} s,"
        f" backends {sum(spent.values()):.1f} s ("
        + ", ".join(f"{k} {v:.1f}" for k, v in sorted(spent.items()))
        + f"); {result.samples:,} samples, {result.tickets:,} tickets;"
        f" load {figures['load'][0]:.1f} → {figures['load'][1]:.1f}; stages "
        + ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
    )


if __name__ == "__main__":
    main()
