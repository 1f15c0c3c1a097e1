"""PostgreSQL row-level security: the tenant a transaction may see, and the logins.

Every table with a `tenant_id` has RLS enabled with one policy comparing the row's tenant to
`current_setting('fairscore.tenant_id', true)` (migration f7rls0019, and
`migrations.rls.enable_tenant_rls` in every later migration that adds a tenant table). A
tenant's unit of work sets it at the start of each of its transactions (`scope_to_tenant`).

Three logins, each with a URL of its own (docs/architecture.md, "Tenant isolation"):
- the app (DATABASE_URL: `fairscore_app`, made by `fairscore db roles`): NOBYPASSRLS, owns
  nothing, a member of no role, DML only. The policies bind every statement it runs, and it
  cannot switch to a role they do not bind (it may switch to none).
- the system login (SYSTEM_DATABASE_URL: `fairscore_system`): BYPASSRLS, owns nothing, DML
  only, for the paths that are cross-tenant by design, each on connections of its own: the
  system repository (tenant, client and integration lookups, the sweeper, backlog gauges),
  webhook intake's INSERT and the bulk rebuild's fold workers (COPY of one tenant's rows).
- the tables' owner (MIGRATION_DATABASE_URL): migrations; and, through the `SECURITY
  DEFINER` function `fairscore_analyze`, the bulk rebuild's ANALYZE (only an owner may).
A COPY inside a tenant's transaction goes through a temporary table (infra/db/copy.py):
PostgreSQL refuses COPY FROM for a role the policies bind. With one URL (development,
SQLite) all three are the same login, and `protection_warning` says so at start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    String,
    bindparam,
    event,
    func,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session, SessionTransaction

from infra.db.tables import TENANT

TENANT_SETTING = "fairscore.tenant_id"
APP_ROLE = "fairscore_app"
SYSTEM_ROLE = "fairscore_system"
# The database's setting naming its system login (`fairscore db roles`), read by migrations.
SYSTEM_ROLE_SETTING = "fairscore.system_role"
ANALYZE_FUNCTION = "fairscore_analyze"  # migration g0analyze0022
HOW_TO_PROTECT = (
    "run `fairscore db roles` once as a superuser, then set DATABASE_URL to the "
    f"{APP_ROLE} login and SYSTEM_DATABASE_URL to {SYSTEM_ROLE}'s "
    "(README, 'Row-level security')"
)
TENANT_SESSION = "fairscore_tenant"  # key of a session's `info`: the tenant it is bound to
_SET_TENANT = text(f"SELECT set_config('{TENANT_SETTING}', :tenant, true)")
# The same, for a transaction whose commit need not wait for the WAL flush (derived data).
_SET_TENANT_ASYNC = text(
    f"SELECT set_config('{TENANT_SETTING}', :tenant, true),"
    " set_config('synchronous_commit', 'off', true)"
)
# The asynchronous scope with the tenant's row in the same round trip (the tenant table has
# no policy): a derived unit of work needs its tenant in every transaction — a statement
# fewer each (a reconcile job has two). One row, the tenant's columns null when it is gone.
_ONE = select(literal_column("1").label("one")).subquery()
_TENANT = bindparam("tenant", type_=String)
_SET_TENANT_ASYNC_READ = select(
    func.set_config(literal_column(f"'{TENANT_SETTING}'"), _TENANT, true()),
    func.set_config(literal_column("'synchronous_commit'"), literal_column("'off'"), true()),
    *(TENANT.c[name] for name in ("id", "slug", "name", "timezone", "settings")),
).select_from(_ONE.outerjoin(TENANT, TENANT.c.id == _TENANT))
# psycopg's own placeholders (migrations): whether the migrating login may switch to a role.
REACHABLE_SQL = (
    "SELECT 1 FROM pg_roles WHERE rolname = %s AND pg_has_role(session_user, oid, 'MEMBER')"
)


# Told the tenant's row (None: gone) read as each transaction of a session is scoped.
TenantRead = Callable[[Row[Any] | None], None]


def scope_to_tenant(
    session: Session, tenant_id: str, *, asynchronous: bool = False, read: TenantRead | None = None
) -> None:
    """Each transaction of `session` on PostgreSQL sees only `tenant_id`'s rows;
    `asynchronous`: and commits without waiting for the WAL flush (infra/db/uow.py says
    whose may), and `read` is told the tenant's row, read in the same statement."""
    session.info[TENANT_SESSION] = tenant_id

    @event.listens_for(session, "after_begin")
    def _set_tenant(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
        if read is not None and asynchronous and connection.dialect.name == "postgresql":
            row = connection.execute(_SET_TENANT_ASYNC_READ, {"tenant": tenant_id}).one()
            read(row if row.id is not None else None)
            return
        scope_connection(connection, tenant_id, asynchronous=asynchronous)


def scope_connection(connection: Connection, tenant_id: str, *, asynchronous: bool = False) -> None:
    """`scope_to_tenant` for a Core connection's current transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            _SET_TENANT_ASYNC if asynchronous else _SET_TENANT, {"tenant": tenant_id}
        )


# Of the current login: whether it escapes the policies (it, or a role it may switch to,
# is a superuser, BYPASSRLS or owns a table with RLS), and whether they bind it somewhere
# (it cannot bypass and some table with RLS is not its own or is forced).
STANDING = text(
    "WITH r AS (SELECT oid, rolname, rolsuper OR rolbypassrls AS bypass FROM pg_roles)"
    " SELECT me.rolname AS login,"
    "  EXISTS (SELECT FROM r WHERE pg_has_role(me.oid, r.oid, 'MEMBER') AND (r.bypass"
    "   OR EXISTS (SELECT FROM pg_class WHERE relrowsecurity AND relowner = r.oid)))"
    "   AS escapes,"
    "  NOT me.bypass AND EXISTS (SELECT FROM pg_class WHERE relrowsecurity"
    "   AND (relowner <> me.oid OR relforcerowsecurity)) AS bound"
    " FROM r me WHERE me.rolname = current_user"
)


def protection_warning(app: Engine, system: Engine) -> str | None:
    """Why the policies do not bind the app's login (`app`) as they should, or bind the
    cross-tenant paths' login (`system`), if so."""
    if app.dialect.name != "postgresql":
        return None
    with system.connect() as conn:
        login, _, bound = conn.execute(STANDING).one()
    if bound:
        return (
            f"the cross-tenant paths' login {login!r} is bound by row-level security: "
            "tenant, client and integration lookups and the sweeper will find nothing; set "
            f"SYSTEM_DATABASE_URL to the {SYSTEM_ROLE} login (`fairscore db roles`)"
        )
    with app.connect() as conn:
        login, escapes, _ = conn.execute(STANDING).one()
    if escapes:
        return (
            f"row-level security is OFF: the app's login {login!r} (DATABASE_URL) is a "
            "superuser, BYPASSRLS, owns tenant tables or may switch to a role that does, so "
            "tenant isolation rests on the repositories' filters alone. "
            f"To turn it on: {HOW_TO_PROTECT}"
        )
    return None
