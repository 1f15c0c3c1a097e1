"""integrations and identities

Revision ID: b2integr0003
Revises: a1engine0002
Create Date: 2026-11-24 03:37:47.821098
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "b2integr0003"
down_revision: str | None = "a1engine0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Admins' agent merges and unmerges (identity mapping across helpdesks).
    op.create_table(
        "agent_merge",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("from_agent_id", sa.String(length=32), nullable=False),
        sa.Column("to_agent_id", sa.String(length=32), nullable=False),
        sa.Column(
            "identities", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id", "from_agent_id"], ["agent.tenant_id", "agent.id"]),
        sa.ForeignKeyConstraint(["tenant_id", "to_agent_id"], ["agent.tenant_id", "agent.id"]),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    with op.batch_alter_table("agent_merge", schema=None) as batch_op:
        batch_op.create_index("ix_agent_merge_created", ["tenant_id", "created_at"], unique=False)
    # A webhook URL names its integration by id alone: one id, one integration, whatever
    # the tenant (ids are generated, so no existing rows can clash).
    with op.batch_alter_table("integration", schema=None) as batch_op:
        batch_op.drop_index("ix_integration_id")
        batch_op.create_index("ix_integration_id", ["id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("integration", schema=None) as batch_op:
        batch_op.drop_index("ix_integration_id")
        batch_op.create_index("ix_integration_id", ["id"], unique=False)
    with op.batch_alter_table("agent_merge", schema=None) as batch_op:
        batch_op.drop_index("ix_agent_merge_created")
    op.drop_table("agent_merge")
