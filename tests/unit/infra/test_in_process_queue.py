"""The in-process job queue (no REDIS_URL) keeps the RQ queue's promises: a job with a
deterministic id waits at most once, and a named lock is held by one caller at a time."""

from __future__ import annotations

import threading

from infra.queue import InProcessJobQueue

ran: list[str] = []
gate = threading.Event()


def blocked(name: str) -> None:
    gate.wait(5)
    ran.append(name)


def test_a_job_id_waits_in_the_queue_at_most_once() -> None:
    ran.clear()
    gate.clear()
    jobs = InProcessJobQueue()
    job = f"{__name__}.blocked"

    first = jobs.enqueue(job, "a", job_id="week-1")
    again = jobs.enqueue(job, "b", job_id="week-1")  # the first still waits (or runs)
    other = jobs.enqueue(job, "c", job_id="week-2")
    gate.set()
    jobs.join()
    later = jobs.enqueue(job, "d", job_id="week-1")  # done: the id is free again
    jobs.join()

    assert (first, again, other, later) == (True, False, True, True)
    assert ran == ["a", "c", "d"]


def test_a_lock_is_taken_once_until_it_expires() -> None:
    jobs = InProcessJobQueue()

    assert jobs.claim("dispatch-2026-03-09", ttl_seconds=60)
    assert not jobs.claim("dispatch-2026-03-09", ttl_seconds=60)
    assert jobs.claim("dispatch-2026-03-16", ttl_seconds=60)
    assert jobs.claim("expired", ttl_seconds=0) and jobs.claim("expired", ttl_seconds=0)


def test_closing_runs_what_was_queued_then_ends_the_thread() -> None:
    ran.clear()
    gate.set()
    before = set(threading.enumerate())
    jobs = InProcessJobQueue()
    jobs.enqueue(f"{__name__}.blocked", "queued")
    (thread,) = set(threading.enumerate()) - before

    jobs.close()

    assert ran == ["queued"]
    assert not thread.is_alive()
