"""Fault drills of the server (issue 13): real `fairscore serve` and `fairscore worker`
processes while PostgreSQL and Redis fail under them.

- PostgreSQL restarted, and unreachable for a while, under webhook load: no 2xx for a
  delivery that was not committed (every delivery answered 2xx is in the database), while
  it is down `/readyz` and webhooks answer 503 with Retry-After (never a 500, never a 2xx),
  the sender's retries succeed once it is back, and the API and the worker recover without
  a restart: what they derive equals a clean rebuild.
- Redis restarted under the same load: nothing lost (the same checks).
- A storm: 100 copies of each delivery, 20 at a time, make one delivery and one effect.
- PostgreSQL restarted while the worker idles: the next delivery is derived at once (its
  job runs again on a disconnect: the worker's pool has no ping), not by the sweeper.

PostgreSQL and Redis here are private (tests/e2e/private_postgres.py, private_redis.py)
that the test stops and starts; the storm needs neither restarted and runs on the shared
ones. The derivation engine's own fault tests are test_derivation_faults.py.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from infra.db.tables import WEBHOOK_DELIVERY
from tests.e2e.drills import (
    Tenant,
    assert_equals_clean_rebuild,
    history,
    logs,
    make_stack,
    settled,
    start_worker,
    unique_ids,
    wait_settled,
)
from tests.e2e.harness import Stack
from tests.e2e.private_postgres import PrivatePostgres
from tests.e2e.private_redis import PrivateRedis
from tests.support.api import batch, signed_headers
from tests.support.faults import (
    backlog,
    connect,
    delivery_states,
    event_ids,
    failed_reasons,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

OUTAGE_SECONDS = 3.0
SENDERS = 4
PAUSE = 0.08  # between one sender's posts: ~50 deliveries a second, the drill spans ~8 s


@pytest.fixture
def private_stack(
    private_postgres: PrivatePostgres, redis: PrivateRedis, tmp_path: Path
) -> Iterator[Stack]:
    # The sweeper re-requests work 3 s old; a job is abandoned after 2 × 3 s of silence.
    s = make_stack(
        private_postgres.url,
        redis.url,
        tmp_path,
        SWEEP_AFTER_SECONDS="3",
        JOB_HEARTBEAT_SECONDS="3",
    )
    yield s
    s.stop()


@dataclass
class Delivery:
    """One signed webhook: the sender posts the same id, body and signature on every try."""

    msg_id: str
    body: bytes
    headers: dict[str, str]


def deliveries(
    tenant: Tenant, events: list[dict[str, Any]], *, prefix: str, most: int
) -> list[Delivery]:
    """The events in deliveries of 1..`most` events, each with a webhook-id of its own."""
    rng = random.Random(prefix)
    found, start = [], 0
    while start < len(events):
        size = rng.randint(1, most)
        body = batch(events[start : start + size])
        msg_id = f"{prefix}-{len(found)}"
        found.append(Delivery(msg_id, body, signed_headers(tenant.secret, body, msg_id=msg_id)))
        start += size
    return found


@dataclass
class Sender:
    """A helpdesk's webhook sender: posts deliveries and records every answer."""

    stack: Stack
    path: str
    answers: list[tuple[str, int]] = field(default_factory=list)  # (webhook-id, status)
    anomalies: list[str] = field(default_factory=list)  # answers no sender may get
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, client: httpx.Client, delivery: Delivery) -> int:
        try:
            response = client.post(self.path, content=delivery.body, headers=delivery.headers)
        except httpx.HTTPError as exc:  # the API itself must stay up
            status, problem = 0, f"{delivery.msg_id}: {exc!r}"
        else:
            status, problem = response.status_code, None
            if status not in (200, 202, 503):
                problem = f"{delivery.msg_id}: {status} {response.text[:200]}"
            elif status == 503 and not response.headers.get("retry-after", "").isdigit():
                problem = f"{delivery.msg_id}: 503 without Retry-After"
        with self.lock:
            self.answers.append((delivery.msg_id, status))
            if problem:
                self.anomalies.append(problem)
        return status

    def run(self, todo: list[Delivery]) -> None:
        """Post `todo` once each from SENDERS threads, paced."""
        lock = threading.Lock()

        def work() -> None:
            with httpx.Client(base_url=self.stack.url, timeout=30) as client:
                while True:
                    with lock:
                        if not todo:
                            return
                        delivery = todo.pop(0)
                    self.post(client, delivery)
                    time.sleep(PAUSE)

        threads = [threading.Thread(target=work) for _ in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    @property
    def sent(self) -> int:
        with self.lock:
            return len(self.answers)

    def ids(self, *statuses: int) -> set[str]:
        with self.lock:
            return {msg_id for msg_id, status in self.answers if status in statuses}


def stored_keys(database_url: str, tenant: Tenant) -> list[str]:
    """The webhook-ids of the tenant's stored deliveries, one per row (sorted)."""
    w = WEBHOOK_DELIVERY.c
    with connect(database_url) as conn:
        rows = conn.execute(select(w.delivery_key).where(w.tenant_id == tenant.id))
        return sorted(rows.scalars())


def readyz(stack: Stack) -> int:
    return httpx.get(f"{stack.url}/readyz", timeout=10).status_code


def wait_sent(sender: Sender, count: int, load: threading.Thread) -> None:
    wait_for(lambda: sender.sent >= count or not load.is_alive(), timeout=60, what="load")
    assert load.is_alive(), f"the load ended before {count} deliveries: pace it slower"


# --- 1. PostgreSQL restarted and unreachable, Redis restarted, under webhook load ------------


def test_restarts_under_webhook_load_lose_no_acknowledged_delivery(
    private_stack: Stack, private_postgres: PrivatePostgres, redis: PrivateRedis
) -> None:
    stack, pg = private_stack, private_postgres
    acme = Tenant(stack, pg.url, "acme")
    worker = start_worker(stack, "worker")
    events = history(tickets=60, seed=51)
    everything = deliveries(acme, events, prefix="load", most=2)
    probe = deliveries(acme, events[:1], prefix="probe", most=1)[0]
    sender = Sender(stack, acme.path)
    load = threading.Thread(target=sender.run, args=(list(everything),))
    load.start()

    wait_sent(sender, len(everything) // 5, load)
    pg.stop()  # fast: every session ends at once, as in a restart
    time.sleep(0.5)  # answers to requests committed just before the stop come in
    acked_before_outage, sent_before_outage = sender.ids(200, 202), sender.sent
    # Unreachable: not ready, and a delivery is refused with Retry-After, never taken.
    assert readyz(stack) == 503
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        assert sender.post(client, probe) == 503
    time.sleep(OUTAGE_SECONDS)
    assert sender.ids(200, 202) == acked_before_outage, "a 2xx while PostgreSQL was down"
    refused = sender.sent - sent_before_outage
    assert refused > 20, "the load did not run through the outage"
    pg.start()
    wait_for(lambda: readyz(stack) == 200, timeout=30, what="/readyz 200 after the restart")

    wait_sent(sender, len(everything) * 3 // 5, load)
    redis.stop()  # the queue survives (append-only file); asks for work meanwhile fail,
    time.sleep(1)  # the deliveries are taken all the same and the sweeper finds them
    redis.start()
    load.join(timeout=120)
    assert not load.is_alive()
    assert sender.anomalies == [], sender.anomalies

    # Every 2xx was committed (a 503 may have been too: its retry is then a duplicate).
    acked = sender.ids(200, 202)
    assert acked - set(stored_keys(pg.url, acme)) == set()
    assert acked - acked_before_outage, "nothing was taken after the restart"

    # The sender retries what was refused; every retry is taken.
    retries = [d for d in [*everything, probe] if d.msg_id not in acked]
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        answers = {d.msg_id: sender.post(client, d) for d in retries}
    assert set(answers.values()) <= {200, 202}, answers
    assert stored_keys(pg.url, acme) == sorted(d.msg_id for d in [*everything, probe])

    # The same API and worker processes catch up: nothing lost, nothing doubled.
    wait_settled(stack, pg.url)
    assert worker.poll() is None and all(p.poll() is None for p in stack.processes)
    assert event_ids(pg.url, acme.id) == unique_ids(events)
    assert set(delivery_states(pg.url, acme.id)) == {"processed"}
    assert_equals_clean_rebuild(stack, pg.url, acme)
    print(f"{len(everything)} deliveries: {refused} refused while down, {len(retries)} retried")


# --- 2. the first job after a PostgreSQL restart ---------------------------------------------

PROMPTLY = 10.0  # seconds; the sweeper would take SWEEP_AFTER_SECONDS + its interval


def test_a_delivery_just_after_a_postgresql_restart_is_derived_at_once(
    private_stack: Stack, private_postgres: PrivatePostgres, redis: PrivateRedis
) -> None:
    stack, pg = private_stack, private_postgres
    acme = Tenant(stack, pg.url, "acme")
    # No cron: only the delivery's own job can derive it (no sweeper to mask a failed job).
    worker = start_worker(stack, "worker", cron=False)
    events = history(tickets=6, seed=71)
    before, after = events[::2], events[1::2]
    acme.post(before, seed=1)
    wait_for(lambda: settled(stack, pg.url), timeout=PROMPTLY, what="derived, job done")

    pg.stop()  # fast: every session ends at once; the worker's pooled connections are dead
    pg.start()
    # One delivery, so one job: a second job would find the pool invalidated by the first.
    body = batch(after)
    headers = signed_headers(acme.secret, body, msg_id="after-restart")
    response = httpx.post(f"{stack.url}{acme.path}", content=body, headers=headers, timeout=30)
    assert response.status_code == 202, response.text  # the API pings its connections
    took = wait_for(lambda: backlog(pg.url).empty, timeout=PROMPTLY, what="derived")
    print(f"derived {took:.1f}s after the delivery that followed the restart")

    assert worker.poll() is None
    assert set(delivery_states(pg.url, acme.id)) == {"processed"}
    assert event_ids(pg.url, acme.id) == unique_ids(events)
    assert failed_reasons(redis.url, stack.env["QUEUE_NAME"]) == []  # no job failed
    assert "database dropped the connection" in logs(stack, "worker")  # the case was hit


# --- 3. a storm of copies ------------------------------------------------------------------


COPIES, PARALLEL = 100, 20


def test_a_storm_of_copies_of_each_delivery_has_one_effect(stack: Stack, database_url: str) -> None:
    acme = Tenant(stack, database_url, "acme")
    events = history(tickets=24, seed=61)
    storm = deliveries(acme, events[: len(events) // 2], prefix="storm", most=30)
    late = deliveries(acme, events[len(events) // 2 :], prefix="late", most=30)
    sender = Sender(stack, acme.path)
    limits = httpx.Limits(max_connections=PARALLEL)
    with (
        httpx.Client(base_url=stack.url, timeout=30, limits=limits) as client,
        ThreadPoolExecutor(PARALLEL) as pool,
    ):
        for delivery in storm:  # 100 copies of one delivery race, 20 at a time
            statuses = list(pool.map(lambda d: sender.post(client, d), [delivery] * COPIES))
            assert sorted(statuses) == [200] * (COPIES - 1) + [202], (delivery.msg_id, statuses)
        for delivery in late:  # later events of the same tickets, once each
            assert sender.post(client, delivery) == 202
    assert sender.anomalies == [], sender.anomalies

    everything = storm + late
    assert stored_keys(database_url, acme) == sorted(d.msg_id for d in everything)
    wait_settled(stack, database_url)
    assert event_ids(database_url, acme.id) == unique_ids(events)  # no event twice
    assert set(delivery_states(database_url, acme.id)) == {"processed"}
    assert_equals_clean_rebuild(stack, database_url, acme)
