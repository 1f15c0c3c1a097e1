"""The derivation outbox: derivation_request (coarse requests) beside dirty_period, which
gains marked_at so the sweeper can find work whose job request was lost

Revision ID: e2derive0011
Revises: d9secrets0009
Create Date: 2026-12-05 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e2derive0011"
down_revision: str | None = "d9secrets0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "derivation_request",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id", "kind", "key"),
    )
    with op.batch_alter_table("dirty_period") as batch:
        batch.add_column(
            sa.Column(
                "marked_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
    with op.batch_alter_table("dirty_period") as batch:
        batch.alter_column("marked_at", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("dirty_period") as batch:
        batch.drop_column("marked_at")
    op.drop_table("derivation_request")
