"""The audit log: one row per recorded admin change (see domain/audit.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field

from infra.db.tables.keys import TenantKeyed, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, utcnow


class AuditEventRow(TenantKeyed, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        tenant_fk(),
        # auditLog pages newest first by (at, id).
        Index("ix_audit_event_at", "tenant_id", "at", "id"),
    )

    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    client_id: str = Field(default="", max_length=64)
    actor: str = Field(default="", max_length=200)
    action: str = Field(max_length=100)
    outcome: str = Field(max_length=100)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JsonColumn)
