"""The audit log: one row per recorded admin change (see domain/audit.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from infra.db.tables.keys import tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, new_id, utcnow


class AuditEventRow(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        tenant_fk(),
        # auditLog pages newest first by (at, id).
        Index("ix_audit_event_at", "tenant_id", "at", "id"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    client_id: str = Field(default="", max_length=64)
    actor: str = Field(default="", max_length=200)
    action: str = Field(max_length=100)
    outcome: str = Field(max_length=100)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JsonColumn)
