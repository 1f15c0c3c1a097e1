"""Raw webhook deliveries: stored before the 2xx, processed later by a job."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update

from domain.intake_ports import Outcome, PendingDelivery
from domain.integrations import PENDING, DeliveryView
from domain.ports import TenantId
from infra.db.keyset import Key, Keyset
from infra.db.repositories.base import TenantRepository
from infra.db.sql import insert_for
from infra.db.tables import WEBHOOK_DELIVERY
from infra.db.types import new_id, utcnow

D = WEBHOOK_DELIVERY.c
_VIEW = (
    D.id,
    D.integration_id,
    D.source,
    D.received_at,
    D.status,
    D.reason,
    D.event_count,
    D.attempts,
    D.processed_at,
)
LISTING_ORDER = Keyset(Key(D.received_at, descending=True), Key(D.id))


@dataclass(frozen=True, slots=True)
class NewDelivery:
    integration_id: str
    source: str
    delivery_key: str
    headers: dict[str, Any]
    body: bytes
    received_at: datetime
    signature: str
    status: str = PENDING
    reason: str | None = None


def delivery_row(tenant_id: TenantId, d: NewDelivery) -> dict[str, Any]:
    """The row a new delivery is stored as."""
    return {
        "tenant_id": tenant_id,
        "id": new_id(),
        "integration_id": d.integration_id,
        "source": d.source,
        "delivery_key": d.delivery_key,
        "headers": d.headers,
        "body": d.body,
        "received_at": d.received_at,
        "signature": d.signature,
        "status": d.status,
        "reason": d.reason,
        "event_count": 0,
        "attempts": 0,
    }


def waits(d: NewDelivery, delivery_id: str | None) -> bool:
    """Whether storing `d` left derivation work: a new delivery, pending."""
    return delivery_id is not None and d.status == PENDING


def insert_delivery(insert: Any) -> Any:
    """The dialect's INSERT of a delivery (`values` given) → … ON CONFLICT DO NOTHING
    RETURNING id: a delivery's (tenant, integration, key) is stored once."""
    return insert.on_conflict_do_nothing(
        index_elements=["tenant_id", "integration_id", "delivery_key"]
    ).returning(D.id)


class SqlDeliveries(TenantRepository):
    _queued = False

    @property
    def queued(self) -> bool:
        """Whether this transaction left deliveries pending: derivation work, like the
        outbox's (the unit of work asks for a reconcile after its commit)."""
        return self._queued

    def add(self, d: NewDelivery) -> str | None:
        """Store a delivery; None when this (integration, key) was stored before."""
        row = delivery_row(self.tenant_id, d)
        stmt = insert_delivery(insert_for(self.session, WEBHOOK_DELIVERY).values(**row))
        delivery_id = self.session.execute(stmt).scalar_one_or_none()
        self._queued = self._queued or waits(d, delivery_id)
        return delivery_id

    def pending(self, limit: int) -> Sequence[PendingDelivery]:
        stmt = (
            select(D.id, D.source, D.headers, D.body, D.received_at)
            .where(D.tenant_id == self.tenant_id, D.status == PENDING)
            .order_by(D.received_at, D.id)
            .limit(limit)
        )
        return [PendingDelivery(*row) for row in self.session.execute(stmt)]

    def listing(
        self, status: str | None, limit: int, *, after: tuple[datetime, str] | None = None
    ) -> Sequence[DeliveryView]:
        """Newest first, optionally in one status; `after` a (received_at, id) position."""
        stmt = LISTING_ORDER.page(self._in_status(status), limit=limit, after=after)
        return [DeliveryView(**row._mapping) for row in self.session.execute(stmt)]

    def _in_status(self, status: str | None) -> Select[Any]:
        stmt = select(*_VIEW).where(D.tenant_id == self.tenant_id)
        return stmt if status is None else stmt.where(D.status == status)

    def get(self, delivery_id: str) -> DeliveryView | None:
        stmt = select(*_VIEW).where(D.tenant_id == self.tenant_id, D.id == delivery_id)
        row = self.session.execute(stmt).first()
        return DeliveryView(**row._mapping) if row else None

    def finish(
        self, delivery_id: str, *, status: str, reason: str | None = None, event_count: int = 0
    ) -> None:
        self.session.execute(
            update(WEBHOOK_DELIVERY)
            .where(D.tenant_id == self.tenant_id, D.id == delivery_id)
            .values(
                status=status,
                reason=reason,
                event_count=event_count,
                processed_at=utcnow(),
                attempts=D.attempts + 1,
            )
        )

    def finish_all(self, outcomes: Sequence[Outcome]) -> None:
        if not outcomes:
            return
        # One statement, many parameter sets: psycopg sends them in one pipeline.
        stmt = (
            update(WEBHOOK_DELIVERY)
            .where(D.tenant_id == self.tenant_id, D.id == bindparam("b_id"))
            .values(
                status=bindparam("b_status"),
                reason=bindparam("b_reason"),
                event_count=bindparam("b_count"),
                processed_at=utcnow(),
                attempts=D.attempts + 1,
            )
        )
        self.session.connection().execute(
            stmt,
            [
                {
                    "b_id": o.delivery_id,
                    "b_status": o.status,
                    "b_reason": o.reason,
                    "b_count": o.event_count,
                }
                for o in outcomes
            ],
        )

    def reset(self, delivery_id: str) -> bool:
        """Put a delivery back in the queue (replay after a fix); False when not found."""
        result = self.session.execute(
            update(WEBHOOK_DELIVERY)
            .where(D.tenant_id == self.tenant_id, D.id == delivery_id)
            .values(status=PENDING, reason=None)
            .returning(D.id)
        )
        found = result.scalar_one_or_none() is not None
        self._queued = self._queued or found
        return found

    def reset_status(self, status: str) -> int:
        """Put every delivery in `status` back in the queue; returns how many."""
        result = self.session.execute(
            update(WEBHOOK_DELIVERY)
            .where(D.tenant_id == self.tenant_id, D.status == status)
            .values(status=PENDING, reason=None)
            .returning(D.id)
        )
        count = len(result.scalars().all())
        self._queued = self._queued or count > 0
        return count

    def count(self, status: str | None) -> int:
        """Deliveries in `status` (None: all of them)."""
        stmt = select(func.count()).select_from(self._in_status(status).subquery())
        return int(self.session.execute(stmt).scalar_one())
