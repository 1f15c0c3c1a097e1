"""Row-level security for tenant tables, for migrations (docs/architecture.md, "Tenant
isolation"). A migration that creates a table with a `tenant_id` calls
`enable_tenant_rls("the_table")` right after creating it (dropping the table drops its
policy); tests/integration/test_row_level_security.py fails for a tenant table without it.

RLS is enabled, not forced: the tables' owner (the role migrations run as, a plain LOGIN
role with no CREATEROLE is enough) is not bound, the app's role (`fairscore db roles`,
DATABASE_APP_ROLE) is. Nothing here creates roles. SQLite: nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

POLICY = "tenant_isolation"
TENANT_MATCH = "tenant_id = current_setting('fairscore.tenant_id', true)"


def _postgres() -> bool:
    return bool(op.get_context().dialect.name == "postgresql")


def enable_tenant_rls(table: str) -> None:
    """RLS on `table`, with one policy: reads and writes of the transaction's tenant only."""
    if not _postgres():
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY {POLICY} ON {table} USING ({TENANT_MATCH}) WITH CHECK ({TENANT_MATCH})"
    )


def disable_tenant_rls(table: str) -> None:
    if not _postgres():
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def tenant_tables() -> list[str]:
    """The schema's tables with a tenant_id column, from the catalog (PostgreSQL)."""
    if not _postgres():
        return []
    rows = op.get_bind().execute(
        sa.text(
            "SELECT c.table_name FROM information_schema.columns c"
            " JOIN information_schema.tables t USING (table_schema, table_name)"
            " WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'"
            " AND t.table_type = 'BASE TABLE' ORDER BY c.table_name"
        )
    )
    return [name for (name,) in rows]
