"""What the derivation fault tests look at: a tenant's derived rows (to compare with a clean
rebuild), the outbox backlog, and RQ's queue and started registry — read straight from
PostgreSQL and Redis, never through the code under test."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry
from sqlalchemy import Connection, Table, create_engine, func, select
from sqlalchemy.pool import NullPool

from infra.db.tables import (
    AGENT_TEAM,
    DERIVATION_REQUEST,
    DIRTY_PERIOD,
    METRIC_SAMPLE,
    RATING,
    SCORE_SNAPSHOT,
    SNAPSHOT_SCORE,
    TENANT,
    TICKET,
    TICKET_EVENT,
    WEBHOOK_DELIVERY,
)

# Derived data, and the columns that only say *when* it was written.
DERIVED: dict[str, tuple[Table, frozenset[str]]] = {
    "ticket": (TICKET, frozenset({"updated_at"})),
    "rating": (RATING, frozenset()),
    "agent_team": (AGENT_TEAM, frozenset()),
    "metric_sample": (METRIC_SAMPLE, frozenset()),
    "score_snapshot": (SCORE_SNAPSHOT, frozenset({"computed_at"})),
    "snapshot_score": (SNAPSHOT_SCORE, frozenset({"scored_at"})),
}
Rows = dict[str, dict[str, dict[str, Any]]]  # table → primary key (JSON) → row
TOLERANCE = 1e-9  # relative: summation order may differ between incremental and bulk


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


def _plain(value: Any) -> Any:
    """JSON-like values (dates as ISO strings), comparable across two reads."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def derived_rows(database_url: str, tenant: str) -> Rows:
    """Every derived row of the tenant, by primary key."""
    out: Rows = {}
    with connect(database_url) as conn:
        for name, (table, ignored) in DERIVED.items():
            keys = [c.name for c in table.primary_key.columns if c.name != "tenant_id"]
            columns = [c for c in table.c if c.name not in ignored and c.name != "tenant_id"]
            rows = conn.execute(select(*columns).where(table.c.tenant_id == tenant)).mappings()
            out[name] = {
                json.dumps([_plain(r[k]) for k in keys]): {c: _plain(v) for c, v in r.items()}
                for r in rows
            }
    return out


def same(a: Any, b: Any) -> bool:
    """Equal, floats within TOLERANCE (relative; absolute near zero)."""
    if isinstance(a, float | int) and isinstance(b, float | int):
        if isinstance(a, bool) or isinstance(b, bool):
            return a == b
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def differences(ours: Rows, rebuilt: Rows, *, show: int = 3) -> list[str]:
    """Per table, rows only one side has and rows that differ (a few of each); empty when
    both agree."""
    problems = []
    for name in DERIVED:
        a, b = ours.get(name, {}), rebuilt.get(name, {})
        only_ours, only_rebuilt = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
        changed = sorted(k for k in a.keys() & b.keys() if not same(a[k], b[k]))
        if only_ours or only_rebuilt or changed:
            problems.append(
                f"{name}: {len(only_ours)} row(s) only as derived {only_ours[:show]}, "
                f"{len(only_rebuilt)} only after the rebuild {only_rebuilt[:show]}, "
                f"{len(changed)} differ: " + "; ".join(f"{a[k]} != {b[k]}" for k in changed[:show])
            )
    return problems


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
    def count(table: Table, *where: Any) -> int:
        if tenant is not None:
            where = (*where, table.c.tenant_id == tenant)
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

    with connect(database_url) as conn:
        return Backlog(
            deliveries=count(WEBHOOK_DELIVERY, WEBHOOK_DELIVERY.c.status == "pending"),
            dirty=count(DIRTY_PERIOD),
            requests=count(DERIVATION_REQUEST),
        )


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
