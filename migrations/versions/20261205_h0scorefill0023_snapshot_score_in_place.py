"""snapshot_score is made for re-scores that update every score of a range in place
(infra/db/repositories/rescoring_pg.py, issue 10):

- fillfactor 50: half of each page stays free, so that the update of a row finds room on
  its own page — a HOT update: no primary-key entry, no foreign-key check;
- breakdown as `json`, not `jsonb`: the server checks the text and keeps it, where jsonb
  parsed every number (≈ a quarter of the server's CPU in a whole-history re-score). The
  breakdown is only ever read whole, as text (orjson), never queried inside.

The type change rewrites the table, which also spreads the rows already stored. SQLite:
nothing (its JSON is text already).

Revision ID: h0scorefill0023
Revises: g0analyze0022
Create Date: 2026-12-05 19:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "h0scorefill0023"
down_revision: str | None = "g0analyze0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILLFACTOR = 50


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE snapshot_score SET (fillfactor = {FILLFACTOR})")
    op.execute("ALTER TABLE snapshot_score ALTER COLUMN breakdown TYPE json USING breakdown::json")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE snapshot_score RESET (fillfactor)")
    op.execute(
        "ALTER TABLE snapshot_score ALTER COLUMN breakdown TYPE jsonb USING breakdown::jsonb"
    )
