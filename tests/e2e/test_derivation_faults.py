"""Fault tests of the derivation engine (issue 10): real PostgreSQL, a private Redis, real
`fairscore serve` and `fairscore worker` processes. Whatever goes wrong — Redis stops while
changes arrive, workers are SIGKILLed mid-job, two workers race on one tenant — once the
workers have caught up, every derived row equals what a clean rebuild (`fairscore
recompute`) makes of the same event log, and nothing is left waiting: no pending delivery,
no outbox row, no queued job, no job stuck in RQ's started registry.

Short fuses make this run in bounded time: the sweeper runs every second and re-requests
work older than SWEEP_AFTER_SECONDS; a job is abandoned after two missed heartbeats of
JOB_HEARTBEAT_SECONDS (both settings of the application, see workers/cron.py).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from tests.e2e.drills import (
    Tenant,
    assert_equals_clean_rebuild,
    history,
    logs,
    make_stack,
    start_worker,
    unique_ids,
    wait_settled,
)
from tests.e2e.harness import Stack
from tests.e2e.private_redis import PrivateRedis
from tests.support.faults import backlog, delivery_states, event_ids, failed_reasons, rq_state
from tests.support.processes import descendants

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


@pytest.fixture
def stack(database_url: str, redis: PrivateRedis, tmp_path: Path) -> Iterator[Stack]:
    # The sweeper re-requests work 3 s old; a job is abandoned after 2 × 3 s of silence.
    s = make_stack(
        database_url, redis.url, tmp_path, SWEEP_AFTER_SECONDS="3", JOB_HEARTBEAT_SECONDS="3"
    )
    yield s
    s.stop()


# --- 1. Redis stops while deliveries and a model change arrive --------------------------------


def test_a_redis_outage_delays_derivation_but_loses_none_of_it(
    stack: Stack, redis: PrivateRedis, database_url: str
) -> None:
    acme, beta = Tenant(stack, database_url, "acme"), Tenant(stack, database_url, "beta")
    rng = random.Random(10)
    events = history(tickets=120, seed=11)
    late = rng.sample(range(len(events)), k=len(events) // 5)  # arrive during the outage
    early = [e for i, e in enumerate(events) if i not in set(late)]
    during = [events[i] for i in sorted(late)] + history(tickets=30, seed=12, prefix="U")
    worker = start_worker(stack, "worker")
    acme.post(early, seed=1)
    beta.post(events, seed=2)
    wait_settled(stack, database_url)

    redis.stop()
    acme.post(during, seed=3)  # late events of known tickets, and new tickets
    acme.change_model("2026-07-01")  # a RESCORE in acme's outbox, beside its deliveries
    beta.change_model("2026-08-01")  # beta's only waiting work: an outbox request
    # The work is committed, and nobody could ask for it: only the outbox knows.
    waiting_acme, waiting_beta = backlog(database_url, acme.id), backlog(database_url, beta.id)
    assert waiting_acme.deliveries > 0 and waiting_acme.requests > 0, waiting_acme
    assert waiting_beta.requests > 0 and waiting_beta.deliveries == 0, waiting_beta
    assert worker.poll() is None
    redis.start()

    # Back, Redis holds no request for it (the API's asks failed): nothing happens until
    # the sweeper finds the work SWEEP_AFTER_SECONDS old and requests a reconcile (it may
    # already have, on its first tick after the restart).
    took = wait_settled(stack, database_url)
    assert backlog(database_url, acme.id).empty and backlog(database_url, beta.id).empty
    swept = [line for line in logs(stack, "worker").splitlines() if "sweep_pending" in line]
    assert swept, "the sweeper never ran"
    print(f"caught up {took:.1f}s after Redis returned")

    assert event_ids(database_url, acme.id) == unique_ids(early, during)
    assert set(delivery_states(database_url, acme.id)) == {"processed"}
    assert_equals_clean_rebuild(stack, database_url, acme)
    assert_equals_clean_rebuild(stack, database_url, beta)


# --- 2. kill -9 of a worker at random points -----------------------------------------------


def running_jobs(stack: Stack) -> list[str]:
    """The jobs in RQ's started registry (a worker runs jobs in its own process)."""
    return rq_state(stack.env["REDIS_URL"], stack.env["QUEUE_NAME"]).started


def wait_for_job(
    stack: Stack, worker: subprocess.Popen[bytes], *, besides: set[str], timeout: float = 30
) -> None:
    """Until the worker has started a job (one not among `besides`: killed jobs stay in
    the registry until they are found abandoned)."""
    deadline = time.monotonic() + timeout
    while not set(running_jobs(stack)) - besides:
        assert time.monotonic() < deadline, "the worker ran no job"
        assert worker.poll() is None, "the worker exited"
        time.sleep(0.01)


def kill_family(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and its children at once: a crashed machine."""
    family = descendants(worker.pid)
    os.kill(worker.pid, signal.SIGKILL)
    for pid in family:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=10)


def test_workers_killed_mid_job_leave_nothing_stuck(
    stack: Stack, redis: PrivateRedis, database_url: str
) -> None:
    acme = Tenant(stack, database_url, "acme")
    rng = random.Random(20)
    events = history(tickets=180, seed=21)
    parts = [events[i::12] for i in range(12)]  # interleaved: every part touches old tickets
    kills: list[bool] = []  # per kill: whether a job was still running
    began = time.monotonic()
    while sum(kills) < 5 and len(parts) > 1:
        # No worker runs: the requests wait in the queue (or, when a killed job had not
        # yet started, in the outbox for the new worker's sweep at its start).
        acme.post(parts.pop(0), seed=100 + len(parts))
        before = set(running_jobs(stack))
        victim = start_worker(stack, f"worker-victim-{len(parts)}", cron=False)
        wait_for_job(stack, victim, besides=before)
        time.sleep(rng.uniform(0, 0.1))  # somewhere inside (or just after) the job
        kills.append(bool(set(running_jobs(stack)) - before))
        kill_family(victim)
    killing = time.monotonic() - began
    assert sum(kills) >= 5, kills

    # A new worker starts while the last killed job is still "started" (its heartbeats of
    # JOB_HEARTBEAT_SECONDS=3 are not yet missed), so rq's clean-up at its start leaves it
    # there and its next one comes after 10 min: the cron has to clear it.
    start_worker(stack, "worker-final")
    for n, part in enumerate(parts):
        acme.post(part, seed=200 + n)
    took = wait_settled(stack, database_url)
    print(f"{len(kills)} kills in {killing:.0f}s (hit a job): {kills}; settled {took:.1f}s")
    assert event_ids(database_url, acme.id) == unique_ids(events)
    assert set(delivery_states(database_url, acme.id)) == {"processed"}
    reasons = failed_reasons(redis.url, stack.env["QUEUE_NAME"])
    assert any("AbandonedJobError" in r for r in reasons), reasons
    assert_equals_clean_rebuild(stack, database_url, acme)


# --- 3. two workers, one tenant, a burst ----------------------------------------------------


def test_two_workers_on_one_tenant_never_corrupt_or_double_count(
    stack: Stack, database_url: str
) -> None:
    acme = Tenant(stack, database_url, "acme")
    events = history(tickets=250, seed=31)
    first, second = start_worker(stack, "worker-1"), start_worker(stack, "worker-2")
    slices = [events[i::4] for i in range(4)]  # interleaved: one ticket's events race
    posters = [
        threading.Thread(target=acme.post, args=(part,), kwargs={"seed": 40 + i, "max_batch": 8})
        for i, part in enumerate(slices)
    ]
    for poster in posters:
        poster.start()
    for poster in posters:
        poster.join(timeout=120)
    wait_settled(stack, database_url)
    assert first.poll() is None and second.poll() is None

    for name in ("worker-1", "worker-2"):  # both took the tenant's jobs
        assert f"tenant {acme.id}:" in logs(stack, name), name
    assert event_ids(database_url, acme.id) == unique_ids(events)
    assert set(delivery_states(database_url, acme.id)) == {"processed"}
    assert_equals_clean_rebuild(stack, database_url, acme)
