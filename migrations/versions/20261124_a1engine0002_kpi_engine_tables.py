"""kpi engine tables

Revision ID: a1engine0002
Revises: 80bdd521eaab
Create Date: 2026-11-24 03:37:47.378589
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a1engine0002"
down_revision: str | None = "80bdd521eaab"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Scores move to their own narrow table: a model change rewrites only them.
    op.create_table(
        "snapshot_score",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("subject_type", sa.String(length=8), nullable=False),
        sa.Column("subject_id", sa.String(length=32), nullable=False),
        sa.Column("grain", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("model_id", sa.String(length=32), nullable=True),
        sa.Column("model_version", sa.Integer(), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column(
            "breakdown", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "subject_type", "subject_id", "grain", "period_start"),
    )
    # Guardrail signal counts, next to the metrics of each snapshot.
    with op.batch_alter_table("score_snapshot") as batch:
        for column in ("model_id", "model_version", "total", "breakdown"):
            batch.drop_column(column)
        batch.add_column(
            sa.Column(
                "signals",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )
    # Team/tenant snapshots of long periods waiting for the next coalesced roll-up.
    op.create_table(
        "dirty_period",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("grain", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("subject_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "grain", "period_start", "level", "subject_id"),
    )
    # An agent's periods (and touches) without scanning the whole tenant's days.
    op.create_index(
        "ix_metric_sample_agent", "metric_sample", ["tenant_id", "agent_id", "local_day"]
    )


def downgrade() -> None:
    op.drop_table("dirty_period")
    op.drop_index("ix_metric_sample_agent", table_name="metric_sample")
    with op.batch_alter_table("score_snapshot") as batch:
        batch.drop_column("signals")
        batch.add_column(sa.Column("model_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("model_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("total", sa.Float(), nullable=True))
        batch.add_column(
            sa.Column(
                "breakdown",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )
    op.drop_table("snapshot_score")
