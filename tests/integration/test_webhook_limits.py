"""Bounded webhook input: a body nested deeper than JSON_MAX_DEPTH, or JSON that cannot be
decoded, gets a 400 with a message and nothing is stored; a time out of range is a 401 (a
header) or a failed delivery with its reason (a payload), never a 500. A body at the
nesting limit is accepted."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from infra.settings import Settings
from tests.factories import solved_twice
from tests.support.api import api_client, batch, post_webhook, stored
from tests.support.limits import DEEP, HUGE_INT, assert_refused, deep_array, deep_object
from tests.support.vendors import fixture, intercom_headers


@pytest.mark.parametrize(
    "body",
    [deep_array(DEEP), deep_object(DEEP), deep_array(65), b'{"events": [' + deep_array(63) + b"]}"],
    ids=["100k arrays", "100k objects", "one past the limit", "inside events"],
)
def test_a_webhook_nested_deeper_than_the_limit_is_400_and_stores_nothing(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    body: bytes,
) -> None:
    assert container.settings.json_max_depth == 64

    response = post_webhook(client, integration, body)

    message = assert_refused(response, 400, "nesting deeper than 64")
    assert message == "JSON nesting deeper than 64 levels"
    container.queue.join()
    assert stored(container, tenant) == (0, 0)


def test_a_vendor_webhook_nested_too_deep_is_400_before_its_adapter_reads_it(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    # Intercom's adapter parses the body for its delivery key; Intercom's failures are
    # otherwise kept for replay — a too-deep body is refused like any malformed one.
    hook = admin.create_integration(
        container, tenant=tenant.id, source="intercom", secret="client-secret"
    )
    body = deep_object(DEEP)

    response = client.post(
        f"/webhooks/intercom/{hook.id}",
        content=body,
        headers=intercom_headers("client-secret", body),
    )

    assert_refused(response, 400, "nesting")
    assert stored(container, tenant) == (0, 0)


def test_a_webhook_at_the_nesting_limit_is_accepted(
    settings: Settings, tenant: TenantProfile, integration: IntegrationRecord
) -> None:
    body = batch(solved_twice())  # {"events": [{...}, ...]}: 3 levels
    for depth, status in ((3, 202), (2, 400)):
        limited = Container(settings.model_copy(update={"json_max_depth": depth}))
        try:
            response = post_webhook(api_client(limited), integration, body)
            limited.queue.join()
        finally:
            limited.close()
        assert response.status_code == status, (depth, response.text)


@pytest.mark.parametrize(
    ("source", "body", "words"),
    [
        ("generic", b'{"events": [' + HUGE_INT + b"]}", "JSON integer with more than 4300 digits"),
        ("intercom", b'{"events": [' + HUGE_INT + b"]}", "JSON integer with more than 4300 digits"),
        ("generic", b'{"events": ["\xff"]}', "malformed JSON: not UTF-8"),
        ("intercom", b'{"id": "notif_1", "x": "\xc3"}', "malformed JSON: not UTF-8"),
    ],
    ids=["generic huge int", "intercom huge int", "generic bad byte", "intercom bad byte"],
)
def test_a_signed_webhook_json_cannot_decode_is_400_and_stores_nothing(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    source: str,
    body: bytes,
    words: str,
) -> None:
    if source == "intercom":
        hook = admin.create_integration(container, tenant=tenant.id, source=source, secret="cs")
        response = client.post(
            f"/webhooks/intercom/{hook.id}", content=body, headers=intercom_headers("cs", body)
        )
    else:
        response = post_webhook(client, integration, body)

    assert_refused(response, 400, words)
    container.queue.join()
    assert stored(container, tenant) == (0, 0)


def test_a_zendesk_timestamp_header_out_of_range_is_401_not_500(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    # Checked before the signature, so anyone could send it.
    hook = admin.create_integration(container, tenant=tenant.id, source="zendesk", secret="zs")
    headers = {
        "X-Zendesk-Webhook-Signature": "bm90IGEgc2lnbmF0dXJl",
        "X-Zendesk-Webhook-Signature-Timestamp": "99999999999999999999",
    }

    response = client.post(f"/webhooks/zendesk/{hook.id}", content=b"{}", headers=headers)

    assert_refused(response, 401, "Timestamp is not an ISO 8601 time")
    assert stored(container, tenant) == (0, 0)


def test_a_signed_intercom_time_out_of_range_is_a_failed_delivery_with_its_reason(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    hook = admin.create_integration(container, tenant=tenant.id, source="intercom", secret="cs")
    payload = fixture("intercom", "conversation.user.created.json")
    payload["data"]["item"]["created_at"] = "99999999999999999999"  # digits: unix seconds
    body = json.dumps(payload).encode()

    response = client.post(
        f"/webhooks/intercom/{hook.id}", content=body, headers=intercom_headers("cs", body)
    )

    assert response.status_code == 202, response.text
    assert response.json()["status"] == "failed"
    assert "'data.item.created_at' is not a timestamp" in response.json()["reason"]
    container.queue.join()
    assert stored(container, tenant) == (1, 0)  # kept for an admin to fix and replay
