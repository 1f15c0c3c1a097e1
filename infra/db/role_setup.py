"""`fairscore db roles` and the grants of `fairscore db upgrade`: the roles row-level
security works with (infra/db/roles.py; docs/architecture.md, "Tenant isolation").

A superuser runs `db roles` once per database: cluster-wide roles need CREATEROLE (a
BYPASSRLS one, a superuser), forcing RLS on tables and granting them needs their owner. The
owner's own migrations never create a role, so a plain LOGIN owner migrates before and after.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from infra.db.engine import make_engine
from infra.db.roles import DEFAULT_APP_ROLE, SYSTEM_ROLE

# The app's role is bound by the policies; the system role, for the cross-tenant paths, is
# not. Neither logs in nor owns anything; both get DML only.
_ROLES = {"app": "NOLOGIN NOBYPASSRLS", "system": "NOLOGIN BYPASSRLS"}


def create_roles(database_url: str, role: str | None, member: str | None) -> dict[str, Any]:
    """The app's role `role` and the system role created when missing, both granted to
    `member` (default: the database's owner, the login role that migrates and runs the app)
    and given DML on the schema's tables (`grant_roles`); RLS forced on every table with
    the tenant policy (`force_tenant_rls`). Idempotent; one transaction."""
    role = role or DEFAULT_APP_ROLE
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            if member is None:
                member = str(conn.execute(_DATABASE_OWNER).scalar_one())
            created = _create(conn, role, _ROLES["app"], member)
            _create(conn, SYSTEM_ROLE, _ROLES["system"], member)
            grant_roles(conn, role)
            forced = force_tenant_rls(conn)
    finally:
        engine.dispose()
    return {"role": role, "created": created, "member": member, "forced": forced}


def _create(conn: Connection, role: str, options: str, member: str) -> bool:
    created = conn.execute(_ROLE_EXISTS, {"role": role}).scalar() is None
    if created:  # another database's `db roles` (or a test run) may create it too
        conn.exec_driver_sql(
            f"DO $$ BEGIN CREATE ROLE {_quote(conn, role)} {options};"
            " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    if not conn.execute(_IS_MEMBER, {"member": member, "role": role}).scalar_one():
        conn.exec_driver_sql(f"GRANT {_quote(conn, role)} TO {_quote(conn, member)}")
    return created


def grant_roles(conn: Connection, app_role: str | None = None) -> list[str]:
    """DML on every table and sequence of the schema for the app's role (default
    fairscore_app) and the system role, those that exist (the list). `fairscore db upgrade`
    runs it after migrating, as the owner, so tables later migrations add are granted too."""
    granted = []
    for role in (app_role or DEFAULT_APP_ROLE, SYSTEM_ROLE):
        if conn.execute(_ROLE_EXISTS, {"role": role}).scalar() is None:
            continue
        name = _quote(conn, role)
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {name}")
        conn.exec_driver_sql(f"GRANT {_DML} ON ALL TABLES IN SCHEMA public TO {name}")
        conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
        granted.append(role)
    return granted


def force_tenant_rls(conn: Connection) -> int:
    """FORCE row-level security on the schema's tables with the tenant policy that lack
    it (their owner is bound too); how many. Migrations force the tables they add
    themselves once the system role exists (migrations.rls.enable_tenant_rls)."""
    tables = conn.execute(_UNFORCED).scalars().all()
    for table in tables:
        conn.exec_driver_sql(f"ALTER TABLE {_quote(conn, table)} FORCE ROW LEVEL SECURITY")
    return len(tables)


def _quote(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


_DML = "SELECT, INSERT, UPDATE, DELETE"
_DATABASE_OWNER = text(
    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
)
_ROLE_EXISTS = text("SELECT 1 FROM pg_roles WHERE rolname = :role")
_IS_MEMBER = text("SELECT pg_has_role(:member, :role, 'MEMBER')")  # a superuser always is
_UNFORCED = text(
    "SELECT c.relname FROM pg_class c JOIN pg_policies p"
    " ON p.tablename = c.relname AND p.schemaname = current_schema()"
    " AND p.policyname = 'tenant_isolation'"
    " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
    " AND c.relrowsecurity AND NOT c.relforcerowsecurity ORDER BY c.relname"
)
