"""review_cycle and performance_review (SPEC §7): cycle definitions, and one review per
(cycle, agent, period) holding its evidence frozen as a JSON document.

Revision ID: f6perf0018
Revises: f5goals0017
Create Date: 2026-12-05 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "f6perf0018"
down_revision: str | None = "f5goals0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ids() -> list[sa.Column[str]]:
    return [
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "review_cycle",
        *_ids(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("reviewer_id", sa.String(length=32), nullable=False),
        sa.Column("team_ids", _json(), nullable=False),
        sa.Column("agent_ids", _json(), nullable=False),
        sa.Column("team_reviewers", _json(), nullable=False),
        sa.Column("rating_scale", _json(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "reviewer_id"],
            ["agent.tenant_id", "agent.id"],
            name="fk_review_cycle_reviewer",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "performance_review",
        *_ids(),
        sa.Column("cycle_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("reviewer_id", sa.String(length=32), nullable=True),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("feedback", _json(), nullable=False),
        sa.Column("overall_rating", sa.String(length=200), nullable=True),
        sa.Column("self_assessment", sa.Text(), nullable=True),
        sa.Column("shared_by_client", sa.String(length=64), nullable=True),
        sa.Column("shared_by_name", sa.String(length=200), nullable=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_client", sa.String(length=64), nullable=True),
        sa.Column("acknowledged_by_name", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "cycle_id"],
            ["review_cycle.tenant_id", "review_cycle.id"],
            name="fk_performance_review_cycle",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "agent_id"],
            ["agent.tenant_id", "agent.id"],
            name="fk_performance_review_agent",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "reviewer_id"],
            ["agent.tenant_id", "agent.id"],
            name="fk_performance_review_reviewer",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint(
            "tenant_id", "cycle_id", "agent_id", "period_start", name="uq_performance_review"
        ),
    )
    op.create_index(
        "ix_performance_review_page",
        "performance_review",
        ["tenant_id", "period_start", "id"],
    )
    op.create_index(
        "ix_performance_review_agent",
        "performance_review",
        ["tenant_id", "agent_id", "period_start"],
    )


def downgrade() -> None:
    op.drop_index("ix_performance_review_agent", table_name="performance_review")
    op.drop_index("ix_performance_review_page", table_name="performance_review")
    op.drop_table("performance_review")
    op.drop_table("review_cycle")
