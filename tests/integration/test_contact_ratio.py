"""contact_ratio: tickets created / active users an admin records for the period."""

from __future__ import annotations

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.factories import Ticket
from tests.support.api import access_token, api_client, graphql, graphql_data
from tests.support.derive import apply_and_settle

SET = """mutation($count: Int!) {
  setActiveUsers(period: {grain: MONTH, start: "2026-03-01"}, count: $count) {
    __typename
    ... on ActiveUsers { count contactRatio }
    ... on ValidationError { message field }
  }
}"""
READ = """{ tenantMetrics(period: {grain: MONTH, start: "2026-03-01"}) {
  metrics { key value sampleSize } } }"""


def test_contact_ratio_is_tickets_created_over_the_active_users_set_by_an_admin(
    container: Container, tenant: TenantProfile
) -> None:
    events = [e for n in range(3) for e in Ticket(f"CR{n}").created(n).customer(n).events]
    apply_and_settle(container, tenant.id, source="generic", events=events)
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))

    result = graphql_data(client, token, SET, count=200)["setActiveUsers"]

    assert result == {"__typename": "ActiveUsers", "count": 200, "contactRatio": 3 / 200}
    metrics = {m["key"]: m for m in graphql_data(client, token, READ)["tenantMetrics"]["metrics"]}
    assert metrics["contact_ratio"]["value"] == 3 / 200
    assert metrics["contact_ratio"]["sampleSize"] == 200


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


def test_setting_figures_needs_the_admin_scope(container: Container, tenant: TenantProfile) -> None:
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read",))
    body = graphql(client, token, SET, count=5).json()
    assert "'admin' scope" in body["errors"][0]["message"]
