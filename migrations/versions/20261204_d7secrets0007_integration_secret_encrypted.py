"""integration.secret widened to 1,000: it now holds a Fernet token (`fernet:` + base64
of the encrypted secret, about 1.5 times the plaintext's 500 at most)

Rows stay as they are (plaintext is still read); `fairscore secrets reencrypt` encrypts
them. Going down narrows the column, and a version before this one cannot read encrypted
secrets: it refuses while any is encrypted, until `fairscore secrets decrypt` has run.

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
    refuse_while_encrypted()
    with op.batch_alter_table("integration") as batch:
        batch.alter_column(
            "secret", type_=sa.String(length=500), existing_type=sa.String(length=1000)
        )


def refuse_while_encrypted() -> None:
    """Versions before d7secrets0007 would read a `fernet:` token as the plaintext (every
    webhook then fails its signature), and a token may not fit the narrower column."""
    integration = sa.table("integration", sa.column("secret"), sa.column("options", sa.JSON))
    rows = op.get_bind().execute(sa.select(integration.c.secret, integration.c.options))
    if any(_sealed(secret, options) for secret, options in rows):
        raise RuntimeError(
            "integration secrets are still encrypted: run `fairscore secrets decrypt` "
            "(at the current version, with the app stopped), then downgrade again"
        )


def _sealed(secret: str, options: dict[str, object] | None) -> bool:
    extra = (options or {}).get("additional_secrets")
    values = [secret, *(extra if isinstance(extra, list) else [])]
    return any(isinstance(v, str) and v.startswith("fernet:") for v in values)
