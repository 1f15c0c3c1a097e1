"""Issue 11 acceptance, the database's wall (PostgreSQL; infra/db/roles.py): every table with
a tenant_id has row-level security enabled and forced with its policy; the app role owns
nothing and cannot bypass it; a transaction that sets no tenant reads no tenant rows; a
transaction of one tenant reads only its rows and cannot write another's. Asserted as
`fairscore_app`, on two tenants the app itself filled (through the API and the
reconciler, which ran as that role too)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from infra.bootstrap import Container
from infra.db.roles import TENANT_SETTING, scope_connection
from infra.db.tables import AGENT
from tests.integration.conftest import APP_ROLE
from tests.support.owner import owner_engine
from tests.support.probe_tenant import ProbeTenant, build_tenant, tenant_tables

POLICY = "tenant_isolation"


@pytest.fixture
def database_url(postgres_url: str) -> str:
    return postgres_url


@pytest.fixture
def two_tenants(client: TestClient, container: Container) -> tuple[ProbeTenant, ProbeTenant]:
    return build_tenant(client, container, "rls-a"), build_tenant(client, container, "rls-b")


@pytest.fixture
def as_app(container: Container) -> Iterator[Connection]:
    """A connection of the test's own, switched to the app role for one transaction."""
    with owner_engine(container).connect() as conn:
        conn.execute(text(f"SET LOCAL ROLE {APP_ROLE}"))
        yield conn
        conn.rollback()


def tenant_table_names() -> set[str]:
    return {t.name for t in tenant_tables()}


def test_every_tenant_table_has_forced_rls_and_its_policy(container: Container) -> None:
    with owner_engine(container).connect() as conn:
        with_column = set(
            conn.execute(
                text(
                    "SELECT table_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND column_name = 'tenant_id'"
                )
            ).scalars()
        )
        rows = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                " p.qual, p.with_check"
                " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " LEFT JOIN pg_policies p ON p.tablename = c.relname"
                "  AND p.schemaname = n.nspname AND p.policyname = :policy"
                " WHERE n.nspname = current_schema() AND c.relname = ANY(:tables)"
            ),
            {"policy": POLICY, "tables": sorted(with_column)},
        ).all()
    # The models and the migrated schema name the same tenant tables.
    assert with_column == tenant_table_names()
    assert len(with_column) >= 30
    assert {r.relname for r in rows} == with_column
    for name, enabled, forced, qual, check in rows:
        assert enabled and forced, name
        assert qual is not None and TENANT_SETTING in qual and "tenant_id" in qual, name
        assert check == qual, name


def test_the_app_role_owns_nothing_and_cannot_bypass(
    container: Container, two_tenants: tuple[ProbeTenant, ProbeTenant], as_app: Connection
) -> None:
    with container.engine.connect() as app:  # the app's own connections switched role
        assert app.execute(text("SELECT current_user")).scalar_one() == APP_ROLE
    role = as_app.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    ).one()
    assert tuple(role) == (False, False)
    owned = as_app.execute(
        text("SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole")
    ).scalar_one()
    assert owned == 0
    # With row_security off, a query that RLS would filter fails instead of bypassing it.
    as_app.execute(text("SET LOCAL row_security = off"))
    with pytest.raises(DBAPIError, match="row-level security"):
        as_app.execute(select(func.count()).select_from(AGENT))


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
