"""The vendors' real payloads (tests/fixtures/webhooks) through POST /webhooks/{source}/{id},
signed each vendor's way: the canonical events they become, and the requests refused.

Unknown event types and payloads missing a field are acknowledged (vendors retry any
4xx) and kept with their reason for an admin; only unauthentic requests get a 401.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from infra.db.tables import TICKET_EVENT
from tests.support.api import access_token, graphql_data, stored
from tests.support.owner import owner_engine
from tests.support.vendors import Delivery, fixture, send

SECRET = "vendor-signing-secret-3f9a"
VENDOR_FIXTURES = {
    "zendesk": [
        "ticket.created.json",
        "ticket.agent_assignment_changed.third-party-example.json",
        "ticket.comment_added.third-party-example.json",
        "ticket.status_changed.third-party-example.json",
    ],
    "intercom": [
        "conversation.user.created.json",
        "conversation.admin.replied.json",
        "conversation.admin.assigned.json",
        "conversation.user.replied.json",
        "conversation.admin.closed.json",
        "conversation.admin.opened.json",
    ],
    "chatwoot": [
        "conversation_status_changed.captured-whatsapp.json",
        "message_created.incoming.captured-whatsapp.json",
    ],
    "freshdesk": [
        "ticket_created.zulip-template.json",
        "public_note.zulip-template.json",
        "status_changed.zulip-template.json",
    ],
    "helpscout": ["satisfaction.ratings.json"],
}
SIGNED = ["zendesk", "intercom", "chatwoot", "helpscout"]  # Freshdesk cannot sign
AGENT_METRICS = """
query ($period: PeriodInput!) {
  agentScores(period: $period) { agent { externalId } metrics { key value sampleSize } }
}"""


def integration_for(container: Container, tenant: TenantProfile, source: str) -> IntegrationRecord:
    return admin.create_integration(container, tenant=tenant.id, source=source, secret=SECRET)


def fixtures_of(source: str) -> list[Delivery]:
    event = "satisfaction.ratings" if source == "helpscout" else ""
    return [Delivery(fixture(source, name), event=event) for name in VENDOR_FIXTURES[source]]


def stored_events(container: Container, tenant: TenantProfile) -> dict[str, dict[str, Any]]:
    e = TICKET_EVENT.c
    stmt = select(e.event_id, e.payload).where(e.tenant_id == tenant.id)
    with owner_engine(container).connect() as conn:
        return {event_id: dict(payload) for event_id, payload in conn.execute(stmt)}


def deliver_fixtures(
    client: TestClient, container: Container, tenant: TenantProfile, source: str
) -> dict[str, dict[str, Any]]:
    integration = integration_for(container, tenant, source)
    for delivery in fixtures_of(source):
        response = send(client, integration, delivery)
        assert response.status_code == 202, response.text
        assert response.json()["status"] == "accepted"
    container.queue.join()
    return stored_events(container, tenant)


def metrics_of(
    client: TestClient, container: Container, tenant: TenantProfile, month: str
) -> dict[str, dict[str, tuple[Any, int]]]:
    token = access_token(client, container, tenant.id)
    period = {"grain": "MONTH", "start": month}
    scores = graphql_data(client, token, AGENT_METRICS, period=period)["agentScores"]
    return {
        s["agent"]["externalId"]: {m["key"]: (m["value"], m["sampleSize"]) for m in s["metrics"]}
        for s in scores
    }


# --- the fixtures become canonical events and metrics ------------------------------------


def test_zendesk_fixtures_become_events_and_metrics(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    events = deliver_fixtures(client, container, tenant, "zendesk")

    staff, new_assignee = "8447388090495", "8447388090496"
    assert events["comment:9876543210"]["author_type"] == "agent"
    assert events["comment:9876543210"]["author_id"] == staff
    assert events["ticket:5158:opening"]["author_type"] == "customer"
    assigned = events[f"ticket:5158:assignee:{new_assignee}:2025-01-08T12:15:45Z"]
    assert (assigned["assignee_id"], assigned["team_id"]) == (new_assignee, "8447320466430")
    assert events["ticket:5158:status:solved:2025-01-08T16:45:20Z"]["status"] == "solved"
    metrics = metrics_of(client, container, tenant, "2025-01-01")
    # created 10:12:07.67, first public staff reply 14:25:30.12
    assert metrics[staff]["first_response_time"] == (pytest.approx(15202.45, abs=0.01), 1)
    assert metrics[new_assignee]["tickets_solved"] == (1, 1)  # the assignee at the solve


def test_intercom_fixtures_become_events_and_metrics(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    events = deliver_fixtures(client, container, tenant, "intercom")

    conversation = "21322009097"
    reply = events[f"{conversation}:part:2824382500:message"]  # "reply and assign"
    assert (reply["author_type"], reply["author_id"], reply["public"]) == ("agent", "1957471", True)
    assert events[f"{conversation}:part:2824382500:assigned"]["assignee_id"] == "1957471"
    customer = events[f"{conversation}:part:2824391734:message"]
    assert customer["author_type"] == "customer"
    assert events[f"{conversation}:part:2824395628:status"]["status"] == "solved"
    assert events["21330229536:part:2826953202:status"]["status"] == "open"
    assert events["21321941764:created"]["channel"] == "chat"
    metrics = metrics_of(client, container, tenant, "2019-03-01")["1957471"]
    assert metrics["first_response_time"] == (1553291111 - 1553290933, 1)
    assert metrics["tickets_solved"] == (1, 1)


def test_chatwoot_fixtures_become_events(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    events = deliver_fixtures(client, container, tenant, "chatwoot")

    message = events["25:message:17547"]
    assert (message["author_type"], message["author_id"], message["public"]) == (
        "customer",
        "89",
        True,
    )
    [status] = [e for e in events.values() if e["type"] == "ticket.status_changed"]
    assert (status["ticket_id"], status["status"]) == ("24", "open")


def test_freshdesk_fixtures_become_events(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    events = deliver_fixtures(client, container, tenant, "freshdesk")

    created = events["ticket:11:created"]
    assert (created["requester_id"], created["channel"]) == ("requester-bob@example.com", "unknown")
    statuses = [e["status"] for e in events.values() if e["type"] == "ticket.status_changed"]
    assert statuses == ["pending", "pending"]  # created pending; custom status 6 waits too
    [note] = [
        e
        for e in events.values()
        if e["type"] == "ticket.message" and e["id"] != "ticket:11:opening"
    ]
    assert (note["author_type"], note["public"]) == ("agent", True)


def test_helpscout_rating_fixture_becomes_a_csat_event(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    events = deliver_fixtures(client, container, tenant, "helpscout")

    assert events == {
        "rating:5434:2015-04-14T20:18:33Z": {
            "type": "ticket.rated",
            "id": "rating:5434:2015-04-14T20:18:33Z",
            "occurred_at": "2015-04-14T20:18:33Z",
            "ticket_id": "1560011",
            "kind": "csat",
            "score": 3.0,
            "scale_max": 3.0,
            "comment": "he was really helpful",
        }
    }


# --- unauthentic requests are refused and leave no trace ---------------------------------


def assert_refused(response: Any, container: Container, tenant: TenantProfile) -> str:
    container.queue.join()
    assert response.status_code == 401, response.text
    assert stored(container, tenant) == (0, 0)
    return str(response.json()["error"])


@pytest.mark.parametrize("source", [*SIGNED, "freshdesk"])
def test_a_signature_made_with_another_secret_is_401(
    client: TestClient, container: Container, tenant: TenantProfile, source: str
) -> None:
    integration = integration_for(container, tenant, source)

    response = send(client, integration, fixtures_of(source)[0], secret="not-the-secret")

    assert_refused(response, container, tenant)


@pytest.mark.parametrize("source", SIGNED)
def test_a_body_changed_after_signing_is_401(
    client: TestClient, container: Container, tenant: TenantProfile, source: str
) -> None:
    integration = integration_for(container, tenant, source)
    delivery = fixtures_of(source)[0]
    tampered = delivery.body.replace(b'"', b' "', 1)  # same JSON, other bytes

    response = send(client, integration, delivery, body=tampered)

    assert_refused(response, container, tenant)


@pytest.mark.parametrize("source", ["zendesk", "chatwoot"])
@pytest.mark.parametrize("offset", [-600, 600], ids=["ten minutes old", "ten minutes ahead"])
def test_a_stale_signature_timestamp_is_401(
    client: TestClient, container: Container, tenant: TenantProfile, source: str, offset: int
) -> None:
    integration = integration_for(container, tenant, source)

    response = send(client, integration, fixtures_of(source)[0], sent=time.time() + offset)

    assert "minute" in assert_refused(response, container, tenant)


def test_an_unsigned_chatwoot_delivery_is_401_unless_the_integration_allows_it(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    strict = integration_for(container, tenant, "chatwoot")
    lenient = admin.create_integration(
        container,
        tenant=tenant.id,
        source="chatwoot",
        secret=SECRET,
        options={"allow_unsigned": True},
    )
    body = fixtures_of("chatwoot")[1].body
    headers = {"content-type": "application/json"}

    refused = client.post(f"/webhooks/chatwoot/{strict.id}", content=body, headers=headers)
    assert "allow_unsigned" in assert_refused(refused, container, tenant)
    accepted = client.post(f"/webhooks/chatwoot/{lenient.id}", content=body, headers=headers)
    container.queue.join()

    assert accepted.status_code == 202, accepted.text
    assert stored(container, tenant) == (1, 1)
