"""Tests that measure latency run while no other test does (`@pytest.mark.alone`).

`dev.py test` runs two pytest-xdist workers on what may be a 2-core machine; a latency bound
(e.g. /healthz p99 < 100 ms) measured next to another worker's CPU-bound test would measure
that test. Every test holds a shared lock on a file of the run; an `alone` test holds it
exclusively, so it waits for the other worker's current test, and that worker waits for it.
A turnstile (taken briefly by every test, held by an `alone` one while it waits) keeps the
other worker's next tests from starving it. Without xdist there is nothing to wait for.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path


@contextmanager
def locked(path: Path, operation: int) -> Iterator[None]:
    with path.open("a") as file:
        fcntl.flock(file, operation)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


@contextmanager
def taking_turns(directory: Path, *, alone: bool) -> Iterator[None]:
    """Run the body with the run's room shared, or alone in it."""
    with ExitStack() as held:
        with locked(directory / "turnstile.lock", fcntl.LOCK_EX):
            mode = fcntl.LOCK_EX if alone else fcntl.LOCK_SH
            held.enter_context(locked(directory / "room.lock", mode))
        yield
