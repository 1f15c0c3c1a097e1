"""KPI models, score snapshots and admin-entered period figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from infra.db.tables.keys import TenantKeyed, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, utcnow


class KpiModelRow(TenantKeyed, table=True):
    """One version of a weighted KPI model; a new version never edits an old one."""

    __tablename__ = "kpi_model"
    __table_args__ = (tenant_fk(),)

    version: int = Field(primary_key=True)
    name: str = Field(max_length=200)
    level: str = Field(default="AGENT", max_length=8)
    team_id: str | None = Field(default=None, max_length=32)
    effective_from: date
    active: bool = False
    definition: dict[str, Any] = Field(sa_type=JsonColumn)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ScoreSnapshotRow(SQLModel, table=True):
    """Metric values (and guardrail signals) of one subject in one period."""

    __tablename__ = "score_snapshot"
    __table_args__ = (
        tenant_fk(),
        # A whole period's subjects (a case-mix re-adjustment reads them all): the key
        # puts subject_id before the period, so without it that read skips through every
        # snapshot of the level.
        Index("ix_score_snapshot_period", "tenant_id", "grain", "period_start", "subject_type"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    subject_type: str = Field(primary_key=True, max_length=8)
    subject_id: str = Field(primary_key=True, max_length=32)
    grain: str = Field(primary_key=True, max_length=8)
    period_start: date = Field(primary_key=True)
    metrics: dict[str, Any] = Field(sa_type=JsonColumn)
    signals: dict[str, Any] = Field(default_factory=dict, sa_type=JsonColumn)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SnapshotScoreRow(SQLModel, table=True):
    """The weighted score of a snapshot under the model version effective at its period's
    start. Kept apart from the (wider) metric values: a model change rewrites only these
    narrow rows, updated in place: half of each page is kept free (migration
    h0scorefill0023) so that the update is HOT (infra/db/repositories/rescoring_pg.py),
    and the breakdown is `json` text on PostgreSQL (read whole, never queried inside)."""

    __tablename__ = "snapshot_score"
    __table_args__ = (tenant_fk(), {"postgresql_with": {"fillfactor": 50}})

    tenant_id: str = Field(primary_key=True, max_length=32)
    subject_type: str = Field(primary_key=True, max_length=8)
    subject_id: str = Field(primary_key=True, max_length=32)
    grain: str = Field(primary_key=True, max_length=8)
    period_start: date = Field(primary_key=True)
    model_id: str | None = Field(default=None, max_length=32)
    model_version: int | None = None
    total: float | None = None
    breakdown: dict[str, Any] = Field(sa_type=JSON)
    scored_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class DirtyPeriodRow(SQLModel, table=True):
    """The derivation outbox's subject-periods: a (period, subject) whose snapshot waits
    for the next roll-up. A change marks what it touched in its own transaction and the
    reconciler re-aggregates it once per burst, so one more event costs the same however
    much history its periods hold. `marked_at` (the first mark) lets the sweeper find
    work a lost job request left behind."""

    __tablename__ = "dirty_period"
    __table_args__ = (tenant_fk(),)

    tenant_id: str = Field(primary_key=True, max_length=32)
    grain: str = Field(primary_key=True, max_length=8)
    period_start: date = Field(primary_key=True)
    level: str = Field(primary_key=True, max_length=8)
    subject_id: str = Field(primary_key=True, max_length=32)
    marked_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class DerivationRequestRow(SQLModel, table=True):
    """The derivation outbox's coarse requests (domain.derivation.outbox.Redo): asked for
    in the transaction of the change, removed by the reconciler once carried out — unless
    `revision` moved on meanwhile, i.e. it was asked for again while it ran."""

    __tablename__ = "derivation_request"
    __table_args__ = (tenant_fk(),)

    tenant_id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=16)
    key: str = Field(primary_key=True, max_length=64)  # "", an agent change id or a goal id
    since: date | None = None  # None: the whole history
    revision: int = 1
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ActiveUsersRow(SQLModel, table=True):
    """Active users of the tenant's product in a period (for contact_ratio)."""

    __tablename__ = "active_users"
    __table_args__ = (tenant_fk(),)

    tenant_id: str = Field(primary_key=True, max_length=32)
    grain: str = Field(primary_key=True, max_length=8)
    period_start: date = Field(primary_key=True)
    count: int
