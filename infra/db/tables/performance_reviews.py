"""Review cycles and performance reviews (SPEC §7). A review's evidence is a JSON document
frozen at creation (domain/performance_reviews/evidence.py, encoded by
infra/db/repositories/evidence_codec.py); nothing ever rewrites it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Index, Text, UniqueConstraint
from sqlmodel import Field

from infra.db.tables.keys import TenantKeyed, agent_fk, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, utcnow


class ReviewCycleRow(TenantKeyed, table=True):
    """Who is reviewed (teams, agents), by whom, how often, on which rating scale."""

    __tablename__ = "review_cycle"
    __table_args__ = (tenant_fk(), agent_fk("reviewer_id", "fk_review_cycle_reviewer"))

    name: str = Field(max_length=200)
    cadence: str = Field(max_length=16)
    reviewer_id: str = Field(max_length=32)
    team_ids: list[str] = Field(sa_type=JsonColumn)
    agent_ids: list[str] = Field(sa_type=JsonColumn)
    team_reviewers: list[Any] = Field(sa_type=JsonColumn)  # [[team id, reviewer id], ...]
    rating_scale: list[str] = Field(sa_type=JsonColumn)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class PerformanceReviewRow(TenantKeyed, table=True):
    """One agent's review of one cycle period: at most one per (cycle, agent, period)."""

    __tablename__ = "performance_review"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "cycle_id"],
            ["review_cycle.tenant_id", "review_cycle.id"],
            name="fk_performance_review_cycle",
        ),
        agent_fk("agent_id", "fk_performance_review_agent"),
        agent_fk("reviewer_id", "fk_performance_review_reviewer"),
        UniqueConstraint(
            "tenant_id", "cycle_id", "agent_id", "period_start", name="uq_performance_review"
        ),
        Index("ix_performance_review_page", "tenant_id", "period_start", "id"),
        Index("ix_performance_review_agent", "tenant_id", "agent_id", "period_start"),
    )

    cycle_id: str = Field(max_length=32)
    agent_id: str = Field(max_length=32)
    reviewer_id: str | None = Field(default=None, max_length=32)
    cadence: str = Field(max_length=16)
    period_start: date
    status: str = Field(max_length=16)
    evidence: dict[str, Any] = Field(sa_type=JsonColumn)
    feedback: dict[str, Any] = Field(default_factory=dict, sa_type=JsonColumn)
    overall_rating: str | None = Field(default=None, max_length=200)
    self_assessment: str | None = Field(default=None, sa_type=Text)
    shared_by_client: str | None = Field(default=None, max_length=64)
    shared_by_name: str | None = Field(default=None, max_length=200)
    shared_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    acknowledged_by_client: str | None = Field(default=None, max_length=64)
    acknowledged_by_name: str | None = Field(default=None, max_length=200)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
