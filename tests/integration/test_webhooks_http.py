"""POST /webhooks/generic/{integration_id}: Standard Webhooks signatures, the stored raw
delivery, idempotent processing, and rejections that store nothing at all."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from infra.db.tables import TICKET_EVENT, WEBHOOK_DELIVERY
from infra.settings import Settings
from tests.factories import Ticket
from tests.support.api import (
    access_token,
    api_client,
    batch,
    count_rows,
    graphql_data,
    post_webhook,
    signed_headers,
)

TICKET_FACTS = """
query ($id: String!) {
  ticket(externalId: $id) {
    source status channel createdAt firstReplyAt firstSolvedAt reopenCount
    publicAgentReplyCount eventCount assignee { externalId }
  }
}"""


@pytest.fixture
def client(container: Container) -> TestClient:
    return api_client(container)


@pytest.fixture
def integration(container: Container, tenant: TenantProfile) -> IntegrationRecord:
    return admin.create_integration(container, tenant=tenant.id, source="generic", secret=None)


def story(ticket_id: str = "T-100") -> list[dict[str, Any]]:
    """Created, answered after 30 min, solved, reopened, answered again, solved again."""
    t = Ticket(ticket_id).created(0, assignee="a1").customer(1).agent(30, "a1").solve(40)
    return t.reopen(50).customer(55).agent(62, "a1").solve(70).events


def stored(container: Container, tenant: TenantProfile) -> tuple[int, int]:
    """(webhook deliveries, ticket events) stored for the tenant."""
    return (
        count_rows(container, WEBHOOK_DELIVERY, tenant.id),
        count_rows(container, TICKET_EVENT, tenant.id),
    )


def ticket_facts(
    client: TestClient, container: Container, tenant: TenantProfile, ticket_id: str
) -> dict[str, Any] | None:
    token = access_token(client, container, tenant.id)
    return graphql_data(client, token, TICKET_FACTS, id=ticket_id)["ticket"]  # type: ignore[no-any-return]


def delivery_rows(container: Container, tenant: TenantProfile) -> list[Any]:
    d = WEBHOOK_DELIVERY.c
    stmt = select(d.body, d.headers, d.status, d.delivery_key).where(d.tenant_id == tenant.id)
    with container.engine.connect() as conn:
        return list(conn.execute(stmt))


# --- accepted deliveries -------------------------------------------------------------------


def test_a_signed_batch_is_accepted_and_its_events_become_ticket_facts(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    events = story()

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
    body = batch(story())
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
    body = batch(story())
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
    body = batch(story())
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

    response = post_webhook(client, integration, batch(story()), timestamp=four_minutes_ago)

    assert response.status_code == 202, response.text


def test_the_raw_body_is_committed_before_the_2xx(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    # Odd spacing and key order: what is stored must be these bytes, not a re-encoding.
    body = b'{ "events" :[' + json.dumps(story()[0], indent=3).encode() + b"]  }\n"

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

    response = post_webhook(client, integration, batch(story()), extra_headers=secrets)

    assert response.status_code == 202, response.text
    [row] = delivery_rows(container, tenant)
    assert not {"authorization", "cookie", "x-fairscore-token"} & {k.lower() for k in row.headers}
    assert "top-secret" not in json.dumps(row.headers)
    assert "webhook-signature" in row.headers


# --- rejected requests store nothing -------------------------------------------------------


def assert_rejected(response: Any, status: int, container: Container, tenant: TenantProfile) -> str:
    """The status, a JSON error message, and no trace of the request in the database."""
    container.queue.join()
    assert response.status_code == status, response.text
    assert stored(container, tenant) == (0, 0)
    message = response.json()["error"]
    assert message
    return str(message)


def test_a_bad_signature_is_401(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    body = batch(story())
    tampered = body.replace(b"a1", b"a2")
    headers = signed_headers(integration.secret, body)

    response = client.post(f"/webhooks/generic/{integration.id}", content=tampered, headers=headers)

    assert_rejected(response, 401, container, tenant)


def test_a_signature_with_another_secret_is_401(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    other = admin.create_integration(container, tenant=tenant.id, source="generic", secret=None)

    response = post_webhook(client, integration, batch(story()), secret=other.secret)

    assert_rejected(response, 401, container, tenant)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_signature_header_is_401(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    missing: str,
) -> None:
    body = batch(story())
    headers = signed_headers(integration.secret, body)
    del headers[missing]

    response = client.post(f"/webhooks/generic/{integration.id}", content=body, headers=headers)

    assert missing in assert_rejected(response, 401, container, tenant)


@pytest.mark.parametrize(
    "offset",
    [-301, -3600, 301, 3600],
    ids=["just stale", "an hour old", "just ahead", "an hour ahead"],
)
def test_a_timestamp_outside_five_minutes_is_401(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    offset: int,
) -> None:
    # A few seconds beyond the boundary so the test's and the server's clocks may differ.
    stamp = int(time.time()) + offset + (5 if offset > 0 else -5)

    response = post_webhook(client, integration, batch(story()), timestamp=stamp)

    assert "tolerance" in assert_rejected(response, 401, container, tenant)


@pytest.mark.parametrize("streamed", [False, True], ids=["declared length", "chunked"])
def test_a_body_over_the_limit_is_413(
    settings: Settings, tenant: TenantProfile, integration: IntegrationRecord, streamed: bool
) -> None:
    small = Container(settings.model_copy(update={"webhook_max_body": 512}))
    try:
        client = api_client(small)
        body = batch(story() * 3)
        assert len(body) > 512
        headers = signed_headers(integration.secret, body)
        content: Any = iter([body[:400], body[400:]]) if streamed else body

        response = client.post(
            f"/webhooks/generic/{integration.id}", content=content, headers=headers
        )

        assert_rejected(response, 413, small, tenant)
    finally:
        small.close()


def test_a_body_at_the_limit_is_accepted(
    settings: Settings, tenant: TenantProfile, integration: IntegrationRecord
) -> None:
    body = batch(story()[:1])
    small = Container(settings.model_copy(update={"webhook_max_body": len(body)}))
    try:
        response = post_webhook(api_client(small), integration, body)

        assert response.status_code == 202, response.text
    finally:
        small.queue.join()  # type: ignore[attr-defined]  # in-process: REDIS_URL unset
        small.close()


@pytest.mark.parametrize(
    "body", [b"{not json", b"", b"\xff\xfe{}"], ids=["broken JSON", "empty body", "not UTF-8"]
)
def test_a_signed_body_that_is_not_json_is_400(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    body: bytes,
) -> None:
    response = post_webhook(client, integration, body)

    assert_rejected(response, 400, container, tenant)


def test_an_unknown_integration_is_404(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    body = batch(story())
    headers = signed_headers(integration.secret, body)

    response = client.post("/webhooks/generic/no-such-integration", content=body, headers=headers)

    assert_rejected(response, 404, container, tenant)


def test_a_source_in_the_url_other_than_the_integrations_is_404(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    response = post_webhook(client, integration, batch(story()), source="zendesk")

    assert_rejected(response, 404, container, tenant)


def test_a_generic_delivery_to_another_sources_integration_is_404(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    zendesk = admin.create_integration(
        container, tenant=tenant.id, source="zendesk", secret="whsec_" + "c2FtZS1zZWNyZXQtYnl0ZXM="
    )

    response = post_webhook(client, zendesk, batch(story()), source="generic")

    assert_rejected(response, 404, container, tenant)


def test_an_unknown_event_type_is_422(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    events = [
        *story(),
        {
            "id": "e-x",
            "type": "ticket.exploded",
            "occurred_at": "2026-03-02T09:00:00Z",
            "ticket_id": "T-100",
        },
    ]

    response = post_webhook(client, integration, batch(events))

    assert "ticket.exploded" in assert_rejected(response, 422, container, tenant)


@pytest.mark.parametrize("field", ["ticket_id", "channel", "occurred_at", "id"])
def test_an_event_missing_a_required_field_is_422_naming_the_field(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    field: str,
) -> None:
    events = story()
    del events[0][field]  # the ticket.created event: one bad event rejects the batch

    response = post_webhook(client, integration, batch(events))

    assert f"'{field}'" in assert_rejected(response, 422, container, tenant)


@pytest.mark.parametrize(
    "body",
    [b'{"events": []}', b"[]", b'"text"'],
    ids=["empty batch", "a bare array", "a JSON string"],
)
def test_a_body_that_holds_no_event_objects_is_422(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    body: bytes,
) -> None:
    response = post_webhook(client, integration, body)

    assert_rejected(response, 422, container, tenant)
