"""goal and goal_progress: the objective tree of SPEC §7 (tenant → team → agent), the
progress the engine computed, and every change of it for a chart.

Revision ID: f5goals0017
Revises: f4strata0016
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f5goals0017"
down_revision: str | None = "f4strata0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goal",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("owner_kind", sa.String(length=8), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=True),
        sa.Column("statistic", sa.String(length=8), nullable=True),
        sa.Column("basis", sa.String(length=8), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("direction", sa.String(length=16), nullable=True),
        sa.Column("manual_progress", sa.Float(), nullable=True),
        sa.Column("progress", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tenant_id", "parent_id"], ["goal.tenant_id", "goal.id"]),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index("ix_goal_owner", "goal", ["tenant_id", "owner_kind", "owner_id"])
    op.create_index("ix_goal_parent", "goal", ["tenant_id", "parent_id"])
    op.create_table(
        "goal_progress",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("goal_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("progress", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "goal_id"], ["goal.tenant_id", "goal.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("tenant_id", "goal_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("goal_progress")
    op.drop_index("ix_goal_parent", table_name="goal")
    op.drop_index("ix_goal_owner", table_name="goal")
    op.drop_table("goal")
