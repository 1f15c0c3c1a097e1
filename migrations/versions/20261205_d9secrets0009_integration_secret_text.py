"""integration.secret becomes TEXT: an encrypted secret's length follows its UTF-8 bytes
(500 characters of up to 4 bytes each), which outgrew VARCHAR(1000)

Going down narrows it back to 1,000; a longer stored token stops it (PostgreSQL), so run
`fairscore secrets decrypt` first, as d7secrets0007's downgrade asks anyway.

Revision ID: d9secrets0009
Revises: d8audit0008
Create Date: 2026-12-05 00:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d9secrets0009"
down_revision: str | None = "d8audit0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("integration") as batch:
        batch.alter_column("secret", type_=sa.Text(), existing_type=sa.String(length=1000))


def downgrade() -> None:
    with op.batch_alter_table("integration") as batch:
        batch.alter_column("secret", type_=sa.String(length=1000), existing_type=sa.Text())
