"""Issue 11, the statement-level wall: every statement a tenant's unit of work sends ties
each tenant table it reads or changes to the tenant (tests/support/tenant_scope.py).
The integration suite checks every test's statements this way (the autouse fixture in
tests/integration/conftest.py); this file checks that the check itself catches an
unscoped statement, and runs the widest single workload — a tenant holding a bit of
everything, filled through the API and the reconciler — under it."""

from __future__ import annotations

from sqlalchemy import delete, select
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.db.tables import AGENT, SCORE_SNAPSHOT, TICKET
from tests.support.probe_tenant import build_tenant
from tests.support.tenant_scope import unscoped_tables, watching_tenant_statements


def test_a_tenant_session_statement_without_its_tenant_is_caught(
    container: Container, tenant: TenantProfile
) -> None:
    a, t = AGENT.c, TICKET.c
    with watching_tenant_statements() as found, container.uow(tenant.id) as uow:
        uow.session.execute(select(AGENT.c.id).where(a.tenant_id == tenant.id))  # scoped
        uow.session.execute(select(AGENT.c.id))  # no tenant at all
        # joined on the ids only: the ticket side is scoped, the agent side is not
        uow.session.execute(
            select(t.external_id).join(AGENT, a.id == t.assignee_id).where(t.tenant_id == tenant.id)
        )
    assert [tables for _, tables in found] == [{"agent"}, {"agent"}]
    with watching_tenant_statements() as found, container.system() as system:
        system.session.execute(select(AGENT.c.id))  # the system repository: by design
    assert found == []
    assert unscoped_tables(delete(SCORE_SNAPSHOT)) == {"score_snapshot"}


def test_a_tenant_filled_through_the_api_sends_only_scoped_statements(
    client: TestClient, container: Container
) -> None:
    with watching_tenant_statements() as found:
        build_tenant(client, container, "scoped")
    assert found == []
