"""One-on-ones (SPEC §7): dated meetings of an agent and their manager (both agents).

Rows hang off the agent ids: a deactivated or merged-away agent keeps them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from infra.db.tables.keys import agent_fk, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime


class OneOnOneRow(SQLModel, table=True):
    """A meeting; its action items ({id, text, done, goal_id}) and the ids of the
    performance reviews and goals it discusses are JSON lists."""

    __tablename__ = "one_on_one"
    __table_args__ = (
        tenant_fk(),
        agent_fk("agent_id"),
        agent_fk("manager_id"),
        Index("ix_one_on_one_agent", "tenant_id", "agent_id", "held_on", "id"),
    )

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(primary_key=True, max_length=32)
    agent_id: str = Field(max_length=32)
    manager_id: str = Field(max_length=32)
    held_on: date
    agenda: str = Field(sa_type=Text)
    notes: str = Field(sa_type=Text)
    action_items: list[dict[str, Any]] = Field(sa_type=JsonColumn)
    review_ids: list[str] = Field(sa_type=JsonColumn)
    goal_ids: list[str] = Field(sa_type=JsonColumn)
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
