"""integration.secret widened to 1,000: it now holds a Fernet token (`fernet:` + base64
of the encrypted secret, about 1.5 times the plaintext's 500 at most)

Rows stay as they are (plaintext is still read); `fairscore secrets reencrypt` encrypts
them. Going down only narrows the column: a version before this one cannot read encrypted
secrets, so set them again (or restore plaintext) before running it.

Revision ID: d7secrets0007
Revises: d6clients0006
Create Date: 2026-12-04 23:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d7secrets0007"
down_revision: str | None = "d6clients0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("integration") as batch:
        batch.alter_column(
            "secret", type_=sa.String(length=1000), existing_type=sa.String(length=500)
        )


def downgrade() -> None:
    with op.batch_alter_table("integration") as batch:
        batch.alter_column(
            "secret", type_=sa.String(length=500), existing_type=sa.String(length=1000)
        )
