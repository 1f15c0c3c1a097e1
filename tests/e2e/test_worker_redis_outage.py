"""`fairscore worker` outlives Redis restarts: it and its cron child wait (with backoff),
log once when Redis goes and once when it is back, and carry on with nothing lost.

The Redis here is a private `redis-server` (append-only file in the test's directory, so
queued jobs survive its restart) that the test stops and starts again.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.cron import get_cron_job_history_key
from rq.job import JobStatus

from tests.e2e.harness import Stack, wait_for_file, worker_stack
from tests.e2e.private_redis import PrivateRedis
from tests.e2e.worker_jobs import queue_nap
from tests.support.processes import alive, command_line, descendants, still_alive

pytestmark = [pytest.mark.e2e, pytest.mark.redis]
SWEEP = "workers.jobs.sweep_pending"
STATE = re.compile(r"(worker|cron) \(pid (\d+)\): Redis is (unreachable|back)")


@pytest.fixture
def stack(sqlite_url: str, redis: PrivateRedis, tmp_path: Path) -> Iterator[Stack]:
    s = worker_stack(database_url=sqlite_url, redis_url=redis.url, workdir=tmp_path)
    yield s
    s.stop()


def outage(redis: PrivateRedis, *, seconds: float, processes: list[int]) -> None:
    """Stop Redis for `seconds`; the given processes must live through it."""
    redis.stop()
    time.sleep(seconds)
    assert [pid for pid in processes if not alive(pid)] == []
    redis.start()


def last_sweep_at(connection: Redis) -> float:
    """When the cron last queued a sweep (epoch seconds; 0 if never)."""
    newest = connection.zrange(get_cron_job_history_key(SWEEP), -1, -1, withscores=True)
    return float(newest[0][1]) if newest else 0.0


def wait_until(condition: Callable[[], bool], timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def states(log: str) -> dict[str, list[str]]:
    """Per process (`role pid`), the Redis states it reported, in order."""
    found: dict[str, list[str]] = {}
    for role, pid, state in STATE.findall(log):
        found.setdefault(f"{role} {pid}", []).append(state)
    return found


def test_the_worker_and_its_cron_wait_for_redis_and_lose_nothing(
    stack: Stack, redis: PrivateRedis, tmp_path: Path
) -> None:
    worker = stack.start_worker("--sweep-interval", "1")
    cron = next(p for p in descendants(worker.pid) if "spawn_main" in command_line(p))
    queue = Queue(stack.env["QUEUE_NAME"], connection=Redis.from_url(redis.url))
    log = tmp_path / "worker.log"

    # 1. Redis goes away while the worker waits for jobs and the cron ticks every second.
    outage(redis, seconds=2.5, processes=[worker.pid, cron])
    back_at = time.time()
    queue_nap(queue, 0, tmp_path / "after")
    wait_for_file(tmp_path / "after", timeout=40)  # enqueued after Redis returned
    wait_until(lambda: last_sweep_at(queue.connection) > back_at)  # the cron carries on
    seen = states(log.read_text())
    assert seen[f"cron {cron}"] == ["unreachable", "back"]  # once each, not once per retry
    assert ["unreachable", "back"] in [v for k, v in seen.items() if k.startswith("worker")]

    # 2. Redis goes away while a job runs and another waits behind it.
    running = queue_nap(queue, 3, tmp_path / "running")
    wait_for_file(tmp_path / "running.started")
    waiting = queue_nap(queue, 0, tmp_path / "waiting")
    outage(redis, seconds=3.5, processes=[worker.pid, cron])
    wait_until(lambda: waiting.get_status(refresh=True) == JobStatus.FINISHED)
    assert running.get_status(refresh=True) == JobStatus.FINISHED
    wait_until(lambda: len(states(log.read_text())[f"cron {cron}"]) == 4)

    text = log.read_text()
    for process, reported in states(text).items():  # horses (pids of their own) included
        assert reported == ["unreachable", "back"] * (len(reported) // 2), process
    assert "could not connect to Redis" not in text  # rq's own, once per retry
    family = descendants(worker.pid)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0
    assert not still_alive(family, within=2)
