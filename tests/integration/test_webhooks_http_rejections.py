"""POST /webhooks/generic/{integration_id}, rejected: a bad signature or timestamp, a body
too large, not JSON or without valid events, or the wrong route, and nothing is stored."""

from __future__ import annotations

import time
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from infra.settings import Settings
from tests.factories import solved_twice
from tests.support.api import api_client, batch, post_webhook, signed_headers, stored


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
    body = batch(solved_twice())
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

    response = post_webhook(client, integration, batch(solved_twice()), secret=other.secret)

    assert_rejected(response, 401, container, tenant)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_signature_header_is_401(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    missing: str,
) -> None:
    body = batch(solved_twice())
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

    response = post_webhook(client, integration, batch(solved_twice()), timestamp=stamp)

    assert "tolerance" in assert_rejected(response, 401, container, tenant)


@pytest.mark.parametrize("streamed", [False, True], ids=["declared length", "chunked"])
def test_a_body_over_the_limit_is_413(
    settings: Settings, tenant: TenantProfile, integration: IntegrationRecord, streamed: bool
) -> None:
    small = Container(settings.model_copy(update={"webhook_max_body": 512}))
    try:
        client = api_client(small)
        body = batch(solved_twice() * 3)
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
    body = batch(solved_twice()[:1])
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
    body = batch(solved_twice())
    headers = signed_headers(integration.secret, body)

    response = client.post("/webhooks/generic/no-such-integration", content=body, headers=headers)

    assert_rejected(response, 404, container, tenant)


def test_a_source_in_the_url_other_than_the_integrations_is_404(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    response = post_webhook(client, integration, batch(solved_twice()), source="zendesk")

    assert_rejected(response, 404, container, tenant)


def test_a_generic_delivery_to_another_sources_integration_is_404(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    zendesk = admin.create_integration(
        container, tenant=tenant.id, source="zendesk", secret="whsec_" + "c2FtZS1zZWNyZXQtYnl0ZXM="
    )

    response = post_webhook(client, zendesk, batch(solved_twice()), source="generic")

    assert_rejected(response, 404, container, tenant)


def test_an_unknown_event_type_is_422(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    events = [
        *solved_twice(),
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
    events = solved_twice()
    del events[0][field]  # the ticket.created event: one bad event rejects the batch

    response = post_webhook(client, integration, batch(events))

    assert f"'{field}'" in assert_rejected(response, 422, container, tenant)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"priority": "p1"}, "'priority' must be one of low|normal|high|urgent, got 'p1'"),
        (
            {"type": "ticket.updated", "channel": None, "priority": None},
            "'channel' or 'priority' is required",
        ),
    ],
    ids=["a priority of none of the four", "an update that changes nothing"],
)
def test_a_bad_priority_or_an_empty_update_is_422_saying_why(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    change: dict[str, object],
    said: str,
) -> None:
    events = solved_twice()
    events[0].update(change)  # the ticket.created event (SPEC §8 fields)

    response = post_webhook(client, integration, batch(events))

    assert said in assert_rejected(response, 422, container, tenant)


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
