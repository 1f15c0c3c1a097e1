"""Row-level security for tenant tables, for migrations (docs/architecture.md, "Tenant
isolation"). A migration that creates a table with a `tenant_id` calls
`enable_tenant_rls("the_table")` right after creating it (dropping the table drops its
policy); tests/integration/test_row_level_security.py fails for a tenant table without it.

RLS is enabled, and forced once the database has its system login (`fairscore db roles`, a
superuser's step, which forces the tables already there and names that login in the
database's `fairscore.system_role` setting): then the owner is bound too. Before that the
tables' owner (the role migrations run as, a plain LOGIN role with no CREATEROLE is enough)
is not bound, the app's login is. Nothing here creates roles. SQLite: nothing.

Migrations run with `row_security = off` (migrations/env.py): a data migration on a forced
tenant table fails instead of silently seeing no rows; it runs its statements inside
`as_system_role()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from infra.db.roles import REACHABLE_SQL, SYSTEM_ROLE, SYSTEM_ROLE_SETTING

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
    if _system_role() is not None:
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def disable_tenant_rls(table: str) -> None:
    if not _postgres():
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


@contextmanager
def as_system_role() -> Iterator[None]:
    """The statements of a data migration on tenant tables run as the system role, which
    forced RLS does not bind (without it, RLS is not forced: nothing to switch)."""
    role = _system_role()
    if role is None:
        yield
        return
    op.execute(f'SET LOCAL ROLE "{role}"')
    try:
        yield
    finally:
        op.execute("SET LOCAL ROLE NONE")


def _system_role() -> str | None:
    """The system login `fairscore db roles` prepared this database with, when the role
    migrating may switch to it (roles are cluster-wide: another database's `db roles`
    alone does not count). Databases prepared before the setting existed: the default."""
    if not _postgres():
        return None
    bind = op.get_bind()
    role = bind.exec_driver_sql(f"SELECT current_setting('{SYSTEM_ROLE_SETTING}', true)").scalar()
    role = role or SYSTEM_ROLE
    found = bind.exec_driver_sql(REACHABLE_SQL, (role,))
    return role if found.first() is not None else None


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
