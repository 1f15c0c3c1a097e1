"""webhook_delivery gains ix_webhook_delivery_pending (received_at) WHERE status =
'pending': the tenant-less backlog /metrics reads at every scrape (count and oldest of the
pending deliveries, infra/db/repositories/system.py) and the sweeper's scan read only the
pending rows instead of every delivery ever received.

Revision ID: e4signals0013
Revises: e3tickets0012
Create Date: 2026-12-05 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4signals0013"
down_revision: str | None = "e3tickets0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index(
        "ix_webhook_delivery_pending",
        "webhook_delivery",
        ["received_at"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_pending", table_name="webhook_delivery")
