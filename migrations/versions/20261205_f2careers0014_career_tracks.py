"""career_track, career_level, agent_career_level, career_level_change: career tracks with
ordered levels and their expectations, agents' current and target levels, and the history
of every level change (SPEC §7)

Revision ID: f2careers0014
Revises: e4signals0013
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "f2careers0014"
down_revision: str | None = "e4signals0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _id(name: str, *, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=32), nullable=nullable)


def _tenant_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE")


def _agent_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["tenant_id", "agent_id"], ["agent.tenant_id", "agent.id"])


def _track_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "track_id"], ["career_track.tenant_id", "career_track.id"]
    )


def _level_fk(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", column], ["career_level.tenant_id", "career_level.id"]
    )


def upgrade() -> None:
    op.create_table(
        "career_track",
        _id("tenant_id"),
        _id("id"),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk(),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "name_key", name="uq_career_track_name"),
    )
    op.create_table(
        "career_level",
        _id("tenant_id"),
        _id("id"),
        _id("track_id"),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("expectations", JSON, nullable=False),
        _tenant_fk(),
        _track_fk(),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "track_id", "rank", name="uq_career_level_rank"),
    )
    op.create_table(
        "agent_career_level",
        _id("tenant_id"),
        _id("agent_id"),
        _id("track_id"),
        _id("level_id"),
        _id("target_level_id", nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _tenant_fk(),
        _agent_fk(),
        _track_fk(),
        _level_fk("level_id"),
        _level_fk("target_level_id"),
        sa.PrimaryKeyConstraint("tenant_id", "agent_id", "track_id"),
    )
    op.create_table(
        "career_level_change",
        _id("tenant_id"),
        _id("id"),
        _id("agent_id"),
        _id("track_id"),
        _id("from_level_id", nullable=True),
        _id("to_level_id"),
        _id("target_level_id", nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        _tenant_fk(),
        _agent_fk(),
        _track_fk(),
        _level_fk("from_level_id"),
        _level_fk("to_level_id"),
        _level_fk("target_level_id"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_career_level_change_agent",
        "career_level_change",
        ["tenant_id", "agent_id", "changed_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_career_level_change_agent", table_name="career_level_change")
    for table in ("career_level_change", "agent_career_level", "career_level", "career_track"):
        op.drop_table(table)
