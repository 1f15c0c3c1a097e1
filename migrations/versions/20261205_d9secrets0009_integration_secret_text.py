"""integration.secret becomes TEXT: an encrypted secret's length follows its UTF-8 bytes
(500 characters of up to 4 bytes each), which outgrew VARCHAR(1000)

Going down narrows it back to 1,000, where a token may not fit: it refuses while any
secret is encrypted, until `fairscore secrets decrypt` has run (d7secrets0007 asks the same).

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
    refuse_while_encrypted()
    with op.batch_alter_table("integration") as batch:
        batch.alter_column("secret", type_=sa.String(length=1000), existing_type=sa.Text())


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
