"""ticket gains ix_ticket_page_order (tenant_id, created_at DESC NULLS LAST, source,
external_id): the order the tickets connection pages in (infra/db/repositories/
ticket_reads.py), so a page is an index range instead of a sort of the tenant's tickets.
SQLite sorts NULLs first, so its DESC already puts them last (and it refuses NULLS LAST
in an index).

Revision ID: e3tickets0012
Revises: e1teams0010
Create Date: 2026-12-05 06:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e3tickets0012"
down_revision: str | None = "e1teams0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    nulls_last = " NULLS LAST" if op.get_context().dialect.name == "postgresql" else ""
    op.create_index(
        "ix_ticket_page_order",
        "ticket",
        ["tenant_id", sa.text(f"created_at DESC{nulls_last}"), "source", "external_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_page_order", table_name="ticket")
