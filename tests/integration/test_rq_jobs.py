"""Webhook → RQ → a real `fairscore worker` process, on PostgreSQL and Redis.

Also: one pending job per tenant however many webhooks arrive, and nothing is lost
when Redis is down (the delivery stays pending; the sweeper enqueues it later).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container, install
from infra.db.tables import TICKET_EVENT, WEBHOOK_DELIVERY
from infra.db.types import utcnow
from tests.factories import Ticket
from tests.support.api import batch, count_rows, signed_headers
from tests.support.owner import owner_engine
from tests.support.rq import UNREACHABLE_REDIS, make_container, rq_app, run_worker_burst
from workers.reconnect import Reconnect, patient_redis
from workers.rq_worker import FairscoreWorker

pytestmark = pytest.mark.redis


@pytest.fixture
def queue_name() -> str:
    return f"fairscore-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def rq_container(postgres_url: str, redis_url: str, tmp_path: Path) -> Iterator[Container]:
    with rq_app(postgres_url, redis_url, tmp_path, prefix="fairscore-test") as c:
        yield c


def post_events(c: Container, tenant: TenantProfile, events: list[dict], msg_id: str) -> int:
    integration = admin.create_integration(c, tenant=tenant.id, source="generic", secret=None)
    body = batch(events)
    receipt = asyncio.run(
        c.webhooks.receive(
            source="generic",
            integration_id=integration.id,
            headers=signed_headers(integration.secret, body, msg_id=msg_id),
            body=body,
            received_at=utcnow(),
        )
    )
    return receipt.status


def test_a_real_worker_processes_a_webhook(rq_container: Container) -> None:
    tenant = admin.create_tenant(
        rq_container, slug=f"rq-{uuid.uuid4().hex[:6]}", name="RQ", timezone="UTC"
    )
    story = Ticket("R1").created(0, assignee="a1").customer(1).agent(20, "a1").solve(30)
    assert post_events(rq_container, tenant, story.events, "m-1") == 202
    assert count_rows(rq_container, WEBHOOK_DELIVERY, tenant.id, status="pending") == 1

    done = run_worker_burst(rq_container)

    assert done.returncode == 0, done.stderr[-2000:]
    assert count_rows(rq_container, WEBHOOK_DELIVERY, tenant.id, status="processed") == 1
    assert count_rows(rq_container, TICKET_EVENT, tenant.id) == 4


def test_many_webhooks_for_one_tenant_queue_one_job(rq_container: Container) -> None:
    tenant = admin.create_tenant(
        rq_container, slug=f"rq-{uuid.uuid4().hex[:6]}", name="RQ", timezone="UTC"
    )
    for n in range(5):
        story = Ticket(f"C{n}").created(n).customer(n + 1)
        assert post_events(rq_container, tenant, story.events, f"m-{n}") == 202
    queue = Queue(rq_container.settings.queue_name, connection=rq_container.redis)
    assert queue.count == 1

    assert run_worker_burst(rq_container).returncode == 0
    assert count_rows(rq_container, WEBHOOK_DELIVERY, tenant.id, status="processed") == 5
    assert count_rows(rq_container, TICKET_EVENT, tenant.id) == 10


def test_when_redis_is_down_the_delivery_waits_for_the_sweeper(
    postgres_url: str, redis_url: str, queue_name: str, tmp_path: Path
) -> None:
    down = make_container(postgres_url, UNREACHABLE_REDIS, queue_name, tmp_path)
    install(down)
    tenant = admin.create_tenant(down, slug=f"rq-{uuid.uuid4().hex[:6]}", name="RQ", timezone="UTC")
    story = Ticket("D1").created(0).customer(1)
    assert post_events(down, tenant, story.events, "m-down") == 202  # stored, not lost
    assert count_rows(down, WEBHOOK_DELIVERY, tenant.id, status="pending") == 1
    install(None)

    up = make_container(postgres_url, redis_url, queue_name, tmp_path)
    install(up)
    try:
        from workers.jobs import SWEEP_AFTER, sweep_pending

        with owner_engine(up).begin() as conn:  # make the delivery old enough to sweep
            conn.execute(
                WEBHOOK_DELIVERY.update()
                .where(WEBHOOK_DELIVERY.c.tenant_id == tenant.id)
                .values(received_at=utcnow() - SWEEP_AFTER * 2)
            )
        assert sweep_pending() >= 1
        assert run_worker_burst(up).returncode == 0
        assert count_rows(up, WEBHOOK_DELIVERY, tenant.id, status="processed") == 1
    finally:
        Queue(queue_name, connection=Redis.from_url(redis_url)).empty()
        install(None)


def test_the_worker_stops_its_pubsub_thread_without_waiting(
    redis_url: str, queue_name: str
) -> None:
    """rq's teardown sent UNSUBSCRIBE and then joined its pub/sub thread without a timeout:
    a thread that had read the reply waited 60 s for a subscription that never came."""
    reconnect = Reconnect("test")
    redis = patient_redis(redis_url, reconnect)
    worker = FairscoreWorker(
        [Queue(queue_name, connection=redis)], connection=redis, reconnect=reconnect
    )
    worker.subscribe()
    assert worker.pubsub is not None
    worker.pubsub.unsubscribe()
    deadline = time.monotonic() + 5
    while worker.pubsub.subscribed:  # the thread reads the reply
        assert time.monotonic() < deadline
        time.sleep(0.05)

    start = time.monotonic()
    worker.unsubscribe()

    assert time.monotonic() - start < 2
