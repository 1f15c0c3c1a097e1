"""quality and people

Revision ID: c3quality0004
Revises: b2integr0003
Create Date: 2026-11-24 03:37:48.236497
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3quality0004"
down_revision: str | None = "b2integr0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
