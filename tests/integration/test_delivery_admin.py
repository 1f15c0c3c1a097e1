"""What a delivery Fairscore cannot use becomes: acknowledged (vendors retry every 4xx),
stored with its reason, listed for admins, and replayable once the code is fixed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import TICKET_EVENT
from infra.sources.base import Decoded, InboundRequest, SourceAdapter
from tests.support.api import access_token, count_rows, graphql, graphql_data
from tests.support.vendors import Delivery, fixture, send

SECRET = "vendor-signing-secret-3f9a"
DELIVERIES = """
query ($status: DeliveryStatus) {
  webhookDeliveries(status: $status) {
    id source integrationId receivedAt status reason eventCount attempts
  }
}"""
REPLAY = """
mutation ($id: ID!) {
  replayDelivery(id: $id) {
    __typename
    ... on WebhookDelivery { id status reason }
    ... on NotFoundError { message }
  }
}"""


def without(payload: dict[str, Any], *path: str) -> dict[str, Any]:
    node = payload
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return payload


def with_value(payload: dict[str, Any], value: Any, *path: str) -> dict[str, Any]:
    node = payload
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return payload


ZD_CREATED = "ticket.created.json"
IC_CREATED = "conversation.user.created.json"
CW_MESSAGE = "message_created.incoming.captured-whatsapp.json"
FD_CREATED = "ticket_created.zulip-template.json"
HS_RATING = "satisfaction.ratings.json"

# An event each vendor really sends that no metric needs (priority changes are used now:
# they are case-mix strata, SPEC §8).
UNUSED: dict[str, Callable[[], Delivery]] = {
    "zendesk": lambda: Delivery(
        with_value(fixture("zendesk", ZD_CREATED), "zen:event-type:ticket.tags_changed", "type")
    ),
    "intercom": lambda: Delivery(
        with_value(fixture("intercom", IC_CREATED), "contact.created", "topic")
    ),
    "chatwoot": lambda: Delivery(
        with_value(fixture("chatwoot", CW_MESSAGE), "contact_created", "event")
    ),
    "freshdesk": lambda: Delivery(
        with_value(
            fixture("freshdesk", FD_CREATED),
            "{source:{from:1,to:2}}",
            "freshdesk_webhook",
            "triggered_event",
        )
    ),
    "helpscout": lambda: Delivery(fixture("helpscout", HS_RATING), event="customer.created"),
}
# A payload without a field the mapping needs, and the path the reason must name.
INCOMPLETE: dict[str, tuple[Callable[[], Delivery], str]] = {
    "zendesk": (
        lambda: Delivery(without(fixture("zendesk", ZD_CREATED), "detail", "id")),
        "detail.id",
    ),
    "intercom": (
        lambda: Delivery(without(fixture("intercom", IC_CREATED), "data", "item", "id")),
        "data.item.id",
    ),
    "chatwoot": (
        lambda: Delivery(without(fixture("chatwoot", CW_MESSAGE), "conversation")),
        "conversation",
    ),
    "freshdesk": (
        lambda: Delivery(
            without(fixture("freshdesk", FD_CREATED), "freshdesk_webhook", "ticket_id")
        ),
        "freshdesk_webhook.ticket_id",
    ),
    "helpscout": (
        lambda: Delivery(
            without(fixture("helpscout", HS_RATING), "ticketId"), event="satisfaction.ratings"
        ),
        "ticketId",
    ),
}


@pytest.fixture
def admin_token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    return access_token(client, container, tenant.id, scopes=("read", "admin"))


def post(
    container: Container, client: TestClient, tenant: TenantProfile, source: str, delivery: Delivery
) -> Any:
    integration = admin.create_integration(
        container, tenant=tenant.id, source=source, secret=SECRET
    )
    response = send(client, integration, delivery)
    container.queue.join()
    return response


def listed(client: TestClient, token: str, status: str | None = None) -> list[dict[str, Any]]:
    found = graphql_data(client, token, DELIVERIES, status=status)["webhookDeliveries"]
    return list(found)


@pytest.mark.parametrize("source", sorted(UNUSED))
def test_an_unused_event_type_is_acknowledged_and_stored_as_ignored_with_a_reason(
    client: TestClient, container: Container, tenant: TenantProfile, admin_token: str, source: str
) -> None:
    response = post(container, client, tenant, source, UNUSED[source]())

    assert response.status_code == 202, response.text
    assert response.json()["status"] == "ignored"
    [row] = listed(client, admin_token, "IGNORED")
    assert row["source"] == source and row["status"] == "IGNORED"
    assert "not used by Fairscore" in row["reason"]
    assert (row["eventCount"], count_rows(container, TICKET_EVENT, tenant.id)) == (0, 0)


@pytest.mark.parametrize("source", sorted(INCOMPLETE))
def test_a_payload_missing_a_field_is_acknowledged_and_stored_as_failed_naming_it(
    client: TestClient, container: Container, tenant: TenantProfile, admin_token: str, source: str
) -> None:
    build, field = INCOMPLETE[source]

    response = post(container, client, tenant, source, build())

    assert response.status_code == 202, response.text
    assert response.json()["status"] == "failed"
    [row] = listed(client, admin_token, "FAILED")
    assert f"'{field}' is missing" in row["reason"]
    assert listed(client, admin_token, "PENDING") == []
    assert count_rows(container, TICKET_EVENT, tenant.id) == 0


class Fixed:
    """The Zendesk adapter after a (simulated) fix: it copes without `detail.id`."""

    def __init__(self, inner: SourceAdapter) -> None:
        self.inner = inner
        self.source = inner.source
        self.verify = inner.verify
        self.delivery_key = inner.delivery_key

    def decode(self, request: InboundRequest, payload: Any) -> Decoded:
        payload["detail"].setdefault("id", "5158")
        return self.inner.decode(request, payload)


def failed_zendesk_delivery(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> str:
    build, _ = INCOMPLETE["zendesk"]
    assert post(container, client, tenant, "zendesk", build()).status_code == 202
    [row] = listed(client, token, "FAILED")
    return str(row["id"])


def test_replaying_a_failed_delivery_decodes_it_with_the_current_code(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    admin_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    delivery_id = failed_zendesk_delivery(client, container, tenant, admin_token)
    monkeypatch.setitem(container.adapters, "zendesk", Fixed(container.adapters["zendesk"]))

    replayed = graphql_data(client, admin_token, REPLAY, id=delivery_id)["replayDelivery"]
    container.queue.join()

    assert replayed == {
        "__typename": "WebhookDelivery",
        "id": delivery_id,
        "status": "PENDING",
        "reason": None,
    }
    [row] = listed(client, admin_token)
    assert (row["status"], row["reason"], row["attempts"]) == ("PROCESSED", None, 1)
    assert row["eventCount"] == count_rows(container, TICKET_EVENT, tenant.id) == 2


def test_replaying_a_processed_delivery_again_adds_no_events(
    client: TestClient, container: Container, tenant: TenantProfile, admin_token: str
) -> None:
    created = Delivery(fixture("zendesk", ZD_CREATED))
    assert post(container, client, tenant, "zendesk", created).status_code == 202
    [row] = listed(client, admin_token)
    events = count_rows(container, TICKET_EVENT, tenant.id)

    graphql_data(client, admin_token, REPLAY, id=row["id"])
    container.queue.join()

    [again] = listed(client, admin_token)
    assert (again["status"], again["attempts"]) == ("PROCESSED", 2)
    assert count_rows(container, TICKET_EVENT, tenant.id) == events == 2


def test_replaying_an_unknown_or_another_tenants_delivery_is_not_found(
    client: TestClient, container: Container, tenant: TenantProfile, admin_token: str
) -> None:
    other = admin.create_tenant(container, slug=f"{tenant.slug}-b", name="B", timezone="UTC")
    other_token = access_token(client, container, other.id, scopes=("read", "admin"))
    delivery_id = failed_zendesk_delivery(client, container, tenant, admin_token)

    result = graphql_data(client, other_token, REPLAY, id=delivery_id)["replayDelivery"]

    assert result["__typename"] == "NotFoundError"
    assert listed(client, other_token) == []
    assert [r["status"] for r in listed(client, admin_token)] == ["FAILED"]


def test_delivery_admin_needs_the_admin_scope(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    read_only = access_token(client, container, tenant.id, scopes=("read",))

    for query, variables in ((DELIVERIES, {}), (REPLAY, {"id": "x"})):
        body = graphql(client, read_only, query, **variables).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_replay_command_reprocesses_every_failed_delivery(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    admin_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failed_zendesk_delivery(client, container, tenant, admin_token)
    monkeypatch.setitem(container.adapters, "zendesk", Fixed(container.adapters["zendesk"]))

    result = CliRunner().invoke(app, ["replay", "--tenant", tenant.slug, "--status", "failed"])

    assert result.exit_code == 0, result.output
    assert "replayed 1 delivery: 1 processed (2 events)" in result.output
    assert [r["status"] for r in listed(client, admin_token)] == ["PROCESSED"]
