"""Issue 11 acceptance, the database's wall (PostgreSQL; infra/db/roles.py): every table with
a tenant_id has row-level security enabled and forced with its policy; the app's login owns
nothing, cannot bypass it and may switch to no role that can (the system login, which can,
is a login of its own); a transaction that sets no tenant reads no tenant rows; a
transaction of one tenant reads only its rows and writes none of another's, by COPY neither.
Asserted as the app's login, on two tenants the app itself filled (through the API and the
reconciler, logged in as that role too, their cross-tenant paths as the system login). That
forcing binds the tables' owner is shown with a plain owner in test_rls_plain_owner.py
(this suite's owner is a superuser)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from domain.ports import TenantId
from infra.bootstrap import Container
from infra.db.copy import bulk_insert
from infra.db.roles import TENANT_SETTING, scope_connection
from infra.db.tables import AGENT
from tests.support.logins import APP, SYSTEM
from tests.support.owner import owner_engine
from tests.support.probe_tenant import ProbeTenant, build_tenant, tenant_tables

POLICY = "tenant_isolation"
APP_ROLE, SYSTEM_ROLE = APP.name, SYSTEM.name  # the suite's logins (tests/support/logins.py)


@pytest.fixture
def database_url(postgres_url: str) -> str:
    return postgres_url


@pytest.fixture
def two_tenants(client: TestClient, container: Container) -> tuple[ProbeTenant, ProbeTenant]:
    return build_tenant(client, container, "rls-a"), build_tenant(client, container, "rls-b")


@pytest.fixture
def as_app(container: Container) -> Iterator[Connection]:
    """A transaction of the app's own login that sets no tenant, rolled back."""
    with container.engine.connect() as conn:
        yield conn
        conn.rollback()


def tenant_table_names() -> set[str]:
    return {t.name for t in tenant_tables()}


NEW_TABLE_RULE = (
    "a migration that creates a table with a tenant_id must call "
    "migrations.rls.enable_tenant_rls('<table>') after creating it (docs/architecture.md, "
    "'Tenant isolation')"
)
CATALOG = text(
    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, p.qual, p.with_check,"
    " has_table_privilege(:role, c.oid, 'SELECT, INSERT, UPDATE, DELETE')"
    " FROM information_schema.columns col"
    " JOIN pg_class c ON c.relname = col.table_name AND c.relkind = 'r'"
    " JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = col.table_schema"
    " LEFT JOIN pg_policies p ON p.tablename = c.relname"
    "  AND p.schemaname = n.nspname AND p.policyname = :policy"
    " WHERE col.table_schema = current_schema() AND col.column_name = 'tenant_id'"
)


def as_written(policy: str | None) -> str | None:
    """A policy as the catalog shows it, without the cast of a varchar tenant_id."""
    return None if policy is None else policy.replace("(tenant_id)::text", "tenant_id")


def unprotected(conn: Connection) -> dict[str, list[str]]:
    """The schema's tenant tables (from the catalog) that lack RLS, its forcing, its policy
    or the app role's grant, by what they lack; and all of them under "tenant tables"."""
    rows = conn.execute(CATALOG, {"policy": POLICY, "role": APP_ROLE}).all()
    match = f"(tenant_id = current_setting('{TENANT_SETTING}'::text, true))"
    return {
        "tenant tables": sorted(r.relname for r in rows),
        "without row-level security": sorted(r.relname for r in rows if not r.relrowsecurity),
        "with row-level security not forced": sorted(
            r.relname for r in rows if not r.relforcerowsecurity
        ),
        f"without the {POLICY} policy {match}": sorted(
            r.relname for r in rows if not (as_written(r.qual) == as_written(r.with_check) == match)
        ),
        f"not granted to {APP_ROLE} (`fairscore db upgrade` grants them)": sorted(
            r.relname for r in rows if not r.has_table_privilege
        ),
    }


def test_every_tenant_table_has_rls_forced_and_its_policy_and_the_app_role_may_use_it(
    container: Container,
) -> None:
    with owner_engine(container).connect() as conn:
        found = unprotected(conn)
    tables = found.pop("tenant tables")
    # The models and the migrated schema name the same tenant tables.
    assert set(tables) == tenant_table_names()
    assert len(tables) >= 30
    lacking = {problem: names for problem, names in found.items() if names}
    assert lacking == {}, f"tenant tables {lacking}: {NEW_TABLE_RULE}"


def test_the_catalog_check_names_a_new_tenant_table_without_its_policy(
    container: Container,
) -> None:
    with owner_engine(container).connect() as conn:  # rolled back: nobody else sees it
        conn.execute(text("CREATE TABLE goal_draft (id text PRIMARY KEY, tenant_id text)"))
        found = unprotected(conn)
        conn.rollback()
    assert "goal_draft" in found["tenant tables"]
    granted = f"not granted to {APP_ROLE} (`fairscore db upgrade` grants them)"
    # The owner's default privileges (`fairscore db roles`) grant a new table at once.
    assert "goal_draft" not in found.pop(granted)
    assert all("goal_draft" in names for names in found.values())


def test_the_app_login_owns_nothing_cannot_bypass_and_may_switch_to_no_role_that_does(
    container: Container, two_tenants: tuple[ProbeTenant, ProbeTenant], as_app: Connection
) -> None:
    # The app's own connections log in as it: no SET ROLE anywhere.
    who = as_app.execute(text("SELECT current_user, session_user")).one()
    assert tuple(who) == (APP_ROLE, APP_ROLE)
    role = as_app.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    assert tuple(role) == (False, False)
    # Its own are the temporary tables its bulk COPYs go through (infra/db/copy.py): not
    # counted (relpersistence 't').
    owned = as_app.execute(
        text(
            "SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole"
            " AND relpersistence <> 't'"
        )
    ).scalar_one()
    assert owned == 0
    # No role it may switch to (SET ROLE: pg_has_role … 'MEMBER') bypasses RLS or owns a
    # table; it itself is among the roles asked about.
    escapes = as_app.execute(
        text(
            "SELECT rolname FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER')"
            " AND (rolsuper OR rolbypassrls"
            "  OR EXISTS (SELECT FROM pg_class WHERE relowner = r.oid AND relpersistence <> 't'))"
        )
    ).all()
    assert escapes == []
    owner = as_app.execute(
        text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
    ).scalar_one()
    for other in (SYSTEM_ROLE, owner):
        as_app.execute(text("SAVEPOINT switch"))
        with pytest.raises(DBAPIError, match="permission denied"):
            as_app.execute(text(f'SET LOCAL ROLE "{other}"'))
        as_app.execute(text("ROLLBACK TO SAVEPOINT switch"))
    # With row_security off, a query that RLS would filter fails instead of bypassing it.
    as_app.execute(text("SAVEPOINT off"))
    as_app.execute(text("SET LOCAL row_security = off"))
    with pytest.raises(DBAPIError, match="row-level security"):
        as_app.execute(select(func.count()).select_from(AGENT))
    as_app.execute(text("ROLLBACK TO SAVEPOINT off"))


def test_the_system_login_bypasses_rls_but_owns_nothing(container: Container) -> None:
    with container.system() as uow:  # the system repository's transaction logs in as it
        session = uow.session
        assert session.execute(text("SELECT current_user")).scalar_one() == SYSTEM_ROLE
        role = session.execute(
            text(
                "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,"
                " (SELECT count(*) FROM pg_class WHERE relowner = r.oid AND relpersistence <> 't')"
                " FROM pg_roles r WHERE rolname = current_user"
            )
        ).one()
    assert tuple(role) == (False, True, False, False, 0)


def test_a_bulk_copy_of_a_tenant_is_checked_by_the_policy(
    container: Container, two_tenants: tuple[ProbeTenant, ProbeTenant]
) -> None:
    """COPY FROM is refused under RLS: a tenant's COPY goes through a temporary table and
    an INSERT … SELECT the policy checks (infra/db/copy.py)."""
    a, b = two_tenants
    row = {
        "tenant_id": b.id,
        "id": "intruder",
        "name": "Intruder",
        "email": "i@example.com",
        "active": True,
        "created_at": datetime.now(UTC),
    }
    with container.uow(TenantId(a.id)) as uow:
        bulk_insert(uow.session, AGENT, [{**row, "tenant_id": a.id, "id": "copied"}])
        assert (
            uow.session.execute(select(AGENT.c.name).where(AGENT.c.id == "copied")).scalar_one()
            == "Intruder"
        )
        with pytest.raises(DBAPIError, match="row-level security"):
            bulk_insert(uow.session, AGENT, [row])
        uow.rollback()


def test_no_tenant_set_reads_no_rows(
    container: Container, two_tenants: tuple[ProbeTenant, ProbeTenant], as_app: Connection
) -> None:
    filled = 0
    with owner_engine(container).connect() as owner:
        for table in tenant_tables():
            filled += owner.execute(select(func.count()).select_from(table)).scalar_one() > 0
    assert filled >= 20  # the app wrote most tenant tables, as fairscore_app
    for table in tenant_tables():
        count = as_app.execute(select(func.count()).select_from(table)).scalar_one()
        assert count == 0, table.name


def test_a_tenant_sees_only_its_rows_and_writes_none_of_another(
    container: Container, two_tenants: tuple[ProbeTenant, ProbeTenant], as_app: Connection
) -> None:
    a, b = two_tenants
    scope_connection(as_app, a.id)
    seen: set[str] = set()
    for table in tenant_tables():
        seen |= set(as_app.execute(select(table.c.tenant_id).distinct()).scalars())
    assert seen == {a.id}
    with pytest.raises(DBAPIError, match="row-level security"):
        as_app.execute(
            AGENT.insert().values(
                tenant_id=b.id, id="intruder", name="Intruder", email="i@example.com"
            )
        )
