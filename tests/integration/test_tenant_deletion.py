"""Deleting a tenant row deletes every row of the tenant and nothing of another: by the
tenant foreign keys' cascade, and for the derived rows without such a key (metric
samples, tickets) by the trigger that replaced it (migrations j0derivedfk0025)."""

from __future__ import annotations

from sqlalchemy import delete

from infra.bootstrap import Container
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

    # As the app's login, which row-level security binds on PostgreSQL, scoped to no tenant.
    with container.engine.begin() as conn:
        conn.execute(delete(TENANT).where(TENANT.c.id == gone.id))

    left = {table: rows for table, rows in snapshot(container, gone.id).items() if rows}
    assert left == {}
    assert snapshot(container, kept.id) == kept_before
