"""The cost of one more event: a signed webhook delivery stored, then processed.

Each round posts one canonical event (a fresh ticket, as a helpdesk would) through the
real intake (signature, storage) and times the processing job's work for it, then times
the roll-up that job requests. History size is what varies between tenants.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from domain.ports import TenantProfile
from domain.services.intake import process_pending
from domain.services.rescoring import roll_up
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import SCORE_SNAPSHOT
from infra.db.types import utcnow
from infra.sources.generic import sign


class ManualQueue:
    """No background jobs: the bench runs processing and roll-up itself, to time them."""

    def request(self, job: str, tenant_id: str, *, force: bool = False) -> bool:
        return False

    def started(self, job: str, tenant_id: str) -> None:
        pass

    def enqueue(self, job: str, *args: Any, job_id: str | None = None) -> bool:
        return False

    def claim(self, lock: str, *, ttl_seconds: int) -> bool:
        return True


@dataclass
class Measured:
    processing: list[float] = field(default_factory=list)
    rollup: list[float] = field(default_factory=list)


def has_snapshots(c: Container, tenant: TenantProfile) -> bool:
    with c.engine.connect() as conn:
        stmt = (
            select(func.count())
            .select_from(SCORE_SNAPSHOT)
            .where(SCORE_SNAPSHOT.c.tenant_id == tenant.id)
        )
        return bool(conn.execute(stmt).scalar_one())


def measure(c: Container, tenant: TenantProfile, *, rounds: int) -> Measured:
    c.__dict__["queue"] = ManualQueue()  # before the intake (which holds the queue) is built
    c.__dict__.pop("webhooks", None)
    hook = admin.create_integration(c, tenant=tenant.id, source="generic", secret=None)
    out = Measured()
    for n in range(rounds):
        _deliver(c, tenant, hook.id, hook.secret, n)
        started = time.perf_counter()
        result = process_pending(lambda: c.uow(tenant.id, exclusive=True), c.decoder)
        out.processing.append(time.perf_counter() - started)
        assert result.events == 1, result
        started = time.perf_counter()
        with c.uow(tenant.id, exclusive=True) as uow:
            roll_up(uow)
            uow.commit()
        out.rollup.append(time.perf_counter() - started)
    return out


def _deliver(c: Container, tenant: TenantProfile, integration: str, secret: str, n: int) -> None:
    at = (utcnow() - timedelta(days=1)).replace(microsecond=0)
    ticket = f"inc-{uuid.uuid4().hex[:10]}"
    event = {
        "id": f"{ticket}-created",
        "type": "ticket.created",
        "occurred_at": at.isoformat().replace("+00:00", "Z"),
        "ticket_id": ticket,
        "channel": "email",
        "requester_id": "c1",
        "assignee_id": f"ag{n % 500 + 1}",
        "team_id": f"team{n % 25 + 1}",
    }
    body = json.dumps(event).encode()
    stamp = int(time.time())
    headers = {
        "webhook-id": ticket,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(secret, ticket, stamp, body),
    }
    receipt = asyncio.run(
        c.webhooks.receive(
            source="generic",
            integration_id=integration,
            headers=headers,
            body=body,
            received_at=utcnow(),
        )
    )
    assert receipt.status == 202, receipt
