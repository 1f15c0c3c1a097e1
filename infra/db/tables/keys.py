"""What every tenant-owned table repeats: its key (tenant, id) and its foreign keys to its
tenant and to agents of it."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint
from sqlmodel import Field, SQLModel

from infra.db.types import new_id


def tenant_fk() -> ForeignKeyConstraint:
    """Rows go with their tenant."""
    return ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE")


def agent_fk(column: str, name: str | None = None) -> ForeignKeyConstraint:
    """`column` names an agent of the row's tenant."""
    return ForeignKeyConstraint(["tenant_id", column], ["agent.tenant_id", "agent.id"], name=name)


class TenantKeyed(SQLModel):
    """The primary key (tenant_id, id), with a fresh id unless one is given."""

    tenant_id: str = Field(primary_key=True, max_length=32)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
