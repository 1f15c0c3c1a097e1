"""PostgreSQL row-level security: the tenant a transaction may see, and the app's role.

Every table with a `tenant_id` has RLS enabled — not forced — with one policy comparing the
row's tenant to `current_setting('fairscore.tenant_id', true)` (migration f7rls0019, and
`migrations.rls.enable_tenant_rls` in every later migration that adds a tenant table). A
tenant's unit of work sets it at the start of each of its transactions (`scope_to_tenant`).

The policies bind every role but the tables' owner (the login role migrations run as) and
BYPASSRLS roles. With `DATABASE_APP_ROLE` set, every connection of the app switches to that
role (`fairscore db roles` creates it: NOLOGIN, NOBYPASSRLS, owns nothing, DML only), so a
transaction that sets no tenant sees no tenant rows and can write none. The few cross-tenant
paths go back to the login role for one transaction (`as_login_role`,
`copying_as_login_role`): the system repository (tenant, client and integration lookups,
the sweeper, backlog signals), ANALYZE, and COPY FROM, which PostgreSQL refuses under RLS.
Webhook intake's engine and the bulk rebuild's fold workers never switch. Without
`DATABASE_APP_ROLE` nothing switches: the login role bypasses the policies, and
`protection_warning` says so at start. docs/architecture.md, "Tenant isolation".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session, SessionTransaction

from infra.db.engine import make_engine

TENANT_SETTING = "fairscore.tenant_id"
DEFAULT_APP_ROLE = "fairscore_app"
HOW_TO_PROTECT = (
    "run `fairscore db roles` once as a superuser, then set "
    f"DATABASE_APP_ROLE={DEFAULT_APP_ROLE} (README, 'Row-level security')"
)
_APP_ROLE = "fairscore_app_role"  # key of a pooled connection's `info`: the role it runs as
TENANT_SESSION = "fairscore_tenant"  # key of a session's `info`: the tenant it is bound to
_SET_TENANT = text(f"SELECT set_config('{TENANT_SETTING}', :tenant, true)")
# The login role is bound when some table with RLS is not its own (and it cannot bypass);
# the current role escapes when it can bypass or owns a table with RLS.
_BYPASSES = text(
    "WITH r AS (SELECT oid, rolname, rolsuper OR rolbypassrls AS bypass FROM pg_roles)"
    " SELECT login.rolname,"
    "  NOT login.bypass AND EXISTS (SELECT FROM pg_class"
    "   WHERE relrowsecurity AND relowner <> login.oid),"
    "  app.bypass OR EXISTS (SELECT FROM pg_class WHERE relrowsecurity AND relowner = app.oid)"
    " FROM r login, r app WHERE login.rolname = session_user AND app.rolname = current_user"
)


def use_app_role(engine: Engine, role: str | None) -> None:
    """Every new connection of `engine` switches to `role` (None: keeps the login role)."""
    if role is None or engine.dialect.name != "postgresql":
        return
    quoted = engine.dialect.identifier_preparer.quote(role)

    @event.listens_for(engine, "connect")
    def _set_role(dbapi_connection: Any, record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {quoted}")
        dbapi_connection.commit()  # psycopg opened a transaction for the SET
        record.info[_APP_ROLE] = quoted


def scope_to_tenant(session: Session, tenant_id: str) -> None:
    """Each transaction of `session` on PostgreSQL sees only `tenant_id`'s rows."""
    session.info[TENANT_SESSION] = tenant_id

    @event.listens_for(session, "after_begin")
    def _set_tenant(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
        scope_connection(connection, tenant_id)


def scope_connection(connection: Connection, tenant_id: str) -> None:
    """`scope_to_tenant` for a Core connection's current transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(_SET_TENANT, {"tenant": tenant_id})


def as_login_role(session: Session) -> None:
    """Each transaction of `session` runs as the login role (cross-tenant by design)."""

    @event.listens_for(session, "after_begin")
    def _login(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
        login_role_connection(connection)


def login_role_connection(connection: Connection) -> None:
    """The current transaction of `connection` runs as the login role."""
    if connection.info.get(_APP_ROLE) is not None:
        connection.exec_driver_sql("SET LOCAL ROLE NONE")


@contextmanager
def copying_as_login_role(session: Session) -> Iterator[None]:
    """PostgreSQL refuses COPY FROM into a table with RLS for a role bound by it: the COPY
    runs as the login role, then the transaction goes back to the app role. The rows it
    writes carry the unit of work's own tenant."""
    connection = session.connection()
    app_role = connection.info.get(_APP_ROLE)
    if app_role is None:
        yield
        return
    login_role_connection(connection)
    try:
        yield
    finally:
        connection.exec_driver_sql(f"SET LOCAL ROLE {app_role}")


def protection_warning(engine: Engine, app_role: str | None) -> str | None:
    """Why the policies do not bind the app's connections of `engine` as they should (or
    bind its cross-tenant paths), if so."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        login, login_bound, app_escapes = conn.execute(_BYPASSES).one()
    if login_bound:
        return (
            f"the login role {login!r} is bound by row-level security: the cross-tenant "
            "paths (tenant, client and integration lookups, the sweeper) will find nothing; "
            "log in as the tables' owner (the role `fairscore db upgrade` ran as)"
        )
    if app_role is None:
        return (
            f"row-level security is OFF: DATABASE_APP_ROLE is unset, so the app runs as the "
            f"login role {login!r}, which owns the tables (or bypasses RLS) and is not bound by "
            "the tenant policies; tenant isolation rests on the repositories' filters alone. "
            f"To turn it on: {HOW_TO_PROTECT}"
        )
    if app_escapes:
        return (
            f"row-level security is OFF: DATABASE_APP_ROLE={app_role!r} is a superuser, "
            "BYPASSRLS or owns tenant tables, so the tenant policies do not bind it; use a "
            f"role that is none of these ({HOW_TO_PROTECT})"
        )
    return None


def create_app_role(database_url: str, role: str | None, member: str | None) -> dict[str, Any]:
    """`fairscore db roles`: `role` created when missing (NOLOGIN, NOBYPASSRLS), granted to
    `member` (default: the database's owner, the login role that migrates and runs the app)
    and given DML on the schema's tables (`grant_app_role`). A cluster-wide role needs
    CREATEROLE, grants on another role's tables need their owner: a superuser runs this,
    once. Idempotent; one transaction."""
    role = role or DEFAULT_APP_ROLE
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            if member is None:
                member = str(conn.execute(_DATABASE_OWNER).scalar_one())
            created = conn.execute(_ROLE_EXISTS, {"role": role}).scalar() is None
            if created:  # another database's `db roles` (or a test run) may create it too
                conn.exec_driver_sql(
                    f"DO $$ BEGIN CREATE ROLE {_quote(conn, role)} NOLOGIN NOBYPASSRLS;"
                    " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
                )
            if not conn.execute(_IS_MEMBER, {"member": member, "role": role}).scalar_one():
                conn.exec_driver_sql(f"GRANT {_quote(conn, role)} TO {_quote(conn, member)}")
            grant_app_role(conn, role)
    finally:
        engine.dispose()
    return {"role": role, "created": created, "member": member}


def grant_app_role(conn: Connection, role: str) -> bool:
    """DML on every table and sequence of the schema for `role`, if it exists (False if
    not). `fairscore db upgrade` runs it after migrating, as the owner, so tables that
    later migrations add are granted too."""
    if conn.execute(_ROLE_EXISTS, {"role": role}).scalar() is None:
        return False
    app = _quote(conn, role)
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {app}")
    conn.exec_driver_sql(f"GRANT {_DML} ON ALL TABLES IN SCHEMA public TO {app}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app}")
    return True


def _quote(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


_DML = "SELECT, INSERT, UPDATE, DELETE"
_DATABASE_OWNER = text(
    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
)
_ROLE_EXISTS = text("SELECT 1 FROM pg_roles WHERE rolname = :role")
_IS_MEMBER = text("SELECT pg_has_role(:member, :role, 'MEMBER')")  # a superuser always is
