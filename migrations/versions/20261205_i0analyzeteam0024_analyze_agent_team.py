"""`fairscore_analyze` may also analyze `agent_team`, the agents' team history.

A bulk rebuild refills the directory, team memberships included, and then reads them in
every team aggregate (a sample's team is the agent's team at the sample's time). Never
analysed, `agent_team` was estimated at one row per tenant, and the planner joined a
whole period's samples to it as a nested loop over the tenant's memberships. The
function is replaced with the longer list; its body is as in g0analyze0022. SQLite:
nothing.

Revision ID: i0analyzeteam0024
Revises: h0scorefill0023
Create Date: 2026-12-05 22:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "i0analyzeteam0024"
down_revision: str | None = "h0scorefill0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "agent",
    "team",
    "agent_identity",
    "team_identity",
    "metric_sample",
    "ticket",
    "score_snapshot",
    "snapshot_score",
)
TABLES = (*BEFORE, "agent_team")


def upgrade() -> None:
    _replace_function(TABLES)


def downgrade() -> None:
    _replace_function(BEFORE)


def _replace_function(tables: tuple[str, ...]) -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    allowed = ", ".join(f"'{t}'" for t in tables)
    # CREATE OR REPLACE keeps the function's owner and its grants (EXECUTE to the logins).
    op.execute(
        f"""CREATE OR REPLACE FUNCTION fairscore_analyze(tables text[]) RETURNS void
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
