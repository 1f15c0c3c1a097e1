"""The history of admins' agent merges and unmerges (identity mapping, SPEC §2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field

from infra.db.tables.keys import TenantKeyed, agent_fk, tenant_fk
from infra.db.types import JsonColumn, UtcDateTime, utcnow


class AgentMergeRow(TenantKeyed, table=True):
    """One merge (identities of `from_agent_id` moved to `to_agent_id`) or one unmerge
    (an identity of `from_agent_id` detached into `to_agent_id`).

    Agents are never deleted by a merge, only made inactive, so the row can always
    name both sides; an unmerge reads it to give an identity back to its old agent.
    """

    __tablename__ = "agent_merge"
    __table_args__ = (
        tenant_fk(),
        agent_fk("from_agent_id"),
        agent_fk("to_agent_id"),
        Index("ix_agent_merge_created", "tenant_id", "created_at"),
    )

    action: str = Field(max_length=8)  # merge | unmerge
    from_agent_id: str = Field(max_length=32)
    to_agent_id: str = Field(max_length=32)
    # [{"source": ..., "external_id": ...}] — the identities that moved.
    identities: list[dict[str, Any]] = Field(default_factory=list, sa_type=JsonColumn)
    actor: str | None = Field(default=None, max_length=64)  # the admin's API client
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
