"""`fairscore_analyze(tables)`: ANALYZE of the tables a bulk rebuild refills, for logins
that do not own them. Only a table's owner may ANALYZE it (PostgreSQL 15), and the app
logs in as `fairscore_app`, which owns nothing (infra/db/roles.py): the function runs as
its owner (`SECURITY DEFINER`), analyzes only the tables named below and returns nothing,
and `fairscore db roles` / `db upgrade` grant EXECUTE to the app's and system logins only.
ANALYZE reads no rows through the policies and answers none. SQLite: nothing.

Revision ID: g0analyze0022
Revises: f9snapperiod0021
Create Date: 2026-12-05 16:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "g0analyze0022"
down_revision: str | None = "f9snapperiod0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# infra/bulk/rebuild.py: the directory before the fold, the derived rows and scores after.
TABLES = (
    "agent",
    "team",
    "agent_identity",
    "team_identity",
    "metric_sample",
    "ticket",
    "score_snapshot",
    "snapshot_score",
)


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    allowed = ", ".join(f"'{t}'" for t in TABLES)
    # The schema is fixed here and search_path pinned: a caller's path cannot redirect it.
    op.execute(
        f"""CREATE FUNCTION fairscore_analyze(tables text[]) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE t text;
        BEGIN
          FOREACH t IN ARRAY tables LOOP
            IF t <> ALL (ARRAY[{allowed}]) THEN
              RAISE EXCEPTION 'fairscore_analyze: % is not a table it analyzes', t;
            END IF;
            EXECUTE format('ANALYZE %I.%I', '{schema}', t);
          END LOOP;
        END $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION fairscore_analyze(text[]) FROM PUBLIC")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS fairscore_analyze(text[])")
