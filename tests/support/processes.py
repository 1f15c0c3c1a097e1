"""Which processes are alive, read from Linux's /proc (no psutil needed)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

PROC = Path("/proc")


def _pids() -> Iterator[int]:
    if not PROC.is_dir():  # not Linux: nothing to see
        return
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            yield int(entry.name)


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the name in (...) may hold spaces
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    """Running or sleeping: a zombie (exited, not yet reaped) does not count."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def descendants(pid: int) -> set[int]:
    """Every living process below `pid` (children, their children, ...)."""
    parents: dict[int, list[int]] = {}
    for child in _pids():
        stat = _stat(child)
        if stat is not None and stat[0] not in ("Z", "X"):
            parents.setdefault(stat[1], []).append(child)
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def still_alive(pids: Iterable[int], *, within: float) -> set[int]:
    """Wait up to `within` seconds for `pids` to end; the ones that did not."""
    deadline = time.monotonic() + within
    left = {pid for pid in pids if alive(pid)}
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = {pid for pid in left if alive(pid)}
    return left


def command_line(pid: int) -> str:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip() or "?"


def carrying(variable: str, value: str) -> set[int]:
    """Living processes (but this one) whose environment holds `variable=value`: the ones
    started, directly or not, by a process that had it in os.environ."""
    entry = f"{variable}={value}".encode()
    found = set()
    for pid in _pids():
        if pid == os.getpid() or not alive(pid):
            continue
        try:
            environ = (PROC / str(pid) / "environ").read_bytes()
        except OSError:
            continue
        if entry in environ.split(b"\0"):
            found.add(pid)
    return found


def own_resource_tracker() -> set[int]:
    """multiprocessing's resource tracker of this process (a spawn pool, e.g. the bulk
    rebuild's, starts one): it ends when this process exits, so it never outlives the run."""
    me = os.getpid()
    return {
        pid
        for pid in descendants(me)
        if (stat := _stat(pid)) is not None
        and stat[1] == me
        and "multiprocessing.resource_tracker" in command_line(pid)
    }
