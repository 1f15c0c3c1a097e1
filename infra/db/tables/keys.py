"""The foreign keys every tenant-owned table repeats: to its tenant, and to an agent of it."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint


def tenant_fk() -> ForeignKeyConstraint:
    """Rows go with their tenant."""
    return ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE")


def agent_fk(column: str, name: str | None = None) -> ForeignKeyConstraint:
    """`column` names an agent of the row's tenant."""
    return ForeignKeyConstraint(["tenant_id", column], ["agent.tenant_id", "agent.id"], name=name)
