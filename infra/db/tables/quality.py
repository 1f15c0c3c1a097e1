"""QA: scorecards, conversation reviews, sampling rules, review assignments, calibration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from infra.db.tables.keys import TenantKeyed, agent_fk, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, utcnow

# No foreign key to `ticket` here: a ticket row is derived data that a whole-history rebuild
# deletes and writes again; QA records name it by (source, external id), which it keeps,
# and the services check that the ticket exists when a record is written.


class ScorecardRow(TenantKeyed, table=True):
    """One version of a QA rubric; reviews keep the version they used."""

    __tablename__ = "scorecard"
    __table_args__ = (tenant_fk(),)

    version: int = Field(primary_key=True)
    name: str = Field(max_length=200)
    definition: dict[str, Any] = Field(sa_type=JsonColumn)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class CalibrationSessionRow(TenantKeyed, table=True):
    """Several reviewers score the same tickets on one scorecard version."""

    __tablename__ = "calibration_session"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "scorecard_id", "scorecard_version"],
            ["scorecard.tenant_id", "scorecard.id", "scorecard.version"],
        ),
    )

    name: str = Field(max_length=200)
    scorecard_id: str = Field(max_length=32)
    scorecard_version: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class CalibrationTicketRow(SQLModel, table=True):
    __tablename__ = "calibration_ticket"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "session_id"],
            ["calibration_session.tenant_id", "calibration_session.id"],
            ondelete="CASCADE",
        ),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    session_id: str = Field(primary_key=True, max_length=32)
    ticket_source: str = Field(primary_key=True, max_length=32)
    ticket_id: str = Field(primary_key=True, max_length=200)


class ReviewRow(TenantKeyed, table=True):
    """A reviewer's ratings of one ticket against one scorecard version.

    `created_at` is the review time (SPEC §4 "period by" of qa_score and reviews_given).
    """

    __tablename__ = "review"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "scorecard_id", "scorecard_version"],
            ["scorecard.tenant_id", "scorecard.id", "scorecard.version"],
        ),
        agent_fk("reviewer_id", "fk_review_reviewer"),
        agent_fk("reviewee_id", "fk_review_reviewee"),
        ForeignKeyConstraint(
            ["tenant_id", "calibration_session_id"],
            ["calibration_session.tenant_id", "calibration_session.id"],
            name="fk_review_calibration_session",
        ),
        Index("ix_review_ticket", "tenant_id", "ticket_source", "ticket_id"),
        Index("ix_review_reviewee", "tenant_id", "reviewee_id", "created_at"),
        Index("ix_review_session", "tenant_id", "calibration_session_id"),
    )

    scorecard_id: str = Field(max_length=32)
    scorecard_version: int
    ticket_source: str = Field(max_length=32)
    ticket_id: str = Field(max_length=200)
    reviewer_id: str = Field(max_length=32)
    reviewee_id: str = Field(max_length=32)
    ratings: dict[str, Any] = Field(sa_type=JsonColumn)
    comments: dict[str, Any] = Field(default_factory=dict, sa_type=JsonColumn)
    score: float | None = None
    calibration_session_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class SamplingRuleRow(SQLModel, table=True):
    """The tenant's rule for weekly review assignments (one per tenant)."""

    __tablename__ = "sampling_rule"
    __table_args__ = (tenant_fk(),)

    tenant_id: str = Field(primary_key=True, max_length=32)
    per_agent_per_week: int
    strategy: str = Field(max_length=32)
    seed: int = Field(sa_type=BigInteger)
    reviewer_ids: list[str] = Field(sa_type=JsonColumn)
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ReviewAssignmentRow(TenantKeyed, table=True):
    """A ticket drawn for review in a week; a ticket is assigned at most once."""

    __tablename__ = "review_assignment"
    __table_args__ = (
        tenant_fk(),
        agent_fk("agent_id", "fk_review_assignment_agent"),
        agent_fk("reviewer_id", "fk_review_assignment_reviewer"),
        ForeignKeyConstraint(
            ["tenant_id", "review_id"],
            ["review.tenant_id", "review.id"],
            name="fk_review_assignment_review",
        ),
        UniqueConstraint(
            "tenant_id", "ticket_source", "ticket_id", name="uq_review_assignment_ticket"
        ),
        Index("ix_review_assignment_week", "tenant_id", "week_start", "reviewer_id"),
    )

    week_start: date
    ticket_source: str = Field(max_length=32)
    ticket_id: str = Field(max_length=200)
    agent_id: str = Field(max_length=32)
    reviewer_id: str = Field(max_length=32)
    status: str = Field(default="open", max_length=8)
    skip_reason: str | None = Field(default=None, max_length=500)
    review_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
