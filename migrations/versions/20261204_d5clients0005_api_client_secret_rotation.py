"""api_client.secret_rotated_at: when its secret was last replaced (client life cycle)

Revision ID: d5clients0005
Revises: c3quality0004
Create Date: 2026-12-04 23:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5clients0005"
down_revision: str | None = "c3quality0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "api_client", sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    # Batch mode: SQLite rebuilds the table, PostgreSQL drops the column in place.
    with op.batch_alter_table("api_client") as batch:
        batch.drop_column("secret_rotated_at")
