"""What the derivation fault tests look at: a tenant's derived rows (to compare with a clean
rebuild), the outbox backlog, and RQ's queue and started registry — read straight from
PostgreSQL and Redis, never through the code under test."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import Connection, Table, create_engine, func, select
from sqlalchemy.pool import NullPool

from infra.db.tables import (
    DERIVATION_REQUEST,
    DIRTY_PERIOD,
    TENANT,
    TICKET_EVENT,
    WEBHOOK_DELIVERY,
)
from tests.support.derived_rows import Rows, rows_of
from tests.support.derived_rows import differences as compare

# Floats of snapshots and scores may differ in their last bits: summation order.
TOLERANCE = 1e-9


@contextmanager
def connect(database_url: str) -> Iterator[Connection]:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def tenant_id(database_url: str, slug: str) -> str:
    with connect(database_url) as conn:
        return str(conn.execute(select(TENANT.c.id).where(TENANT.c.slug == slug)).scalar_one())


def derived_rows(database_url: str, tenant: str) -> Rows:
    """Every derived row of the tenant, by primary key (tests/support/derived_rows)."""
    with connect(database_url) as conn:
        return rows_of(conn, tenant)


def differences(ours: Rows, rebuilt: Rows) -> list[str]:
    """Rows only one side has and rows that differ; empty when both agree."""
    return compare(rebuilt, ours, float_tolerance=TOLERANCE)


@dataclass(frozen=True)
class Backlog:
    """Derivation work waiting in the database (every tenant)."""

    deliveries: int  # pending webhook deliveries
    dirty: int  # dirty_period rows
    requests: int  # derivation_request rows

    @property
    def empty(self) -> bool:
        return self.deliveries == self.dirty == self.requests == 0


def backlog(database_url: str, tenant: str | None = None) -> Backlog:
    """The three counts in one statement, so one snapshot: the product moves work between
    these tables in one commit (a delivery is finished where its dirty periods are marked),
    and counts read one after another could miss work moved meanwhile from a table not yet
    read to one already read (tests/e2e/test_drained.py)."""

    def count(table: Table, *where: Any) -> Any:
        if tenant is not None:
            where = (*where, table.c.tenant_id == tenant)
        return select(func.count()).select_from(table).where(*where).scalar_subquery()

    with connect(database_url) as conn:
        deliveries, dirty, requests = conn.execute(
            select(
                count(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.c.status == "pending"),
                count(DIRTY_PERIOD),
                count(DERIVATION_REQUEST),
            )
        ).one()
        return Backlog(deliveries=int(deliveries), dirty=int(dirty), requests=int(requests))


def delivery_states(database_url: str, tenant: str) -> dict[str, int]:
    w = WEBHOOK_DELIVERY.c
    with connect(database_url) as conn:
        rows = conn.execute(
            select(w.status, func.count()).where(w.tenant_id == tenant).group_by(w.status)
        )
        return {str(status): int(n) for status, n in rows}


def event_ids(database_url: str, tenant: str) -> list[str]:
    e = TICKET_EVENT.c
    with connect(database_url) as conn:
        return sorted(conn.execute(select(e.event_id).where(e.tenant_id == tenant)).scalars())


@dataclass(frozen=True)
class RqState:
    queued: int  # jobs waiting in the queue
    started: list[str]  # raw entries of the started registry ("job id:execution id")

    @property
    def idle(self) -> bool:
        return self.queued == 0 and not self.started


def rq_state(redis_url: str, queue_name: str) -> RqState:
    """Read without rq's implicit clean-up (`get_job_ids()` would run it: the test must
    see what the application left, not tidy it itself)."""
    connection = Redis.from_url(redis_url)
    try:
        queue = Queue(queue_name, connection=connection)
        started = StartedJobRegistry(queue_name, connection=connection)
        return RqState(
            queued=int(connection.llen(queue.key)),
            started=_members(connection, started.key),
        )
    finally:
        connection.close()


def _members(connection: Redis, key: str) -> list[str]:
    """A sorted set's members, read as they are (no clean-up on the way)."""
    raw: list[bytes] = connection.zrange(key, 0, -1)  # type: ignore[assignment]
    return [m.decode() for m in raw]


def failed_reasons(redis_url: str, queue_name: str) -> list[str]:
    """The last line of every failed job's error (e.g. rq's AbandonedJobError note)."""
    connection = Redis.from_url(redis_url)
    try:
        failed = FailedJobRegistry(queue_name, connection=connection)
        reasons = []
        for job_id in _members(connection, failed.key):
            job = failed.job_class.fetch(job_id, connection=connection)
            result = job.latest_result()
            text = (result.exc_string if result is not None else None) or ""
            reasons.append(text.strip().splitlines()[-1] if text.strip() else "")
        return reasons
    finally:
        connection.close()


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> float:
    """Poll until `condition`; the seconds it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"{what}: not after {timeout:.0f}s")
        time.sleep(0.2)
    return time.monotonic() - start
