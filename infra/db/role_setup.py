"""`fairscore db roles` and the grants of `fairscore db upgrade`: the logins row-level
security works with (infra/db/roles.py; docs/architecture.md, "Tenant isolation").

A superuser runs `db roles` once per database: cluster-wide roles need CREATEROLE (a
BYPASSRLS one, a superuser), forcing RLS on tables and granting them needs their owner. The
owner's own migrations never create a role, so a plain LOGIN owner migrates before and after.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from psycopg import sql
from sqlalchemy import Connection, make_url, text
from sqlalchemy.exc import DBAPIError

from infra.db.engine import make_engine
from infra.db.roles import ANALYZE_FUNCTION, APP_ROLE, SYSTEM_ROLE, SYSTEM_ROLE_SETTING

# Neither login owns anything or may create anything but temporary tables; both get DML
# only. The app's is bound by the policies, the system login is not.
_APP = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
_SYSTEM = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS"
_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Login:
    name: str
    password: str | None = None  # None: keep the role's (or none: trust, peer, certificates)


def logins(app_url: str, system_url: str | None, admin_url: str) -> tuple[Login, Login]:
    """The app's and the system logins the URLs name (user and password), where they name
    a login other than `admin_url`'s; else fairscore_app and fairscore_system."""
    admin = make_url(admin_url).username

    def named(url: str | None, default: str) -> Login:
        found = make_url(url) if url else None
        if found is None or found.username in (None, admin):
            return Login(default)
        return Login(found.username, found.password)

    return named(app_url, APP_ROLE), named(system_url, SYSTEM_ROLE)


def create_roles(
    admin_url: str, app: Login | None = None, system: Login | None = None
) -> dict[str, Any]:
    """The app's login (default fairscore_app) and the system login (fairscore_system),
    created or brought to their attributes, given DML on the schema's tables now and on
    those the owner creates later (`grant_roles`, default privileges); RLS forced on every
    table with the tenant policy (`force_tenant_rls`). The database's owner may switch to
    the system role (a data migration on a forced table: migrations.rls.as_system_role);
    the app's login may switch to nothing. Idempotent; one transaction, as `admin_url`."""
    app = app or Login(APP_ROLE)
    system = system or Login(SYSTEM_ROLE)
    engine = make_engine(admin_url)
    try:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with engine.begin() as conn:
                    return _create(conn, app, system)
            except DBAPIError as exc:
                # Roles are the server's: a `db roles` on another database altering the
                # same role at that moment fails this one; it is idempotent, so again.
                if attempt == _ATTEMPTS or "tuple concurrently updated" not in str(exc.orig):
                    raise
                time.sleep(random.uniform(0.05, 0.2) * attempt)  # noqa: S311 (apart, not in step)
        raise AssertionError("unreachable")
    finally:
        engine.dispose()


def _create(conn: Connection, app: Login, system: Login) -> dict[str, Any]:
    owner = str(conn.execute(_DATABASE_OWNER).scalar_one())
    if owner in (app.name, system.name) or app.name == system.name:
        raise ValueError(
            f"the app's login ({app.name}), the system login ({system.name}) and the "
            f"tables' owner ({owner}) must be three different roles"
        )
    created = [_ensure(conn, app, _APP), _ensure(conn, system, _SYSTEM)]
    if not conn.execute(_IS_MEMBER, {"member": owner, "role": system.name}).scalar():
        conn.exec_driver_sql(f"GRANT {_quote(conn, system.name)} TO {_quote(conn, owner)}")
    for login in (app, system):
        _grant_future(conn, owner, login.name)
    grant_roles(conn, app.name, system.name)
    # Which login is this database's system login: migrations switch to it
    # (migrations.rls.as_system_role) and force the tenant tables they add.
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    conn.exec_driver_sql(
        f"ALTER DATABASE {_quote(conn, database)} SET {SYSTEM_ROLE_SETTING}"
        f" = {_literal(system.name)}"
    )
    forced = force_tenant_rls(conn)
    return {"app": app.name, "system": system.name, "created": created, "forced": forced}


def _ensure(conn: Connection, login: Login, options: str) -> bool:
    """Create `login` when missing (True), else bring it to `options`; set its password."""
    name = _quote(conn, login.name)
    found = conn.execute(_ROLE_ATTRIBUTES, {"role": login.name}).mappings().first()
    created = found is None
    if created:  # another database's `db roles` (or a test run) may create it too
        conn.exec_driver_sql(
            f"DO $$ BEGIN CREATE ROLE {name} {options};"
            " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    # Altered only when it differs: an ALTER rewrites the role's catalog row, which a run
    # on another database may be altering too.
    if found is None or any(found[column] != on for column, on in _attributes(options)):
        conn.exec_driver_sql(f"ALTER ROLE {name} {options}")
    if login.password is not None:
        raw: Any = conn.connection.driver_connection
        statement = sql.SQL("ALTER ROLE {} PASSWORD {}")
        with raw.cursor() as cur:
            cur.execute(statement.format(sql.Identifier(login.name), sql.Literal(login.password)))
    return created


def _grant_future(conn: Connection, owner: str, role: str) -> None:
    """What the owner creates later (a migration run by plain alembic too) is granted to
    `role` as it is created: DML on tables, sequences, EXECUTE on functions (the one there
    is, `fairscore_analyze`, is revoked from PUBLIC: only these two logins may run it)."""
    prefix = f"ALTER DEFAULT PRIVILEGES FOR ROLE {_quote(conn, owner)}"
    to = f"TO {_quote(conn, role)}"
    conn.exec_driver_sql(f"{prefix} IN SCHEMA public GRANT {_DML} ON TABLES {to}")
    conn.exec_driver_sql(f"{prefix} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES {to}")
    conn.exec_driver_sql(f"{prefix} IN SCHEMA public GRANT EXECUTE ON FUNCTIONS {to}")


def grant_roles(conn: Connection, *roles: str) -> list[str]:
    """DML on every table and sequence of the schema, and EXECUTE on `fairscore_analyze`,
    for `roles` (default: fairscore_app and fairscore_system), those that exist (the list).
    `fairscore db upgrade` runs it after migrating, as the owner."""
    granted = []
    analyze = conn.execute(_FUNCTION_EXISTS, {"name": ANALYZE_FUNCTION}).scalar() is not None
    for role in roles or (APP_ROLE, SYSTEM_ROLE):
        if conn.execute(_ROLE_EXISTS, {"role": role}).scalar() is None:
            continue
        name = _quote(conn, role)
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {name}")
        conn.exec_driver_sql(f"GRANT {_DML} ON ALL TABLES IN SCHEMA public TO {name}")
        conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
        if analyze:
            conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {ANALYZE_FUNCTION} TO {name}")
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


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _quote(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


_DML = "SELECT, INSERT, UPDATE, DELETE"
_DATABASE_OWNER = text(
    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
)
_ROLE_EXISTS = text("SELECT 1 FROM pg_roles WHERE rolname = :role")
_COLUMNS = {
    "LOGIN": "rolcanlogin",
    "SUPERUSER": "rolsuper",
    "CREATEDB": "rolcreatedb",
    "CREATEROLE": "rolcreaterole",
    "REPLICATION": "rolreplication",
    "BYPASSRLS": "rolbypassrls",
}
_ROLE_ATTRIBUTES = text(
    f"SELECT {', '.join(_COLUMNS.values())} FROM pg_roles WHERE rolname = :role"  # noqa: S608
)


def _attributes(options: str) -> list[tuple[str, bool]]:
    """('rolsuper', False) for NOSUPERUSER: the pg_roles columns `options` sets."""
    return [
        (_COLUMNS[word], True) if word in _COLUMNS else (_COLUMNS[word.removeprefix("NO")], False)
        for word in options.split()
    ]


_FUNCTION_EXISTS = text(
    "SELECT 1 FROM pg_proc WHERE proname = :name AND pronamespace = current_schema()::regnamespace"
)
_IS_MEMBER = text("SELECT pg_has_role(:member, :role, 'MEMBER')")  # a superuser always is
_UNFORCED = text(
    "SELECT c.relname FROM pg_class c JOIN pg_policies p"
    " ON p.tablename = c.relname AND p.schemaname = current_schema()"
    " AND p.policyname = 'tenant_isolation'"
    " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'"
    " AND c.relrowsecurity AND NOT c.relforcerowsecurity ORDER BY c.relname"
)
