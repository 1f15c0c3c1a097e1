"""Intercom adapter: signature, delivery key, the captured 1.x fixtures, ignoring and errors."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any
from unittest.mock import ANY

import pytest

from domain.events import parse_event
from infra.sources.base import InboundRequest, IntegrationConfig, PayloadError, SignatureError
from infra.sources.intercom import IntercomAdapter
from tests.fixtures import WEBHOOKS

FIXTURES = WEBHOOKS / "intercom"
SECRET = "intercom-client-secret"
RECEIVED = datetime(2019, 3, 22, 21, 45, 13, tzinfo=UTC)
adapter = IntercomAdapter()


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def signed(body: bytes, secret: str = SECRET, **headers: str) -> InboundRequest:
    digest = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return InboundRequest({"x-hub-signature": f"sha1={digest}", **headers}, body, RECEIVED)


def decode(payload: dict[str, Any]) -> list[dict[str, Any]]:
    decoded = adapter.decode(InboundRequest({}, json.dumps(payload).encode(), RECEIVED), payload)
    assert decoded.ignored is None
    for event in decoded.events:
        parse_event(event)  # everything the adapter emits must be canonical
    return decoded.events


# --- signature ---------------------------------------------------------------------------


def test_accepts_the_published_hmac_sha1_vector() -> None:
    # RFC 2104 HMAC-SHA1 example: key "key", message "The quick brown fox ...".
    body = b"The quick brown fox jumps over the lazy dog"
    header = "sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"
    request = InboundRequest({"x-hub-signature": header}, body, RECEIVED)
    adapter.verify(request, IntegrationConfig(secret="key"))


def test_accepts_a_signature_over_a_real_notification() -> None:
    body = (FIXTURES / "conversation.user.created.json").read_bytes()
    adapter.verify(signed(body), IntegrationConfig(secret=SECRET))


def test_accepts_upper_case_hex() -> None:
    body = b'{"id": "notif_1"}'
    digest = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest().upper()
    request = InboundRequest({"x-hub-signature": f"sha1={digest}"}, body, RECEIVED)
    adapter.verify(request, IntegrationConfig(secret=SECRET))


def test_rejects_a_signature_made_with_another_secret() -> None:
    body = b'{"id": "notif_1"}'
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(signed(body, secret="other"), IntegrationConfig(secret=SECRET))


def test_rejects_a_tampered_body() -> None:
    request = signed(b'{"id": "notif_1", "topic": "conversation.admin.closed"}')
    tampered = InboundRequest(request.headers, request.body.replace(b"closed", b"opened"), RECEIVED)
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(tampered, IntegrationConfig(secret=SECRET))


def test_rejects_a_missing_signature_header() -> None:
    request = InboundRequest({}, b"{}", RECEIVED)
    with pytest.raises(SignatureError, match="missing X-Hub-Signature"):
        adapter.verify(request, IntegrationConfig(secret=SECRET))


@pytest.mark.parametrize("header", ["de7c9b85b8b7", "sha256=abcdef", "sha1="])
def test_rejects_a_malformed_signature_header(header: str) -> None:
    request = InboundRequest({"x-hub-signature": header}, b"{}", RECEIVED)
    with pytest.raises(SignatureError, match="sha1=<hex digest>"):
        adapter.verify(request, IntegrationConfig(secret=SECRET))


def test_rejects_everything_when_no_secret_is_configured() -> None:
    with pytest.raises(SignatureError, match="no client secret"):
        adapter.verify(signed(b"{}", secret=""), IntegrationConfig(secret=""))


# --- delivery key ------------------------------------------------------------------------


def test_delivery_key_is_the_notification_id() -> None:
    body = (FIXTURES / "conversation.admin.closed.json").read_bytes()
    request = InboundRequest({}, body, RECEIVED)
    assert adapter.delivery_key(request) == "notif_2bc4bf3a-0064-4fb0-9e17-dc44d91bcb9b"


def test_delivery_key_without_an_id_is_a_hash_of_the_body() -> None:
    first = adapter.delivery_key(InboundRequest({}, b"not json", RECEIVED))
    retry = adapter.delivery_key(InboundRequest({}, b"not json", RECEIVED))
    other = adapter.delivery_key(InboundRequest({}, b'{"topic": "ping"}', RECEIVED))
    assert first == retry == "sha256:" + hashlib.sha256(b"not json").hexdigest()
    assert other != first


# --- the captured 1.x fixtures -----------------------------------------------------------

CONV = "21322009097"
LEAD = "5c9553cb27e377f24eed49f7"
CREATED = {
    "type": "ticket.created",
    "id": f"{CONV}:created",
    "occurred_at": "2019-03-22T21:42:13Z",
    "ticket_id": CONV,
    "channel": "chat",
    "requester_id": LEAD,
    "team_id": None,
    "assignee_id": None,
}
OPENING = {
    "type": "ticket.message",
    "id": f"{CONV}:source:331499307:message",
    "occurred_at": "2019-03-22T21:42:13Z",
    "ticket_id": CONV,
    "message_id": "331499307",
    "author_type": "customer",
    "author_id": LEAD,
    "public": True,
}
REPLY_AND_ASSIGN = [
    {
        "type": "ticket.message",
        "id": f"{CONV}:part:2824382500:message",
        "occurred_at": "2019-03-22T21:45:11Z",
        "ticket_id": CONV,
        "message_id": "2824382500",
        "author_type": "agent",
        "author_id": "1957471",
        "public": True,
    },
    {
        "type": "ticket.assigned",
        "id": f"{CONV}:part:2824382500:assigned",
        "occurred_at": "2019-03-22T21:45:11Z",
        "ticket_id": CONV,
        "assignee_id": "1957471",
        "team_id": None,
    },
]


def agent(at: str, name: str, email: str) -> dict[str, Any]:
    return {
        "type": "agent.upserted",
        "id": ANY,  # agent:<id>:<fingerprint of name and e-mail>, checked in the lifecycle tests
        "occurred_at": at,
        "agent_id": "1957471",
        "name": name,
        "email": email,
    }


def test_user_created_opens_a_ticket_with_the_customers_message() -> None:
    assert decode(fixture("conversation.user.created")) == [
        CREATED
        | {
            "id": "21321941764:created",
            "ticket_id": "21321941764",
            "occurred_at": "2019-03-22T21:29:58Z",
        },
        OPENING
        | {
            "id": "21321941764:source:331494375:message",
            "ticket_id": "21321941764",
            "message_id": "331494375",
            "occurred_at": "2019-03-22T21:29:58Z",
        },
    ]


def test_user_replied_adds_a_customer_message() -> None:
    assert decode(fixture("conversation.user.replied")) == [
        CREATED,
        OPENING,
        OPENING
        | {
            "id": f"{CONV}:part:2824391734:message",
            "occurred_at": "2019-03-22T21:48:27Z",
            "message_id": "2824391734",
        },
        agent("2019-03-22T21:48:28Z", "Person 8", "person1@example.com"),
    ]


def test_admin_replied_with_an_assignment_part_is_a_public_reply_and_an_assignment() -> None:
    assert decode(fixture("conversation.admin.replied")) == [
        CREATED,
        OPENING,
        *REPLY_AND_ASSIGN,
        agent("2019-03-22T21:45:12Z", "Person 9", "person2@example.com"),
    ]


def test_admin_assigned_repeats_the_same_part_under_the_same_ids() -> None:
    assert decode(fixture("conversation.admin.assigned")) == [
        CREATED,
        OPENING,
        *REPLY_AND_ASSIGN,
        agent("2019-03-22T21:45:12Z", "Person 10", "person3@example.com"),
    ]


def test_admin_closed_is_the_solve() -> None:
    assert decode(fixture("conversation.admin.closed")) == [
        CREATED,
        OPENING,
        {
            "type": "ticket.status_changed",
            "id": f"{CONV}:part:2824395628:status",
            "occurred_at": "2019-03-22T21:49:49Z",
            "ticket_id": CONV,
            "status": "solved",
        },
        agent("2019-03-22T21:49:50Z", "Person 9", "person2@example.com"),
    ]


def test_admin_opened_reopens_and_records_the_assignment_the_part_carries() -> None:
    conv, contact = "21330229536", "5c96b58c27e3772c4751b2a3"
    at = "2019-03-23T22:42:11Z"
    assert decode(fixture("conversation.admin.opened")) == [
        CREATED
        | {
            "id": f"{conv}:created",
            "ticket_id": conv,
            "requester_id": contact,
            "occurred_at": "2019-03-23T22:39:45Z",
        },
        OPENING
        | {
            "id": f"{conv}:source:331793703:message",
            "ticket_id": conv,
            "message_id": "331793703",
            "author_id": contact,
            "occurred_at": "2019-03-23T22:39:45Z",
        },
        {
            "type": "ticket.assigned",
            "id": f"{conv}:part:2826953202:assigned",
            "occurred_at": at,
            "ticket_id": conv,
            "assignee_id": "1957471",
            "team_id": None,
        },
        {
            "type": "ticket.status_changed",
            "id": f"{conv}:part:2826953202:status",
            "occurred_at": at,
            "ticket_id": conv,
            "status": "open",
        },
        agent("2019-03-23T22:42:12Z", "Person 8", "person1@example.com"),
    ]


# --- ignored topics and payload errors ---------------------------------------------------


@pytest.mark.parametrize("topic", ["ping", "contact.created", "conversation_part.tag.created"])
def test_topics_fairscore_does_not_use_are_ignored_with_a_reason(topic: str) -> None:
    payload = {"type": "notification_event", "topic": topic, "data": {"item": {}}}
    decoded = adapter.decode(InboundRequest({}, b"", RECEIVED), payload)
    assert decoded.events == []
    assert decoded.ignored == f"Intercom event '{topic}' is not used by Fairscore"


def digit_string_times(value: Any) -> Any:
    """The payload with every unix time (`*_at`) sent as a digit string, as Intercom's own
    SDK fixtures do (`"created_at": "1410335293"`)."""
    if isinstance(value, dict):
        return {
            key: str(item)
            if key.endswith("_at") and isinstance(item, int) and not isinstance(item, bool)
            else digit_string_times(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [digit_string_times(item) for item in value]
    return value


@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_times_sent_as_digit_strings_decode_like_numbers(name: str) -> None:
    payload = fixture(name)
    variant = digit_string_times(payload)
    assert variant != payload  # the fixture has times to rewrite
    assert decode(variant) == decode(payload)


def broken(path: list[str | int]) -> dict[str, Any]:
    payload = copy.deepcopy(fixture("conversation.user.replied"))
    node = payload
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return payload


@pytest.mark.parametrize(
    ("path", "named"),
    [
        (["topic"], "'topic' is missing"),
        (["data"], "'data' is missing"),
        (["data", "item"], "'data.item' is missing"),
        (["data", "item", "id"], "'data.item.id' is missing"),
        (["data", "item", "created_at"], "'data.item.created_at' is missing"),
        (
            ["data", "item", "conversation_parts", "conversation_parts", 0, "id"],
            "'data.item.conversation_parts.conversation_parts[0].id' is missing",
        ),
        (
            ["data", "item", "conversation_parts", "conversation_parts", 0, "created_at"],
            "'data.item.conversation_parts.conversation_parts[0].created_at' is missing",
        ),
    ],
)
def test_a_missing_field_is_a_payload_error_naming_it(path: list[str | int], named: str) -> None:
    with pytest.raises(PayloadError, match=named.replace("[", r"\[").replace("]", r"\]")):
        adapter.decode(InboundRequest({}, b"", RECEIVED), broken(path))


def test_a_payload_that_is_not_an_object_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="must be a JSON object"):
        adapter.decode(InboundRequest({}, b"[]", RECEIVED), [])
