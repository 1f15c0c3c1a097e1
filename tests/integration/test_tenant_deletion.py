"""Deleting a tenant row deletes every row of the tenant and nothing of another: by the
tenant foreign keys' cascade, and for the derived rows without such a key (metric
samples, tickets) by the trigger that replaced it (migrations j0derivedfk0025)."""

from __future__ import annotations

from sqlalchemy import delete, text

from infra.bootstrap import Container
from infra.db.roles import scope_connection
from infra.db.tables import TENANT
from tests.support.api import api_client
from tests.support.derive import settle
from tests.support.probe_tenant import build_tenant, snapshot


def test_a_deleted_tenant_leaves_no_rows_and_the_other_tenant_keeps_all_of_its(
    container: Container,
) -> None:
    client = api_client(container)
    gone = build_tenant(client, container, "gone")
    kept = build_tenant(client, container, "kept")
    settle(container)
    held = snapshot(container, gone.id)
    assert held["metric_sample"] and held["ticket"] and held["agent"]  # something to delete
    kept_before = snapshot(container, kept.id)

    # As the app's login, which row-level security binds on PostgreSQL, in a transaction
    # scoped to the other tenant: the trigger deletes as the deleted one, then gives the
    # transaction its tenant back.
    with container.engine.begin() as conn:
        scope_connection(conn, kept.id)
        conn.execute(delete(TENANT).where(TENANT.c.id == gone.id))
        if conn.dialect.name == "postgresql":
            setting = text("SELECT current_setting('fairscore.tenant_id')")
            assert conn.execute(setting).scalar_one() == kept.id

    left = {table: rows for table, rows in snapshot(container, gone.id).items() if rows}
    assert left == {}
    assert snapshot(container, kept.id) == kept_before
