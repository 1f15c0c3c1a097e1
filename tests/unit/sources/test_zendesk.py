"""Zendesk adapter: signature, delivery key, the fixture payloads, the satisfaction
template, ignoring and errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.sources.base import InboundRequest, IntegrationConfig, PayloadError, SignatureError
from infra.sources.zendesk import ZendeskAdapter
from tests.unit.sources.helpdesk_support import canonical, fixture, fixture_bytes

SECRET = "dGhpcy1pcy1hLXplbmRlc2stc2VjcmV0"  # used as text, never base64-decoded
NOW = datetime(2025, 1, 8, 16, 45, 21, tzinfo=UTC)
TIMESTAMP = "2025-01-08T16:45:21Z"
adapter = ZendeskAdapter()
config = IntegrationConfig(secret=SECRET)


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def signed(
    body: bytes, *, timestamp: str = TIMESTAMP, secret: str = SECRET, at: datetime = NOW
) -> InboundRequest:
    headers = {
        "x-zendesk-webhook-signature": zendesk_signature(secret, timestamp, body),
        "x-zendesk-webhook-signature-timestamp": timestamp,
    }
    return InboundRequest(headers, body, at)


def decode(payload: dict[str, Any]) -> list[dict[str, Any]]:
    decoded = adapter.decode(InboundRequest({}, b"{}", NOW), payload)
    assert decoded.ignored is None
    return canonical(decoded)


# --- signature -----------------------------------------------------------------------------


def test_accepts_a_signature_over_timestamp_and_body() -> None:
    adapter.verify(signed(fixture_bytes("zendesk", "ticket.created.json")), config)


def test_signature_is_keyed_with_the_secret_text_not_its_base64_decoding() -> None:
    body = b'{"type": "zen:event-type:ticket.created"}'
    decoded_key = base64.b64decode(SECRET)
    mac = hmac.new(decoded_key, TIMESTAMP.encode() + body, hashlib.sha256).digest()
    request = InboundRequest(
        {
            "x-zendesk-webhook-signature": base64.b64encode(mac).decode(),
            "x-zendesk-webhook-signature-timestamp": TIMESTAMP,
        },
        body,
        NOW,
    )
    with pytest.raises(SignatureError, match="signature mismatch"):
        adapter.verify(request, config)


def test_rejects_a_wrong_secret() -> None:
    with pytest.raises(SignatureError, match="signature mismatch"):
        adapter.verify(signed(b"{}", secret="another-secret"), config)


def test_rejects_a_tampered_body() -> None:
    request = signed(b'{"rating": "good"}')
    tampered = InboundRequest(request.headers, b'{"rating": "bad"}', NOW)
    with pytest.raises(SignatureError, match="signature mismatch"):
        adapter.verify(tampered, config)


def test_rejects_a_signature_over_another_timestamp() -> None:
    request = signed(b"{}")
    headers = {**request.headers, "x-zendesk-webhook-signature-timestamp": "2025-01-08T16:45:22Z"}
    with pytest.raises(SignatureError, match="signature mismatch"):
        adapter.verify(InboundRequest(headers, b"{}", NOW), config)


@pytest.mark.parametrize("offset", [timedelta(minutes=5, seconds=1), -timedelta(minutes=6)])
def test_rejects_a_timestamp_outside_five_minutes(offset: timedelta) -> None:
    with pytest.raises(SignatureError, match="timestamp outside the 5-minute tolerance"):
        adapter.verify(signed(b"{}", at=NOW + offset), config)


def test_accepts_a_timestamp_just_inside_five_minutes() -> None:
    adapter.verify(signed(b"{}", at=NOW + timedelta(minutes=5)), config)
    adapter.verify(signed(b"{}", at=NOW - timedelta(minutes=5)), config)


@pytest.mark.parametrize(
    "missing",
    ["X-Zendesk-Webhook-Signature", "X-Zendesk-Webhook-Signature-Timestamp"],
)
def test_rejects_a_missing_header(missing: str) -> None:
    request = signed(b"{}")
    headers = {k: v for k, v in request.headers.items() if k != missing.lower()}
    with pytest.raises(SignatureError, match=f"missing {missing} header"):
        adapter.verify(InboundRequest(headers, b"{}", NOW), config)


def test_rejects_a_timestamp_that_is_not_iso_8601() -> None:
    with pytest.raises(SignatureError, match="not an ISO 8601 time"):
        adapter.verify(signed(b"{}", timestamp="yesterday"), config)


def test_accepts_the_second_webhook_secret_listed_in_options() -> None:
    # Event webhooks and trigger webhooks are separate Zendesk webhooks with separate secrets.
    two = IntegrationConfig(secret=SECRET, options={"additional_secrets": ["trigger-secret"]})
    adapter.verify(signed(b"{}", secret="trigger-secret"), two)
    with pytest.raises(SignatureError):
        adapter.verify(signed(b"{}", secret="trigger-secret"), config)


# --- delivery key ----------------------------------------------------------------------------


def test_delivery_key_is_the_event_envelope_id() -> None:
    body = fixture_bytes("zendesk", "ticket.created.json")
    key = adapter.delivery_key(signed(body))
    assert key == "zendesk-event:cbe4028c-7239-495d-b020-f22348516046"
    # a retry is signed again with a new timestamp; the key does not change
    retry = signed(body, timestamp="2025-01-08T16:46:00Z")
    assert adapter.delivery_key(retry) == key


def test_delivery_key_of_a_trigger_body_is_its_hash() -> None:
    body = b'{"fairscore": "zendesk.satisfaction.v1", "ticket_id": "1"}'
    assert adapter.delivery_key(signed(body)) == "sha256:" + hashlib.sha256(body).hexdigest()
    assert adapter.delivery_key(signed(b"not json")).startswith("sha256:")


# --- the fixture payloads -----------------------------------------------------------------------


def test_ticket_created() -> None:
    assert decode(fixture("zendesk", "ticket.created.json")) == [
        {
            "type": "ticket.created",
            "id": "ticket:5158:created",
            "occurred_at": "2025-01-08T10:12:07.672717Z",
            "ticket_id": "5158",
            "channel": "web_service",
            "requester_id": "8447388090494",
            "assignee_id": "8447388090494",
            "team_id": "8447320466430",
            "priority": "low",  # the payload's "LOW"
        },
        {
            "type": "ticket.message",
            "id": "ticket:5158:opening",
            "occurred_at": "2025-01-08T10:12:07.672717Z",
            "ticket_id": "5158",
            "message_id": "5158:description",
            "author_type": "customer",
            "author_id": "8447388090494",
            "public": True,
        },
    ]


def test_priority_changed_is_a_ticket_update() -> None:
    assert decode(fixture("zendesk", "ticket.priority_changed.docs-shape.json")) == [
        {
            "type": "ticket.updated",
            "id": "ticket:5158:priority:urgent:2025-01-08T11:02:45Z",
            "occurred_at": "2025-01-08T11:02:45.123456Z",
            "ticket_id": "5158",
            "priority": "urgent",
        }
    ]


def test_a_priority_cleared_in_zendesk_changes_nothing() -> None:
    payload = fixture("zendesk", "ticket.priority_changed.docs-shape.json")
    payload["event"] = {"current": None, "previous": "URGENT"}
    decoded = adapter.decode(InboundRequest({}, b"{}", NOW), payload)
    assert decoded.events == []
    assert decoded.ignored == "Zendesk priority None is not one Fairscore maps"


def test_a_ticket_an_agent_opened_for_the_requester_has_no_opening_message() -> None:
    payload = fixture("zendesk", "ticket.created.json")
    payload["detail"]["submitter_id"] = "8447388090499"
    assert [e["type"] for e in decode(payload)] == ["ticket.created"]


def test_comment_added_by_staff_is_an_agent_message() -> None:
    assert decode(fixture("zendesk", "ticket.comment_added.third-party-example.json")) == [
        {
            "type": "ticket.message",
            "id": "comment:9876543210",
            "occurred_at": "2025-01-08T14:25:30.123456Z",
            "ticket_id": "5158",
            "message_id": "9876543210",
            "author_type": "agent",
            "author_id": "8447388090495",
            "public": True,
        },
        {
            "type": "agent.upserted",
            "id": "agent:8447388090495:" + _fingerprint("Person 6", None),
            "occurred_at": "2025-01-08T14:25:30.123456Z",
            "agent_id": "8447388090495",
            "name": "Person 6",
        },
    ]


def test_status_changed() -> None:
    assert decode(fixture("zendesk", "ticket.status_changed.third-party-example.json")) == [
        {
            "type": "ticket.status_changed",
            "id": "ticket:5158:status:solved:2025-01-08T16:45:20Z",
            "occurred_at": "2025-01-08T16:45:20.987654Z",
            "ticket_id": "5158",
            "status": "solved",
        }
    ]


def test_agent_assignment_changed() -> None:
    payload = fixture("zendesk", "ticket.agent_assignment_changed.third-party-example.json")
    assert decode(payload) == [
        {
            "type": "ticket.assigned",
            "id": "ticket:5158:assignee:8447388090496:2025-01-08T12:15:45Z",
            "occurred_at": "2025-01-08T12:15:45.789012Z",
            "ticket_id": "5158",
            "assignee_id": "8447388090496",
            "team_id": "8447320466430",
        }
    ]


def _fingerprint(name: str, email: str | None) -> str:
    joined = "\x1f".join([name, email or ""])
    return hashlib.sha256(joined.encode()).hexdigest()[:24]


# --- variations of the documented shapes ----------------------------------------------------


def test_an_end_user_comment_is_a_customer_message_and_names_no_agent() -> None:
    payload = fixture("zendesk", "ticket.comment_added.third-party-example.json")
    payload["event"]["comment"]["author"] = {"id": 77, "is_staff": False, "name": "Person 1"}
    events = decode(payload)
    assert [e["type"] for e in events] == ["ticket.message"]
    assert events[0]["author_type"] == "customer" and events[0]["author_id"] == "77"


def test_an_internal_note_is_not_public() -> None:
    payload = fixture("zendesk", "ticket.comment_added.third-party-example.json")
    payload["event"]["comment"]["is_public"] = False
    assert decode(payload)[0]["public"] is False


@pytest.mark.parametrize(
    ("zendesk", "canonical_status"),
    [
        ("NEW", "open"),
        ("OPEN", "open"),
        ("PENDING", "pending"),
        ("HOLD", "pending"),
        ("SOLVED", "solved"),
        ("CLOSED", "closed"),
    ],
)
def test_status_mapping(zendesk: str, canonical_status: str) -> None:
    payload = fixture("zendesk", "ticket.status_changed.third-party-example.json")
    payload["event"]["current"] = zendesk
    assert decode(payload)[0]["status"] == canonical_status


def test_unassignment_has_a_null_assignee() -> None:
    payload = fixture("zendesk", "ticket.agent_assignment_changed.third-party-example.json")
    payload["event"]["current"] = None
    event = decode(payload)[0]
    assert event["assignee_id"] is None
    assert event["id"] == "ticket:5158:assignee:none:2025-01-08T12:15:45Z"


def test_group_change_moves_the_ticket_to_the_team_and_keeps_the_assignee() -> None:
    payload = fixture("zendesk", "ticket.agent_assignment_changed.third-party-example.json")
    payload["type"] = "zen:event-type:ticket.group_assignment_changed"
    payload["event"] = {"previous": "8447320466430", "current": "900"}
    (event,) = decode(payload)
    assert (event["assignee_id"], event["team_id"]) == ("8447388090496", "900")


def test_a_ticket_created_on_hold_also_records_its_status() -> None:
    payload = fixture("zendesk", "ticket.created.json")
    payload["detail"]["status"] = "HOLD"
    created, _, status = decode(payload)
    assert created["type"] == "ticket.created"
    assert status["id"] == "ticket:5158:status:hold:2025-01-08T10:12:07Z"
    assert status["status"] == "pending"


def test_the_same_payload_always_gives_the_same_ids() -> None:
    for name in ("ticket.created.json", "ticket.comment_added.third-party-example.json"):
        assert decode(fixture("zendesk", name)) == decode(fixture("zendesk", name))


# --- ignoring and errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["ticket.subject_changed", "ticket.tags_changed", "ticket.comment_made_private"]
)
def test_unused_event_types_are_ignored_with_a_reason(name: str) -> None:
    payload = fixture("zendesk", "ticket.created.json")
    payload["type"] = f"zen:event-type:{name}"
    decoded = adapter.decode(InboundRequest({}, b"{}", NOW), payload)
    assert decoded.events == []
    assert decoded.ignored == f"Zendesk event '{name}' is not used by Fairscore"


def test_deleted_status_is_ignored() -> None:
    payload = fixture("zendesk", "ticket.status_changed.third-party-example.json")
    payload["event"]["current"] = "DELETED"
    decoded = adapter.decode(InboundRequest({}, b"{}", NOW), payload)
    assert decoded.events == [] and decoded.ignored is not None


@pytest.mark.parametrize(
    ("fixture_name", "path", "message"),
    [
        ("ticket.created.json", ("detail", "id"), "'detail.id' is missing"),
        ("ticket.created.json", ("time",), "'time' is missing"),
        (
            "ticket.comment_added.third-party-example.json",
            ("event", "comment", "is_public"),
            "'event.comment.is_public' is missing",
        ),
        (
            "ticket.comment_added.third-party-example.json",
            ("event", "comment", "author"),
            "'event.comment.author' is missing",
        ),
        (
            "ticket.status_changed.third-party-example.json",
            ("event", "current"),
            "'event.current' is missing",
        ),
    ],
)
def test_missing_fields_name_the_field(
    fixture_name: str, path: tuple[str, ...], message: str
) -> None:
    payload = fixture("zendesk", fixture_name)
    parent = payload
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    with pytest.raises(PayloadError, match=message.replace(".", r"\.")):
        decode(payload)


def test_a_body_that_is_neither_event_nor_template() -> None:
    with pytest.raises(PayloadError, match="'type' is missing"):
        decode({"ticket_id": "1"})
    with pytest.raises(PayloadError, match="must be a JSON object"):
        adapter.decode(InboundRequest({}, b"[]", NOW), [])
