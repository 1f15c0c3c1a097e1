"""PostgreSQL row-level security: the tenant a transaction may see, and the roles.

Every table with a `tenant_id` has RLS enabled and forced, with one policy comparing the
row's tenant to `current_setting('fairscore.tenant_id', true)` (migration
rls0013). A tenant unit of work sets it at the start of each of its transactions
(`scope_to_tenant`); a transaction that sets nothing sees no tenant rows and can write none.

With `DATABASE_APP_ROLE` set, every connection of the app switches to that role (which
owns nothing and cannot bypass RLS). The few cross-tenant paths — the system repository
(tenant, client and integration lookups, the sweeper, backlog signals), webhook intake's
one INSERT, and COPY into tables (which PostgreSQL refuses under RLS) — switch to
`DATABASE_SYSTEM_ROLE` (BYPASSRLS) for their transaction only (`as_system`,
`copying_as_system`). Without `DATABASE_APP_ROLE` (SQLite, development) nothing switches.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session, SessionTransaction

TENANT_SETTING = "fairscore.tenant_id"
_ROLES = "fairscore_roles"  # key of a connection's `info`: its DatabaseRoles
TENANT_SESSION = "fairscore_tenant"  # key of a session's `info`: the tenant it is bound to
_SET_TENANT = text(f"SELECT set_config('{TENANT_SETTING}', :tenant, true)")


@dataclass(frozen=True, slots=True)
class DatabaseRoles:
    app: str  # owns nothing, NOBYPASSRLS: what every connection runs as
    system: str  # BYPASSRLS: the cross-tenant paths, one transaction at a time


def use_roles(
    engine: Engine, roles: DatabaseRoles | None, *, connect_as_system: bool = False
) -> None:
    """Every new connection of `engine` switches to the app role (or the system role,
    for an engine that only serves a cross-tenant path) and remembers the roles."""
    if roles is None or engine.dialect.name != "postgresql":
        return
    role = roles.system if connect_as_system else roles.app

    @event.listens_for(engine, "connect")
    def _set_role(dbapi_connection: Any, record: Any) -> None:
        quoted = engine.dialect.identifier_preparer.quote(role)
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {quoted}")
        dbapi_connection.commit()  # psycopg opened a transaction for the SET
        record.info[_ROLES] = roles


def scope_to_tenant(session: Session, tenant_id: str) -> None:
    """Each transaction of `session` on PostgreSQL sees only `tenant_id`'s rows."""
    session.info[TENANT_SESSION] = tenant_id

    @event.listens_for(session, "after_begin")
    def _set_tenant(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(_SET_TENANT, {"tenant": tenant_id})


def scope_connection(connection: Connection, tenant_id: str) -> None:
    """`scope_to_tenant` for a Core connection's current transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(_SET_TENANT, {"tenant": tenant_id})


def as_system(session: Session) -> None:
    """Each transaction of `session` runs as the system role (cross-tenant by design)."""

    @event.listens_for(session, "after_begin")
    def _set_system(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
        roles = connection.info.get(_ROLES)
        if roles is not None:
            _set_local_role(connection, roles.system)


def system_role(connection: Connection) -> str | None:
    """The system role of `connection`'s engine, if it uses roles (for processes that
    open connections of their own, such as the bulk rebuild's fold workers)."""
    roles = connection.info.get(_ROLES)
    return roles.system if roles is not None else None


@contextmanager
def copying_as_system(session: Session) -> Iterator[None]:
    """PostgreSQL refuses COPY FROM into a table with RLS for a role subject to it: the
    COPY runs as the system role, then the transaction goes back to the app role. The
    rows it writes carry the unit of work's own tenant."""
    connection = session.connection()
    roles = connection.info.get(_ROLES)
    if roles is None:
        yield
        return
    _set_local_role(connection, roles.system)
    try:
        yield
    finally:
        _set_local_role(connection, roles.app)


def _set_local_role(connection: Connection, role: str) -> None:
    quoted = connection.dialect.identifier_preparer.quote(role)
    connection.exec_driver_sql(f"SET LOCAL ROLE {quoted}")
