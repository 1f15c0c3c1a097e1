"""kpi engine tables

Revision ID: a1engine0002
Revises: 80bdd521eaab
Create Date: 2026-11-24 03:37:47.378589
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1engine0002"
down_revision: str | None = "80bdd521eaab"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
