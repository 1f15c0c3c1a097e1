"""POST /webhooks/generic/{integration_id}, accepted: Standard Webhooks signatures, the stored
raw delivery and idempotent processing (rejections: test_webhooks_http_rejections.py)."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from infra.db.tables import WEBHOOK_DELIVERY
from tests.factories import Ticket, solved_twice
from tests.support.api import (
    access_token,
    batch,
    graphql_data,
    post_webhook,
    signed_headers,
    stored,
)
from tests.support.owner import owner_engine

TICKET_FACTS = """
query ($id: String!) {
  ticket(externalId: $id) {
    source status channel createdAt firstReplyAt firstSolvedAt reopenCount
    publicAgentReplyCount eventCount assignee { externalId }
  }
}"""


def ticket_facts(
    client: TestClient, container: Container, tenant: TenantProfile, ticket_id: str
) -> dict[str, Any] | None:
    token = access_token(client, container, tenant.id)
    return graphql_data(client, token, TICKET_FACTS, id=ticket_id)["ticket"]  # type: ignore[no-any-return]


def delivery_rows(container: Container, tenant: TenantProfile) -> list[Any]:
    d = WEBHOOK_DELIVERY.c
    stmt = select(d.body, d.headers, d.status, d.delivery_key).where(d.tenant_id == tenant.id)
    with owner_engine(container).connect() as conn:
        return list(conn.execute(stmt))


def test_a_signed_batch_is_accepted_and_its_events_become_ticket_facts(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    events = solved_twice()

    response = post_webhook(client, integration, batch(events))
    container.queue.join()

    assert response.status_code == 202, response.text
    assert response.json()["status"] == "accepted"
    assert stored(container, tenant) == (1, len(events))
    assert ticket_facts(client, container, tenant, "T-100") == {
        "source": "generic",
        "status": "solved",
        "channel": "email",
        "createdAt": "2026-03-02T09:00:00+00:00",
        "firstReplyAt": "2026-03-02T09:30:00+00:00",
        "firstSolvedAt": "2026-03-02T09:40:00+00:00",
        "reopenCount": 1,
        "publicAgentReplyCount": 2,
        "eventCount": 8,
        "assignee": {"externalId": "a1"},
    }


def test_a_single_event_object_is_accepted_without_a_batch_wrapper(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    event = Ticket("T-1").created(0).events[0]

    response = post_webhook(client, integration, json.dumps(event).encode())
    container.queue.join()

    assert response.status_code == 202, response.text
    assert stored(container, tenant) == (1, 1)


def test_the_same_webhook_id_again_is_a_duplicate_and_changes_nothing(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    body = batch(solved_twice())
    assert post_webhook(client, integration, body, msg_id="msg_once").status_code == 202
    container.queue.join()
    before = stored(container, tenant), ticket_facts(client, container, tenant, "T-100")

    again = post_webhook(client, integration, body, msg_id="msg_once")
    container.queue.join()

    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert (stored(container, tenant), ticket_facts(client, container, tenant, "T-100")) == before


def test_the_same_events_under_a_new_webhook_id_add_no_events(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    body = batch(solved_twice())
    assert post_webhook(client, integration, body, msg_id="msg_first").status_code == 202
    container.queue.join()
    facts = ticket_facts(client, container, tenant, "T-100")

    retry = post_webhook(client, integration, body, msg_id="msg_second")
    container.queue.join()

    assert retry.status_code == 202
    deliveries, events = stored(container, tenant)
    assert (deliveries, events) == (2, 8)  # both requests kept, each event once
    assert ticket_facts(client, container, tenant, "T-100") == facts


def test_a_signature_among_several_matches_so_secrets_can_rotate(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    body = batch(solved_twice())
    old = signed_headers(
        "whsec_" + "b2xkLXNlY3JldC1vbGQtc2VjcmV0",
        body,
        msg_id="msg_rot",
        timestamp=int(time.time()),
    )
    new = signed_headers(
        integration.secret, body, msg_id="msg_rot", timestamp=int(old["webhook-timestamp"])
    )
    signatures = f"{old['webhook-signature']} {new['webhook-signature']}"

    response = post_webhook(
        client,
        integration,
        body,
        msg_id="msg_rot",
        timestamp=int(old["webhook-timestamp"]),
        extra_headers={"webhook-signature": signatures},
    )

    assert response.status_code == 202, response.text
    assert stored(container, tenant)[0] == 1


def test_a_timestamp_within_the_tolerance_is_accepted(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    four_minutes_ago = int(time.time()) - 240

    response = post_webhook(client, integration, batch(solved_twice()), timestamp=four_minutes_ago)

    assert response.status_code == 202, response.text


def test_the_raw_body_is_committed_before_the_2xx(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    # Odd spacing and key order: what is stored must be these bytes, not a re-encoding.
    body = b'{ "events" :[' + json.dumps(solved_twice()[0], indent=3).encode() + b"]  }\n"

    response = post_webhook(client, integration, body, msg_id="msg_raw")

    assert response.status_code == 202, response.text
    # Read at once, on a connection of our own: the row is committed, not just flushed.
    [row] = delivery_rows(container, tenant)
    assert bytes(row.body) == body
    assert row.delivery_key == "msg_raw"
    assert row.headers["webhook-id"] == "msg_raw"


def test_credential_headers_are_not_stored_with_the_delivery(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    secrets = {
        "Authorization": "Bearer top-secret-token",
        "Cookie": "session=top-secret-cookie",
        "X-Fairscore-Token": "top-secret-header",
    }

    response = post_webhook(client, integration, batch(solved_twice()), extra_headers=secrets)

    assert response.status_code == 202, response.text
    [row] = delivery_rows(container, tenant)
    assert not {"authorization", "cookie", "x-fairscore-token"} & {k.lower() for k in row.headers}
    assert "top-secret" not in json.dumps(row.headers)
    assert "webhook-signature" in row.headers
