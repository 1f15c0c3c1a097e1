"""PostgreSQL row-level security on every table with a tenant_id (docs/architecture.md,
"Tenant isolation"): RLS enabled (not forced: the owner, which runs this, is not bound) and
one policy `tenant_isolation` admitting the rows of `current_setting('fairscore.tenant_id')`,
which a unit of work sets per transaction. It binds the app when it runs as a role that
owns nothing (DATABASE_APP_ROLE, created by `fairscore db roles`): no role is created here,
so a plain LOGIN owner without CREATEROLE can run it. The tables are read from the catalog,
so this covers the schema at this revision; a later migration that creates a tenant table
calls `migrations.rls.enable_tenant_rls` itself. SQLite: nothing.

Revision ID: f7rls0019
Revises: f6perf0018
Create Date: 2026-12-05 10:00:00.000000
"""

from collections.abc import Sequence

from migrations.rls import disable_tenant_rls, enable_tenant_rls, tenant_tables

revision: str = "f7rls0019"
down_revision: str | None = "f6perf0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in tenant_tables():
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in tenant_tables():
        disable_tenant_rls(table)
