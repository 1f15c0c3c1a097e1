"""`fairscore worker` stops within 10 s of SIGTERM, its job done or requeued, and leaves no
process behind (cron child, multiprocessing's helper), even when killed."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.job import JobStatus

from tests.e2e.harness import Stack, wait_for_file, worker_stack
from tests.e2e.worker_jobs import queue_nap
from tests.support.processes import command_line, descendants, still_alive

pytestmark = [pytest.mark.e2e, pytest.mark.redis]
STOP_WITHIN_SECONDS = 10


@pytest.fixture
def stack(sqlite_url: str, redis_url: str, tmp_path: Path) -> Iterator[Stack]:
    s = worker_stack(database_url=sqlite_url, redis_url=redis_url, workdir=tmp_path)
    yield s
    s.stop()
    queue = Queue(s.env["QUEUE_NAME"], connection=Redis.from_url(redis_url))
    queue.empty()


@pytest.fixture
def queue(stack: Stack) -> Queue:
    return Queue(stack.env["QUEUE_NAME"], connection=Redis.from_url(stack.env["REDIS_URL"]))


def family_at_work(worker: subprocess.Popen[bytes]) -> set[int]:
    """The worker's processes while it runs a job (in the worker itself): its cron child
    and multiprocessing's resource tracker."""
    family = descendants(worker.pid)
    lines = [command_line(pid) for pid in family]
    assert any("spawn_main" in line for line in lines), lines  # the cron child
    return family


def sigterm(worker: subprocess.Popen[bytes]) -> float:
    """Seconds the worker took to exit after SIGTERM (it must exit cleanly)."""
    start = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=STOP_WITHIN_SECONDS + 20) == 0
    return time.monotonic() - start


def test_sigterm_mid_job_finishes_the_job_and_leaves_no_process(
    stack: Stack, queue: Queue, tmp_path: Path
) -> None:
    worker = stack.start_worker()
    job = queue_nap(queue, 2, tmp_path / "nap")
    wait_for_file(tmp_path / "nap.started")
    family = family_at_work(worker)
    assert len(family) >= 2  # cron child, resource tracker (jobs run in the worker)

    took = sigterm(worker)

    assert took < STOP_WITHIN_SECONDS
    assert (tmp_path / "nap").exists()
    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert not still_alive(family, within=2)


def test_sigterm_during_a_long_job_requeues_it_within_10_s(
    stack: Stack, queue: Queue, tmp_path: Path
) -> None:
    worker = stack.start_worker()
    job = queue_nap(queue, 120, tmp_path / "long")
    wait_for_file(tmp_path / "long.started")
    family = family_at_work(worker)

    took = sigterm(worker)

    assert took < STOP_WITHIN_SECONDS
    assert not (tmp_path / "long").exists()
    assert job.get_status(refresh=True) == JobStatus.QUEUED
    assert queue.get_job_ids()[0] == job.id  # at the front, not among the failed
    assert job.id not in queue.failed_job_registry.get_job_ids()
    assert not still_alive(family, within=2)


def test_the_cron_child_dies_with_a_killed_worker(stack: Stack) -> None:
    worker = stack.start_worker()
    family = descendants(worker.pid)
    assert any("spawn_main" in command_line(pid) for pid in family)

    worker.kill()  # SIGKILL: no chance to stop its children
    worker.wait()

    assert not still_alive(family, within=5)
