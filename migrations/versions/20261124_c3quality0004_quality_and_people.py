"""quality and people: scorecards, reviews, review assignments, calibration, values, surveys

Revision ID: c3quality0004
Revises: b2integr0003
Create Date: 2026-11-24 03:37:48.236497
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c3quality0004"
down_revision: str | None = "b2integr0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pulse_survey",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "questions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("enps", sa.Boolean(), nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "sampling_rule",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("per_agent_per_week", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=32), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column(
            "reviewer_ids", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "support_value",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "key"),
    )
    op.create_table(
        "calibration_session",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scorecard_id", sa.String(length=32), nullable=False),
        sa.Column("scorecard_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "scorecard_id", "scorecard_version"],
            ["scorecard.tenant_id", "scorecard.id", "scorecard.version"],
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_table(
        "enps_answer",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.String(length=32), nullable=False),
        sa.Column("respondent_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "respondent_id"],
            ["agent.tenant_id", "agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "survey_id"],
            ["pulse_survey.tenant_id", "pulse_survey.id"],
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "team_id"],
            ["team.tenant_id", "team.id"],
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "survey_id", "respondent_id"),
    )
    op.create_table(
        "pulse_answer",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.String(length=32), nullable=False),
        sa.Column("respondent_id", sa.String(length=32), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "respondent_id"],
            ["agent.tenant_id", "agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "survey_id"],
            ["pulse_survey.tenant_id", "pulse_survey.id"],
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "team_id"],
            ["team.tenant_id", "team.id"],
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "survey_id", "respondent_id", "question_key"),
    )
    op.create_table(
        "value_rating",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("value_key", sa.String(length=64), nullable=False),
        sa.Column("grain", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("rater_id", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "agent_id"],
            ["agent.tenant_id", "agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "rater_id"],
            ["agent.tenant_id", "agent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "value_key"],
            ["support_value.tenant_id", "support_value.key"],
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(
            "tenant_id", "agent_id", "value_key", "grain", "period_start", "rater_id"
        ),
    )
    with op.batch_alter_table("value_rating", schema=None) as batch_op:
        batch_op.create_index(
            "ix_value_rating_agent", ["tenant_id", "agent_id", "period_start"], unique=False
        )
    op.create_table(
        "calibration_ticket",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("ticket_source", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "session_id"],
            ["calibration_session.tenant_id", "calibration_session.id"],
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "ticket_source", "ticket_id"],
            ["ticket.tenant_id", "ticket.source", "ticket.external_id"],
            name="fk_calibration_ticket_ticket",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "session_id", "ticket_source", "ticket_id"),
    )
    op.create_table(
        "review_assignment",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("ticket_source", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.String(length=200), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.Column("reviewer_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("skip_reason", sa.String(length=500), nullable=True),
        sa.Column("review_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "agent_id"],
            ["agent.tenant_id", "agent.id"],
            name="fk_review_assignment_agent",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "review_id"],
            ["review.tenant_id", "review.id"],
            name="fk_review_assignment_review",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "reviewer_id"],
            ["agent.tenant_id", "agent.id"],
            name="fk_review_assignment_reviewer",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "ticket_source", "ticket_id"],
            ["ticket.tenant_id", "ticket.source", "ticket.external_id"],
            name="fk_review_assignment_ticket",
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint(
            "tenant_id", "ticket_source", "ticket_id", name="uq_review_assignment_ticket"
        ),
    )
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_assignment_week", ["tenant_id", "week_start", "reviewer_id"], unique=False
        )
    # The foundation's review table gains keys to its agents, ticket and calibration
    # session (SQLite cannot add constraints in place: batch mode recreates the table).
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_reviewee", ["tenant_id", "reviewee_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_review_session", ["tenant_id", "calibration_session_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_review_reviewee", "agent", ["tenant_id", "reviewee_id"], ["tenant_id", "id"]
        )
        batch_op.create_foreign_key(
            "fk_review_ticket",
            "ticket",
            ["tenant_id", "ticket_source", "ticket_id"],
            ["tenant_id", "source", "external_id"],
        )
        batch_op.create_foreign_key(
            "fk_review_reviewer", "agent", ["tenant_id", "reviewer_id"], ["tenant_id", "id"]
        )
        batch_op.create_foreign_key(
            "fk_review_calibration_session",
            "calibration_session",
            ["tenant_id", "calibration_session_id"],
            ["tenant_id", "id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_constraint("fk_review_calibration_session", type_="foreignkey")
        batch_op.drop_constraint("fk_review_reviewer", type_="foreignkey")
        batch_op.drop_constraint("fk_review_ticket", type_="foreignkey")
        batch_op.drop_constraint("fk_review_reviewee", type_="foreignkey")
        batch_op.drop_index("ix_review_session")
        batch_op.drop_index("ix_review_reviewee")
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.drop_index("ix_review_assignment_week")
    op.drop_table("review_assignment")
    op.drop_table("calibration_ticket")
    with op.batch_alter_table("value_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_value_rating_agent")
    op.drop_table("value_rating")
    op.drop_table("pulse_answer")
    op.drop_table("enps_answer")
    op.drop_table("calibration_session")
    op.drop_table("support_value")
    op.drop_table("sampling_rule")
    op.drop_table("pulse_survey")
