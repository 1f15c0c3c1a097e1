"""integrations and identities

Revision ID: b2integr0003
Revises: a1engine0002
Create Date: 2026-11-24 03:37:47.821098
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2integr0003"
down_revision: str | None = "a1engine0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
