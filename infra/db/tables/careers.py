"""Career tracks (SPEC §7): tracks, their levels, agents' levels and the history of changes.

Agents' rows hang off the agent id: a deactivated or merged-away agent keeps them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from infra.db.tables.keys import agent_fk, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime


def _track_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "track_id"], ["career_track.tenant_id", "career_track.id"]
    )


def _level_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", column], ["career_level.tenant_id", "career_level.id"]
    )


class CareerTrackRow(SQLModel, table=True):
    __tablename__ = "career_track"
    __table_args__ = (
        tenant_fk(),
        UniqueConstraint("tenant_id", "name_key", name="uq_career_track_name"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)  # the name case-folded: names are unique so
    kind: str = Field(max_length=32)
    description: str = Field(default="", max_length=1000)
    created_at: datetime = Field(sa_type=UtcDateTime)


class CareerLevelRow(SQLModel, table=True):
    """One level of a track; its expectations (and their evidence) as a JSON list."""

    __tablename__ = "career_level"
    __table_args__ = (
        tenant_fk(),
        _track_fk(),
        UniqueConstraint("tenant_id", "track_id", "rank", name="uq_career_level_rank"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(primary_key=True, max_length=32)
    track_id: str = Field(max_length=32)
    rank: int
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=1000)
    expectations: list[dict[str, Any]] = Field(sa_type=JsonColumn)


class AgentCareerLevelRow(SQLModel, table=True):
    """An agent's current (and target) level on one track."""

    __tablename__ = "agent_career_level"
    __table_args__ = (
        tenant_fk(),
        agent_fk("agent_id"),
        _track_fk(),
        _level_fk("level_id"),
        _level_fk("target_level_id"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    agent_id: str = Field(primary_key=True, max_length=32)
    track_id: str = Field(primary_key=True, max_length=32)
    level_id: str = Field(max_length=32)
    target_level_id: str | None = Field(default=None, max_length=32)
    effective_on: date
    updated_at: datetime = Field(sa_type=UtcDateTime)


class CareerLevelChangeRow(SQLModel, table=True):
    """One setAgentLevel, kept: from which level to which, effective when, set by whom."""

    __tablename__ = "career_level_change"
    __table_args__ = (
        tenant_fk(),
        agent_fk("agent_id"),
        _track_fk(),
        _level_fk("from_level_id"),
        _level_fk("to_level_id"),
        _level_fk("target_level_id"),
        Index("ix_career_level_change_agent", "tenant_id", "agent_id", "changed_at"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(primary_key=True, max_length=32)
    agent_id: str = Field(max_length=32)
    track_id: str = Field(max_length=32)
    from_level_id: str | None = Field(default=None, max_length=32)
    to_level_id: str = Field(max_length=32)
    target_level_id: str | None = Field(default=None, max_length=32)
    effective_on: date
    changed_at: datetime = Field(sa_type=UtcDateTime)
    changed_by: str = Field(max_length=64)
    actor: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=2000)
