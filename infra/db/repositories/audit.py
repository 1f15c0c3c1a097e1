"""The audit log of one tenant, newest first; and the operator events that concern
every tenant (`record_for_every_tenant`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from domain.audit import AuditEntry, bounded_actor, bounded_details
from infra.db.repositories.base import TenantRepository
from infra.db.tables import AUDIT_EVENT, TENANT
from infra.db.types import new_id, utcnow

A = AUDIT_EVENT.c


class SqlAuditLog(TenantRepository):
    def record(
        self, *, client_id: str, actor: str, action: str, outcome: str, details: Mapping[str, Any]
    ) -> str:
        event_id = new_id()
        self.session.execute(
            insert(AUDIT_EVENT).values(
                tenant_id=self.tenant_id,
                id=event_id,
                at=utcnow(),
                client_id=client_id[:64],
                actor=bounded_actor(actor),
                action=action[:100],
                outcome=outcome[:100],
                details=bounded_details(details),
            )
        )
        return event_id

    def set_outcome(self, event_id: str, outcome: str) -> None:
        self.session.execute(
            update(AUDIT_EVENT)
            .where(A.tenant_id == self.tenant_id, A.id == event_id)
            .values(outcome=outcome[:100])
        )

    def page(self, *, first: int, after: tuple[datetime, str] | None) -> Sequence[AuditEntry]:
        stmt = select(AUDIT_EVENT).where(A.tenant_id == self.tenant_id)
        if after is not None:
            at, event_id = after
            stmt = stmt.where(or_(A.at < at, and_(A.at == at, A.id < event_id)))
        stmt = stmt.order_by(A.at.desc(), A.id.desc()).limit(first)
        return [
            AuditEntry(
                id=r.id,
                at=r.at,
                client_id=r.client_id,
                actor=r.actor,
                action=r.action,
                outcome=r.outcome,
                details=dict(r.details or {}),
            )
            for r in self.session.execute(stmt)
        ]


def record_for_every_tenant(
    session: Session, *, actor: str, action: str, details: Mapping[str, Any]
) -> None:
    """An operator change that concerns every tenant (signing keys, encryption keys) goes
    into each tenant's log, in one statement."""
    cols = ["tenant_id", "id", "at", "client_id", "actor", "action", "outcome", "details"]
    rows = select(
        TENANT.c.id,
        # One id for all the rows: the key is (tenant_id, id), so it is unique.
        literal(new_id()),
        literal(utcnow(), AUDIT_EVENT.c.at.type),
        literal(""),
        literal(bounded_actor(actor)),
        literal(action[:100]),
        literal("ok"),
        literal(bounded_details(details), AUDIT_EVENT.c.details.type),
    )
    session.execute(insert(AUDIT_EVENT).from_select(cols, rows))
