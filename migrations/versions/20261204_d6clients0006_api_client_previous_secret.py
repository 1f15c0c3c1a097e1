"""api_client.previous_secret_hash/_expires_at: a rotated secret's grace window

Revision ID: d6clients0006
Revises: d5clients0005
Create Date: 2026-12-04 23:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d6clients0006"
down_revision: str | None = "d5clients0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "api_client", sa.Column("previous_secret_hash", sa.String(length=128), nullable=True)
    )
    op.add_column(
        "api_client",
        sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    # Batch mode: SQLite rebuilds the table, PostgreSQL drops the columns in place.
    with op.batch_alter_table("api_client") as batch:
        batch.drop_column("previous_secret_expires_at")
        batch.drop_column("previous_secret_hash")
