"""PostgreSQL row-level security: the tenant a transaction may see, and the roles.

Every table with a `tenant_id` has RLS enabled with one policy comparing the row's tenant to
`current_setting('fairscore.tenant_id', true)` (migration f7rls0019, and
`migrations.rls.enable_tenant_rls` in every later migration that adds a tenant table). A
tenant's unit of work sets it at the start of each of its transactions (`scope_to_tenant`).

`fairscore db roles` (a superuser, once) creates two NOLOGIN roles the database's owner may
switch to, and FORCES RLS on every tenant table, so the owner is bound too:
- the app's role (`DATABASE_APP_ROLE`, fairscore_app: NOBYPASSRLS, owns nothing, DML only),
  which every connection of the app switches to when the pool opens it (`use_roles`);
- the system role (fairscore_system: BYPASSRLS, owns nothing, DML only), which the few
  cross-tenant paths switch to for one transaction (`as_system_role`, `copying_as_system`):
  the system repository (tenant, client and integration lookups, the sweeper, backlog
  signals) and COPY FROM, which PostgreSQL refuses under RLS. Webhook intake's engine and
  the bulk rebuild's fold workers run as it. ANALYZE goes back to the login role, the only
  one that may (`login_role_connection`).
Where the login role cannot switch to the system role (a database `db roles` has not
prepared: RLS is not forced there), the cross-tenant paths run as the login role, which
owns the tables and is not bound. Without `DATABASE_APP_ROLE` the app runs as the login
role, and `protection_warning` says so at start. docs/architecture.md, "Tenant isolation".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session, SessionTransaction

TENANT_SETTING = "fairscore.tenant_id"
DEFAULT_APP_ROLE = "fairscore_app"
SYSTEM_ROLE = "fairscore_system"
HOW_TO_PROTECT = (
    "run `fairscore db roles` once as a superuser, then set "
    f"DATABASE_APP_ROLE={DEFAULT_APP_ROLE} (README, 'Row-level security')"
)
# Keys of a pooled connection's `info`: the role it runs as (None: the login role), and the
# one its cross-tenant work switches to ("NONE": the login role).
_APP_ROLE = "fairscore_app_role"
_SYSTEM = "fairscore_system_role"
TENANT_SESSION = "fairscore_tenant"  # key of a session's `info`: the tenant it is bound to
_SET_TENANT = text(f"SELECT set_config('{TENANT_SETTING}', :tenant, true)")
# psycopg's own placeholders: run on the raw connection when the pool opens it.
REACHABLE_SQL = (
    "SELECT 1 FROM pg_roles WHERE rolname = %s AND pg_has_role(session_user, oid, 'MEMBER')"
)


def use_roles(engine: Engine, app_role: str | None, *, system: bool = False) -> None:
    """Every new connection of `engine` switches to `app_role` (None: keeps the login role),
    or with `system` to the system role; and notes where its cross-tenant work goes (the
    system role if the login role may switch to it, else the login role)."""
    if engine.dialect.name != "postgresql":
        return
    quote = engine.dialect.identifier_preparer.quote

    @event.listens_for(engine, "connect")
    def _set_roles(dbapi_connection: Any, record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(REACHABLE_SQL, (SYSTEM_ROLE,))
            cross_tenant = quote(SYSTEM_ROLE) if cursor.fetchone() else "NONE"
            role = cross_tenant if system else app_role and quote(app_role)
            if role is not None and role != "NONE":
                cursor.execute(f"SET ROLE {role}")
        dbapi_connection.commit()  # psycopg opened a transaction
        record.info[_APP_ROLE] = role if role != "NONE" else None
        record.info[_SYSTEM] = cross_tenant


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


def as_system_role(session: Session) -> None:
    """Each transaction of `session` runs as the system role (cross-tenant by design)."""

    @event.listens_for(session, "after_begin")
    def _system(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
        system_role_connection(connection)


def system_role(connection: Connection) -> str | None:
    """The role `connection`'s cross-tenant work switches to: the system role, or None
    (the login role, or nothing to switch: not `use_roles`, SQLite)."""
    role = connection.info.get(_SYSTEM)
    return None if role in (None, "NONE") else str(role)


def system_role_connection(connection: Connection) -> None:
    """The current transaction of `connection` runs as the system role (or, where the
    login role may not switch to it, as the login role)."""
    role = connection.info.get(_SYSTEM)
    if role is not None and (role != "NONE" or connection.info.get(_APP_ROLE) is not None):
        connection.exec_driver_sql(f"SET LOCAL ROLE {role}")


def login_role_connection(connection: Connection) -> None:
    """The current transaction of `connection` runs as the login role (ANALYZE: only the
    tables' owner may)."""
    if connection.info.get(_APP_ROLE) is not None:
        connection.exec_driver_sql("SET LOCAL ROLE NONE")


@contextmanager
def copying_as_system(session: Session) -> Iterator[None]:
    """PostgreSQL refuses COPY FROM into a table with RLS for a role bound by it: the COPY
    runs as the system role, then the transaction goes back to its role. The rows it
    writes carry the unit of work's own tenant."""
    connection = session.connection()
    system_role_connection(connection)
    try:
        yield
    finally:
        back = connection.info.get(_APP_ROLE) or "NONE"
        if connection.info.get(_SYSTEM) not in (None, back):
            connection.exec_driver_sql(f"SET LOCAL ROLE {back}")


# The login role is bound when some table with RLS is not its own or forced (and it cannot
# bypass, nor switch to the system role); the current role escapes when it can bypass or
# owns a table with RLS.
_BYPASSES = text(
    "WITH r AS (SELECT oid, rolname, rolsuper OR rolbypassrls AS bypass FROM pg_roles)"
    " SELECT login.rolname,"
    "  NOT login.bypass AND EXISTS (SELECT FROM pg_class WHERE relrowsecurity"
    "   AND (relowner <> login.oid OR relforcerowsecurity))"
    "  AND NOT EXISTS (SELECT FROM r WHERE rolname = :system"
    "   AND bypass AND pg_has_role(login.oid, oid, 'MEMBER')),"
    "  app.bypass OR EXISTS (SELECT FROM pg_class WHERE relrowsecurity AND relowner = app.oid)"
    " FROM r login, r app WHERE login.rolname = session_user AND app.rolname = current_user"
)


def protection_warning(engine: Engine, app_role: str | None) -> str | None:
    """Why the policies do not bind the app's connections of `engine` as they should (or
    bind its cross-tenant paths), if so."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        login, login_bound, app_escapes = conn.execute(_BYPASSES, {"system": SYSTEM_ROLE}).one()
    if login_bound:
        return (
            f"the login role {login!r} is bound by row-level security: the cross-tenant "
            "paths (tenant, client and integration lookups, the sweeper) will find nothing; "
            "log in as the tables' owner (the role `fairscore db upgrade` ran as)"
        )
    if app_role is None:
        return (
            f"row-level security is OFF: DATABASE_APP_ROLE is unset, so the app runs as the "
            f"login role {login!r}, which owns the tables (and may switch their row-level "
            "security off) or bypasses it; tenant isolation rests on the repositories' "
            "filters alone. "
            f"To turn it on: {HOW_TO_PROTECT}"
        )
    if app_escapes:
        return (
            f"row-level security is OFF: DATABASE_APP_ROLE={app_role!r} is a superuser, "
            "BYPASSRLS or owns tenant tables, so the tenant policies do not bind it; use a "
            f"role that is none of these ({HOW_TO_PROTECT})"
        )
    return None
