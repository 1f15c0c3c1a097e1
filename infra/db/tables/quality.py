"""QA scorecards and conversation reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Index
from sqlmodel import Field, SQLModel

from infra.db.types import JsonColumn, UtcDateTime, new_id, utcnow


class ScorecardRow(SQLModel, table=True):
    """One version of a QA rubric; reviews keep the version they used."""

    __tablename__ = "scorecard"
    __table_args__ = (ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),)

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    version: int = Field(primary_key=True)
    name: str = Field(max_length=200)
    definition: dict[str, Any] = Field(sa_type=JsonColumn)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ReviewRow(SQLModel, table=True):
    """A reviewer's ratings of one ticket against one scorecard version."""

    __tablename__ = "review"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        ForeignKeyConstraint(
            ["tenant_id", "scorecard_id", "scorecard_version"],
            ["scorecard.tenant_id", "scorecard.id", "scorecard.version"],
        ),
        Index("ix_review_ticket", "tenant_id", "ticket_source", "ticket_id"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
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
