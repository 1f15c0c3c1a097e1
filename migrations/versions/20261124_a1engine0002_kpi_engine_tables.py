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
    # Guardrail signal counts, next to the metrics of each snapshot.
    with op.batch_alter_table("score_snapshot") as batch:
        batch.add_column(
            sa.Column(
                "signals",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'{}'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("score_snapshot") as batch:
        batch.drop_column("signals")
