"""one_on_one: dated meetings of an agent and their manager with agenda, notes, action items
and links to the agent's performance reviews and goals (SPEC §7)

Revision ID: f3oneonone0015
Revises: f2careers0014
Create Date: 2026-12-05 10:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "f3oneonone0015"
down_revision: str | None = "f2careers0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "one_on_one",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("manager_id", sa.String(length=32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("action_items", JSON, nullable=False),
        sa.Column("review_ids", JSON, nullable=False),
        sa.Column("goal_ids", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id", "agent_id"], ["agent.tenant_id", "agent.id"]),
        sa.ForeignKeyConstraint(["tenant_id", "manager_id"], ["agent.tenant_id", "agent.id"]),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_one_on_one_agent", "one_on_one", ["tenant_id", "agent_id", "held_on", "id"])


def downgrade() -> None:
    op.drop_index("ix_one_on_one_agent", table_name="one_on_one")
    op.drop_table("one_on_one")
