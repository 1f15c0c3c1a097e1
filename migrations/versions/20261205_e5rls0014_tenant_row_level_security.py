"""PostgreSQL row-level security on every table with a tenant_id (docs/architecture.md,
"Tenant isolation"): RLS enabled and forced (the owner is subject to it too), one policy
`tenant_isolation` admitting the rows of `current_setting('fairscore.tenant_id')`, which
a unit of work sets per transaction. The roles: `fairscore_app` (NOLOGIN, NOBYPASSRLS,
owns nothing, granted DML) that the app's connections switch to, and `fairscore_system`
(NOLOGIN, BYPASSRLS, granted DML) for the cross-tenant paths. Roles are cluster-wide:
created when missing (needs CREATEROLE, and a superuser for BYPASSRLS; an operator may
create them beforehand), never dropped by the downgrade. The tables are read from the
catalog, so the migration covers exactly the schema at this revision; a later table with
a tenant_id needs its own `enable_tenant_rls` (tests/integration/test_row_level_security.py
fails until it has one). SQLite: nothing.

Revision ID: e5rls0014
Revises: e4signals0013
Create Date: 2026-12-05 07:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5rls0014"
down_revision: str | None = "e4signals0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP, SYSTEM = "fairscore_app", "fairscore_system"
POLICY = "tenant_isolation"
_TENANT_MATCH = "tenant_id = current_setting('fairscore.tenant_id', true)"
_DML = "SELECT, INSERT, UPDATE, DELETE"


def enable_tenant_rls(table: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY {POLICY} ON {table} USING ({_TENANT_MATCH}) WITH CHECK ({_TENANT_MATCH})"
    )


def _create_role(name: str, options: str) -> None:
    # Concurrent migrations of two databases of one cluster may race to create it.
    op.execute(
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN
                CREATE ROLE {name} {options};
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$"""
    )


def _tenant_tables() -> list[str]:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT c.table_name FROM information_schema.columns c"
            " JOIN information_schema.tables t USING (table_schema, table_name)"
            " WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'"
            " AND t.table_type = 'BASE TABLE' ORDER BY c.table_name"
        )
    )
    return [name for (name,) in rows]


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    _create_role(APP, "NOLOGIN NOBYPASSRLS")
    _create_role(SYSTEM, "NOLOGIN BYPASSRLS")
    for role in (APP, SYSTEM):
        op.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        op.execute(f"GRANT {_DML} ON ALL TABLES IN SCHEMA public TO {role}")
        op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        # Tables later migrations create (as the same owner) are granted too.
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {_DML} ON TABLES TO {role}")
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        )
    for table in _tenant_tables():
        enable_tenant_rls(table)


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table in _tenant_tables():
        op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for role in (APP, SYSTEM):
        op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE {_DML} ON TABLES FROM {role}")
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {role}"  # noqa: S608 -- constant role names
        )
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}")
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        op.execute(f"REVOKE USAGE ON SCHEMA public FROM {role}")
