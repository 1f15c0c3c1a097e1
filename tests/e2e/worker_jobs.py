"""Jobs for the worker's process tests, run by a real `fairscore worker` (by dotted path)."""

from __future__ import annotations

import time
from pathlib import Path

from rq import Queue
from rq.job import Job


def nap(seconds: float, marker: str) -> None:
    """Touch `marker`.started, sleep, then touch `marker`: what a job did is visible."""
    Path(f"{marker}.started").touch()
    time.sleep(seconds)
    Path(marker).touch()


def queue_nap(queue: Queue, seconds: float, marker: Path) -> Job:
    """Queue `nap` (its outcome kept for 10 minutes, for the test to read)."""
    return queue.enqueue(f"{__name__}.nap", seconds, str(marker), result_ttl=600)


def fail(message: str) -> None:
    """A job that raises: the worker's failed-jobs count and log see it."""
    raise RuntimeError(message)
