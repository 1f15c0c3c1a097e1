"""Goals (domain.goals): the objective tree, the state the engine computed, and the
history of each goal's progress."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKeyConstraint, Index
from sqlmodel import Field, SQLModel

from infra.db.tables.keys import tenant_fk
from infra.db.types import UtcDateTime


class GoalRow(SQLModel, table=True):
    """A goal's definition (title … manual_progress) and, below it, what the engine
    computed (progress … computed_at). The owner is polymorphic (`owner_kind`: TENANT,
    TEAM or AGENT), so it has no foreign key: a goal outlives its agent's deactivation or
    merge, as reviews do."""

    __tablename__ = "goal"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(["tenant_id", "parent_id"], ["goal.tenant_id", "goal.id"]),
        Index("ix_goal_owner", "tenant_id", "owner_kind", "owner_id"),
        Index("ix_goal_parent", "tenant_id", "parent_id"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(primary_key=True, max_length=32)
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    owner_kind: str = Field(max_length=8)
    owner_id: str = Field(max_length=32)
    parent_id: str | None = Field(default=None, max_length=32)
    weight: float = 1.0
    start_date: date
    end_date: date
    kind: str = Field(max_length=8)
    metric: str | None = Field(default=None, max_length=64)
    statistic: str | None = Field(default=None, max_length=8)
    basis: str | None = Field(default=None, max_length=8)
    target: float | None = None
    direction: str | None = Field(default=None, max_length=16)
    manual_progress: float | None = None
    progress: float | None = None
    value: float | None = None
    sample_size: int = 0
    status: str | None = Field(default=None, max_length=16)
    completed: bool = False
    computed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)


class GoalProgressRow(SQLModel, table=True):
    """One change of a goal's progress or value (`seq` counts them per goal)."""

    __tablename__ = "goal_progress"
    __table_args__ = (
        tenant_fk(),
        ForeignKeyConstraint(
            ["tenant_id", "goal_id"], ["goal.tenant_id", "goal.id"], ondelete="CASCADE"
        ),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    goal_id: str = Field(primary_key=True, max_length=32)
    seq: int = Field(primary_key=True)
    at: datetime = Field(sa_type=UtcDateTime)
    progress: float | None = None
    value: float | None = None
    status: str | None = Field(default=None, max_length=16)
