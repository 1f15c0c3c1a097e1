"""The worker's heartbeat thread: a running job is beaten every interval, a finished one
never again, and one thread serves every job of the worker's life."""

from __future__ import annotations

import time
from typing import Any, cast

from rq.executions import Execution
from rq.job import Job

from workers.rq_worker import _JobBeats

INTERVAL = 0.05


def test_a_running_job_is_beaten_and_a_finished_one_never_again() -> None:
    beaten: list[Any] = []
    beats = _JobBeats(lambda job, execution: beaten.append(job), INTERVAL)
    threads = set()
    for job in (cast(Job, "first"), cast(Job, "second")):
        before = len(beaten)
        with beats.running(job, cast(Execution, "execution")):
            threads.add(beats._thread)
            time.sleep(INTERVAL * 4.5)
        ended = len(beaten)
        assert ended - before >= 2 and set(beaten[before:]) == {job}, beaten
        time.sleep(INTERVAL * 3)
        assert len(beaten) == ended, "beaten after it finished"
    assert len(threads) == 1 and all(t is not None and t.is_alive() for t in threads)


def test_a_short_job_is_not_beaten() -> None:
    beaten: list[object] = []
    beats = _JobBeats(lambda job, execution: beaten.append(job), INTERVAL)
    for k in range(20):
        with beats.running(cast(Job, k), cast(Execution, None)):
            pass
    time.sleep(INTERVAL * 3)
    assert beaten == []
    assert beats._thread is not None and beats._thread.is_alive()
