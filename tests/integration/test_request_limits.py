"""Bounded inputs: JSON nested deeper than JSON_MAX_DEPTH (webhook bodies, GraphQL bodies
and variables) and GraphQL documents over their byte, token or body limits get a 4xx with
a message — refused before anything recursive or quadratic runs, and nothing is stored."""

from __future__ import annotations

import json
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
from tests.support.api import access_token, api_client, batch, post_webhook, stored
from tests.support.vendors import fixture, intercom_headers

DEEP = 100_000  # far past the interpreter's recursion limit
# Quick: the unbounded server took 5-11 s of event-loop time on the documents below.
QUICK = 1.0


def deep_array(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_object(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def assert_refused(response: Any, status: int, words: str) -> str:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    message = str(body["error"] if "error" in body else body["errors"][0]["message"])
    assert words in message, message
    return message


# --- webhooks --------------------------------------------------------------------------------


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


HUGE_INT = b"9" * 5000  # past Python's int-digits limit: int() raises ValueError


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


# --- GraphQL JSON ----------------------------------------------------------------------------


@pytest.fixture
def headers(client: TestClient, container: Container, tenant: TenantProfile) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token(client, container, tenant.id)}"}


@pytest.mark.parametrize("depth", [DEEP, 66], ids=["100k", "one past the limit"])
def test_graphql_variables_nested_too_deep_are_400(
    client: TestClient, headers: dict[str, str], depth: int
) -> None:
    # The body's object and `variables` are two of the `depth` levels.
    body = b'{"query": "{ agents { id } }", "variables": {"x": '
    body += deep_array(depth - 2) + b"}}"

    response = client.post(
        "/graphql", content=body, headers={**headers, "content-type": "application/json"}
    )

    message = assert_refused(response, 400, "JSON nesting deeper than 64 levels")
    assert "JSON_MAX_DEPTH" in message
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


def test_graphql_get_variables_nested_too_deep_are_400(
    client: TestClient, headers: dict[str, str]
) -> None:
    params = {"query": "{ agents { id } }", "variables": deep_array(5_000).decode()}

    response = client.get("/graphql", params=params, headers=headers)

    assert_refused(response, 400, "JSON nesting deeper than 64 levels")


@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ agents { id } }", "variables": {"x": ' + HUGE_INT + b"}}",
        b'{"query": "\xff"}',
    ],
    ids=["huge int", "bad byte"],
)
def test_a_graphql_body_json_cannot_decode_is_400(
    client: TestClient, headers: dict[str, str], body: bytes
) -> None:
    # The shared decoder's refusals are JSONDecodeErrors, which strawberry answers with 400.
    response = client.post(
        "/graphql", content=body, headers={**headers, "content-type": "application/json"}
    )

    assert response.status_code == 400, response.text[:300]
    assert "Unable to parse request body as JSON" in response.text


# --- GraphQL documents -----------------------------------------------------------------------


def post_query(client: TestClient, headers: dict[str, str], query: str) -> tuple[Any, float]:
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": query}, headers=headers)
    return response, time.perf_counter() - started


def repeated_fields(count: int) -> str:
    """`{ agents { id id … } }`: 5 tokens plus one per field."""
    return "{ agents { " + "id " * count + "} }"


def includes(count: int) -> str:
    return "{ agents " + "@include(if: true) " * count + "{ id } }"


@pytest.mark.parametrize(
    "query", [repeated_fields(700_000), includes(100_000)], ids=["2 MB of fields", "100k @include"]
)
def test_a_document_over_the_body_limit_is_413_at_once(
    client: TestClient, headers: dict[str, str], query: str
) -> None:
    assert len(query) > 1_800_000

    response, seconds = post_query(client, headers, query)

    assert_refused(response, 413, "request body larger than 1048576 bytes")
    assert seconds < QUICK


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (repeated_fields(12_000), "larger than 32768 bytes"),
        ("{ agents { id } } # " + "x" * 40_000, "larger than 32768 bytes"),
        (includes(1_500), "more than 300 tokens"),
        (repeated_fields(296), "more than 300 tokens"),
        ("{ agents { id } }\n" + "#\n" * 300, "more than 300 tokens"),  # comments count too
    ],
    ids=["fields over bytes", "comment over bytes", "1500 @include", "301 tokens", "comments"],
)
def test_a_document_over_the_byte_or_token_limit_is_400_at_once(
    client: TestClient, headers: dict[str, str], query: str, words: str
) -> None:
    response, seconds = post_query(client, headers, query)

    message = assert_refused(response, 400, words)
    assert "GRAPHQL_MAX_" in message
    assert seconds < QUICK


def test_a_document_at_the_token_limit_runs(client: TestClient, headers: dict[str, str]) -> None:
    response, _ = post_query(client, headers, repeated_fields(295))  # 300 tokens

    assert response.status_code == 200, response.text[:500]
    assert response.json() == {"data": {"agents": []}}


def test_a_get_document_over_the_token_limit_is_400(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/graphql", params={"query": includes(400)}, headers=headers)

    assert_refused(response, 400, "more than 300 tokens")
