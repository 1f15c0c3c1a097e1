"""Per helpdesk, a conversation's whole life sent through the HTTP endpoint, signed the
vendor's way, ends in the right first_response_time, tickets_solved and csat for the
agent — and the vendor retrying every delivery changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import TICKET_EVENT, WEBHOOK_DELIVERY
from tests.support.api import access_token, count_rows, graphql_data
from tests.support.derived_rows import derived_rows
from tests.support.vendor_payloads import LIFECYCLES, Lifecycle
from tests.support.vendors import send

AGENT_SCORES = """
query ($period: PeriodInput!) {
  agentScores(period: $period) { agent { externalId name } metrics { key value sampleSize } }
}"""


def deliver_all(client: TestClient, container: Container, life: Lifecycle) -> list[int]:
    assert life.integration is not None
    codes = [send(client, life.integration, d).status_code for d in life.deliveries]
    container.queue.join()
    return codes


def lifecycle(container: Container, tenant: TenantProfile, source: str) -> Lifecycle:
    integration = admin.create_integration(
        container, tenant=tenant.id, source=source, secret=f"s3cret-{source}-key"
    )
    return LIFECYCLES[source]().to(integration)


def agent_metrics(
    client: TestClient, container: Container, tenant: TenantProfile, life: Lifecycle
) -> dict[str, tuple[Any, int]]:
    """(value, sampleSize) per metric of the lifecycle's agent in its month."""
    token = access_token(client, container, tenant.id)
    period = {"grain": "MONTH", "start": life.month.isoformat()}
    scores = graphql_data(client, token, AGENT_SCORES, period=period)["agentScores"]
    [mine] = [s for s in scores if s["agent"]["externalId"] == life.agent]
    return {m["key"]: (m["value"], m["sampleSize"]) for m in mine["metrics"]}


@pytest.mark.parametrize("source", sorted(LIFECYCLES))
def test_a_conversation_lifecycle_scores_the_agent(
    client: TestClient, container: Container, tenant: TenantProfile, source: str
) -> None:
    life = lifecycle(container, tenant, source)

    codes = deliver_all(client, container, life)

    assert codes == [202] * len(life.deliveries)
    metrics = agent_metrics(client, container, tenant, life)
    assert metrics["first_response_time"] == (life.first_response, 1)
    assert metrics["tickets_solved"] == (1, 1)
    assert metrics["csat"] == (1.0, 1)
    # The vendor's priority reaches the stored observations (case mix, SPEC §8).
    samples = derived_rows(container, tenant.id)["metric_sample"].values()
    assert {s["priority"] for s in samples if s["metric"] == "tickets_solved"} == {life.priority}


@pytest.mark.parametrize("source", sorted(LIFECYCLES))
def test_every_delivery_sent_again_changes_nothing(
    client: TestClient, container: Container, tenant: TenantProfile, source: str
) -> None:
    life = lifecycle(container, tenant, source)
    deliver_all(client, container, life)
    before = (
        agent_metrics(client, container, tenant, life),
        count_rows(container, TICKET_EVENT, tenant.id),
    )

    again = deliver_all(client, container, life)

    # Each vendor's retry is recognised as the same delivery: acknowledged, not stored.
    assert again == [200] * len(life.deliveries)
    after = (
        agent_metrics(client, container, tenant, life),
        count_rows(container, TICKET_EVENT, tenant.id),
    )
    assert after == before
    assert count_rows(container, WEBHOOK_DELIVERY, tenant.id) == len(life.deliveries)
