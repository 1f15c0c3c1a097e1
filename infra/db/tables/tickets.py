"""Tickets, their append-only event log, raw deliveries and derived samples."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    UniqueConstraint,
    column,
    desc,
    text,
)
from sqlmodel import Field, SQLModel

from domain.integrations import PENDING
from infra.db.tables.keys import TenantKeyed, agent_fk, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, utcnow


class TicketRow(SQLModel, table=True):
    """A conversation with its derived facts (a projection of its events).

    No foreign key to `tenant`, like metric_sample: derived rows, written by the million
    by a bulk rebuild's COPY, where the key's check of every row cost a fifth of the
    ticket COPY's backend CPU; deleting a tenant deletes them by trigger
    (migrations j0derivedfk0025)."""

    __tablename__ = "ticket"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "team_id"], ["team.tenant_id", "team.id"]),
        agent_fk("assignee_id"),
        # The tickets connection's order (ticket_reads.SqlTicketReads.page); SQLite's DESC
        # puts NULLs last already.
        Index(
            "ix_ticket_page_order",
            "tenant_id",
            desc(column("created_at")).nulls_last(),
            "source",
            "external_id",
        ),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=32)
    external_id: str = Field(primary_key=True, max_length=200)
    channel: str | None = Field(default=None, max_length=64)
    priority: str | None = Field(default=None, max_length=16)  # domain.events.Priority
    requester_id: str | None = Field(default=None, max_length=200)
    team_id: str | None = Field(default=None, max_length=32)
    assignee_id: str | None = Field(default=None, max_length=32)
    status: str = Field(default="open", max_length=16)
    created_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    first_reply_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    first_solved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    reopen_count: int = 0
    public_agent_reply_count: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class TicketEventRow(SQLModel, table=True):
    """The normalised, append-only event log; unique per (tenant, source, event id).

    `stream` groups the events folded together: the ticket's external id, or
    `agent:<id>` / `activity:<id>` for an agent's profile and activity events.
    """

    __tablename__ = "ticket_event"
    __table_args__ = (
        tenant_fk(),
        Index("ix_ticket_event_stream", "tenant_id", "source", "stream"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=200)
    type: str = Field(max_length=32)
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    stream: str = Field(max_length=220)
    payload: dict[str, Any] = Field(sa_type=JsonColumn)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class RatingRow(SQLModel, table=True):
    """Every customer survey answer, projected from `ticket.rated` events."""

    __tablename__ = "rating"
    __table_args__ = (
        tenant_fk(),
        Index("ix_rating_ticket", "tenant_id", "source", "ticket_id"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=200)
    ticket_id: str = Field(max_length=200)
    kind: str = Field(max_length=8)
    score: float
    scale_max: float
    comment: str | None = None
    occurred_at: datetime = Field(sa_type=UtcDateTime)


class WebhookDeliveryRow(TenantKeyed, table=True):
    """The raw request, committed before the sender gets its 2xx."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        tenant_fk(),
        UniqueConstraint(
            "tenant_id", "integration_id", "delivery_key", name="uq_webhook_delivery_key"
        ),
        Index("ix_webhook_delivery_status", "tenant_id", "status", "received_at"),
        # Pending deliveries of all tenants, oldest first: the sweeper's and /metrics'
        # backlog read only these rows, not every delivery ever received.
        Index(
            "ix_webhook_delivery_pending",
            "received_at",
            postgresql_where=text(f"status = '{PENDING}'"),
            sqlite_where=text(f"status = '{PENDING}'"),
        ),
    )

    integration_id: str = Field(max_length=32)
    source: str = Field(max_length=32)
    delivery_key: str = Field(max_length=200)
    headers: dict[str, Any] = Field(default_factory=dict, sa_type=JsonColumn)
    body: bytes = Field(sa_type=LargeBinary)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    signature: str = Field(default="valid", max_length=16)
    status: str = Field(default="pending", max_length=16)
    reason: str | None = None
    event_count: int = 0
    attempts: int = 0
    processed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class MetricSampleRow(SQLModel, table=True):
    """One observation of a metric stream (domain.samples), dated in local days.

    `origin` is the ticket's external id, or `activity:<event>` / `review:<id>` for
    samples that do not come from a ticket.

    No foreign key to `tenant`: its check of every row a bulk rebuild COPYs cost a third
    of that COPY's backend CPU. The rows' writers name the tenant they were scoped to (RLS
    checks it); deleting a tenant deletes its samples by trigger (migrations
    j0derivedfk0025).
    """

    __tablename__ = "metric_sample"
    __table_args__ = (
        Index("ix_metric_sample_day", "tenant_id", "local_day"),
        # An agent's periods (and touches) without scanning the whole tenant's days.
        Index("ix_metric_sample_agent", "tenant_id", "agent_id", "local_day"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=32)
    origin: str = Field(primary_key=True, max_length=220)
    seq: int = Field(primary_key=True)
    metric: str = Field(max_length=32)
    agent_id: str | None = Field(default=None, max_length=32)
    team_id: str | None = Field(default=None, max_length=32)
    at: datetime = Field(sa_type=UtcDateTime)
    local_day: date
    value: float = Field(sa_type=Float)
    value_business: float | None = Field(default=None, sa_type=Float)
    # The ticket's case-mix stratum at `at` (SPEC §8); null for samples of no ticket.
    channel: str | None = Field(default=None, max_length=64)
    priority: str | None = Field(default=None, max_length=16)
