"""contact_ratio: tickets created / active users an admin records for the period. The
figure invalidates the tenant's snapshot of the period; the reconciler re-scores it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from redis import Redis
from rq import Queue
from starlette.testclient import TestClient

from domain.derivation.outbox import DirtyEntry
from domain.metrics import Level
from domain.periods import Grain, Period
from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.queue import RECONCILE_TENANT, pending_flag
from infra.settings import Settings
from tests.factories import Ticket
from tests.support.api import access_token, api_client, graphql, graphql_data
from tests.support.derive import apply_and_settle, settle
from tests.support.derived_rows import derived_rows, outbox_left

SET = """mutation($count: Int!) {
  setActiveUsers(period: {grain: MONTH, start: "2026-03-01"}, count: $count) {
    __typename
    ... on ActiveUsers { count contactRatio }
    ... on ValidationError { message field }
  }
}"""
READ = """{ tenantMetrics(period: {grain: MONTH, start: "2026-03-01"}) {
  metrics { key value sampleSize } } }"""


def three_tickets_created(container: Container, tenant: TenantProfile) -> None:
    events = [e for n in range(3) for e in Ticket(f"CR{n}").created(n).customer(n).events]
    apply_and_settle(container, tenant.id, source="generic", events=events)


def stored_contact_ratio(client: TestClient, token: str) -> dict[str, Any]:
    metrics = {m["key"]: m for m in graphql_data(client, token, READ)["tenantMetrics"]["metrics"]}
    return dict(metrics["contact_ratio"])


def test_contact_ratio_is_tickets_created_over_the_active_users_set_by_an_admin(
    container: Container, tenant: TenantProfile
) -> None:
    three_tickets_created(container, tenant)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))

    result = graphql_data(client, token, SET, count=200)["setActiveUsers"]
    settle(container)  # the reconcile the mutation's commit asked for

    assert result == {"__typename": "ActiveUsers", "count": 200, "contactRatio": 3 / 200}
    stored = stored_contact_ratio(client, token)
    assert stored["value"] == 3 / 200
    assert stored["sampleSize"] == 200


@pytest.mark.redis
def test_the_figure_invalidates_the_tenants_snapshot_and_only_the_reconciler_writes_it(
    settings: Settings, container: Container, tenant: TenantProfile, redis_url: str
) -> None:
    """STYLE 15: the mutation stores the figure and marks the tenant's snapshot of the
    period in the outbox, in its transaction; it writes no derived row itself."""
    three_tickets_created(container, tenant)
    before = derived_rows(container, tenant.id)
    # The mutation through a container whose jobs wait in a Redis queue no worker reads.
    name = f"fairscore-figures-{uuid.uuid4().hex[:6]}"
    queued = Container(settings.model_copy(update={"redis_url": redis_url, "queue_name": name}))
    jobs = Queue(name, connection=Redis.from_url(redis_url))
    try:
        client = api_client(queued)
        token = access_token(client, queued, tenant.id, scopes=("read", "admin"))
        result = graphql_data(client, token, SET, count=200)["setActiveUsers"]
        assert result["contactRatio"] == 3 / 200  # measured, not stored
        assert jobs.count == 1  # the commit asked for the reconcile
    finally:
        jobs.empty()
        jobs.connection.delete(pending_flag(RECONCILE_TENANT, tenant.id))
        queued.close()

    assert derived_rows(container, tenant.id) == before
    with container.uow(tenant.id) as uow:  # read by taking, rolled back: left waiting
        waiting = uow.outbox.take(10)
    assert waiting == [DirtyEntry(Period(Grain.MONTH, date(2026, 3, 1)), Level.TENANT, tenant.id)]

    container.reconciler(tenant.id, wait=True).run()

    assert outbox_left(container, tenant.id) == {"dirty_period": 0, "derivation_request": 0}
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read",))
    assert stored_contact_ratio(client, token)["value"] == 3 / 200


def test_negative_active_users_are_a_validation_error_that_changes_nothing(
    container: Container, tenant: TenantProfile
) -> None:
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    result = graphql_data(client, token, SET, count=-1)["setActiveUsers"]
    assert result == {
        "__typename": "ValidationError",
        "message": "active users cannot be negative",
        "field": "count",
    }
    assert outbox_left(container, tenant.id) == {"dirty_period": 0, "derivation_request": 0}


def test_setting_figures_needs_the_admin_scope(container: Container, tenant: TenantProfile) -> None:
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read",))
    body = graphql(client, token, SET, count=5).json()
    assert "'admin' scope" in body["errors"][0]["message"]
