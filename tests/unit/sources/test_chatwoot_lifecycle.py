"""A Chatwoot conversation end to end, in the payload shapes of Chatwoot 4.x.

Payloads follow Chatwoot's serialisers: `Message#webhook_data` (message events) and
`Conversations::EventDataPresenter#push_data` plus `changed_attributes` (conversation
events). The fixtures in /work/shared are 3.x captures of the same shapes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.events import TicketMessage, parse_batch
from infra.sources.base import InboundRequest, IntegrationConfig, PayloadError
from infra.sources.chatwoot import ChatwootAdapter
from tests.unit.sources.helpdesk_support import fixture

SECRET = "kq8dXrYJ2vB1nE3p"
T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
adapter = ChatwootAdapter()

CONTACT = {"id": 501, "name": "Person 1", "email": "person1@example.com", "type": "contact"}
AGENT = {"id": 7, "name": "Person 2", "email": "person2@example.com", "type": "user"}
OTHER_AGENT = {"id": 8, "name": "Person 3", "email": "person3@example.com", "type": "user"}
BOT = {"id": 1, "name": "Person 4", "type": "agent_bot"}


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def conversation(
    at: int, *, status: str = "open", assignee: dict | None = None, priority: str | None = None
) -> dict:
    return {
        "additional_attributes": {},
        "can_reply": True,
        "channel": "Channel::WebWidget",
        "contact_inbox": {"id": 9, "contact_id": 501, "inbox_id": 3, "source_id": "c0ffee"},
        "id": 42,
        "inbox_id": 3,
        "messages": [],
        "labels": [],
        "meta": {
            "sender": CONTACT,
            "assignee": assignee
            and {
                "id": assignee["id"],
                "name": assignee["name"],
                "available_name": assignee["name"],
                "type": "user",
            },
            "team": None,
            "hmac_verified": False,
        },
        "status": status,
        "priority": priority,
        "custom_attributes": {},
        "snoozed_until": None,
        "unread_count": 0,
        "first_reply_created_at": None,
        "waiting_since": T0,
        "agent_last_seen_at": 0,
        "contact_last_seen_at": 0,
        "last_activity_at": at,
        "timestamp": at,
        "created_at": T0,
        "updated_at": at + 0.25,
    }


def conversation_event(
    event: str, at: int, changes: dict[str, list[Any]] | None = None, **state: Any
) -> dict:
    changed = [
        {k: {"previous_value": v[0], "current_value": v[1]}} for k, v in (changes or {}).items()
    ]
    return conversation(at, **state) | {"event": event, "changed_attributes": changed or None}


def message(
    event: str,
    message_id: int,
    at: int,
    message_type: str,
    sender: dict | None,
    *,
    conv_at: int | None = None,
    **extra: Any,
) -> dict:
    return {
        "account": {"id": 1, "name": "Acme"},
        "additional_attributes": {},
        "content_attributes": extra.get("content_attributes", {}),
        "content_type": extra.get("content_type", "text"),
        "content": "…",
        "conversation": conversation(conv_at or at, **extra.get("state", {})),
        "created_at": iso(at),
        "id": message_id,
        "inbox": {"id": 3, "name": "Website"},
        "message_type": message_type,
        "private": extra.get("private", False),
        "sender": sender,
        "source_id": None,
        "event": event,
    }


def deliver(payload: dict[str, Any], received: float | None = None) -> list[dict[str, Any]]:
    body = json.dumps(payload).encode()
    sent = datetime.fromtimestamp(received if received is not None else payload_time(payload), UTC)
    stamp = str(int(sent.timestamp()))
    mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    headers = {"x-chatwoot-signature": f"sha256={mac}", "x-chatwoot-timestamp": stamp}
    request = InboundRequest(headers, body, sent)
    adapter.verify(request, IntegrationConfig(secret=SECRET))
    decoded = adapter.decode(request, json.loads(body))
    assert decoded.ignored is None, decoded.ignored
    return decoded.events


def payload_time(payload: dict[str, Any]) -> float:
    conv = payload.get("conversation", payload)
    return float(conv["updated_at"])


def store(deliveries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept: dict[str, dict[str, Any]] = {}
    for payload in deliveries:
        for event in deliver(payload):
            kept.setdefault(event["id"], event)
    events = list(kept.values())
    parse_batch({"events": events})
    return sorted(events, key=lambda e: e["occurred_at"])


def story(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    facts: list[tuple[Any, ...]] = []
    for e in events:
        match e["type"]:
            case "ticket.created":
                facts.append(("created", e["channel"], e["requester_id"], e["assignee_id"]))
            case "ticket.message":
                facts.append(("message", e["author_type"], e["author_id"], e["public"]))
            case "ticket.assigned":
                facts.append(("assigned", e["assignee_id"], e["team_id"]))
            case "ticket.status_changed":
                facts.append(("status", e["status"]))
            case "ticket.rated":
                facts.append(("rated", e["score"], e["scale_max"], e["comment"]))
            case "agent.upserted":
                facts.append(("agent", e["agent_id"], e["name"], e["email"]))
    return facts


CSAT = {"submitted_values": {"csat_survey_response": {"rating": 5, "feedback_message": "Great"}}}
ASSIGNED = {"assignee": AGENT}
RESOLVED = {"status": "resolved", "assignee": AGENT}


SURVEY = {"content_type": "input_csat", "state": RESOLVED}
NOTE = {"state": ASSIGNED, "private": True}


def lifecycle() -> list[dict[str, Any]]:
    assign = {"assignee_id": [None, 7], "updated_at": [iso(T0), iso(T0 + 30)]}
    resolve = {"status": ["open", "resolved"]}
    return [
        conversation_event("conversation_created", T0),
        message("message_created", 1001, T0 + 5, "incoming", CONTACT),
        conversation_event("conversation_updated", T0 + 30, assign, **ASSIGNED),
        message("message_created", 1002, T0 + 60, "outgoing", AGENT, state=ASSIGNED),
        message("message_created", 1003, T0 + 70, "outgoing", OTHER_AGENT, **NOTE),
        conversation_event("conversation_status_changed", T0 + 300, resolve, **RESOLVED),
        message("message_created", 1004, T0 + 301, "template", None, **SURVEY),
        # The customer answers the survey ten minutes later: the survey message is updated.
        message(
            "message_updated",
            1004,
            T0 + 301,
            "template",
            None,
            conv_at=T0 + 900,
            content_attributes=CSAT,
            **SURVEY,
        ),
    ]


def test_lifecycle_created_customer_reply_solved_rated() -> None:
    events = store(lifecycle())
    assert story(events) == [
        ("created", "chat", "501", None),
        ("message", "customer", "501", True),
        ("assigned", "7", None),
        ("message", "agent", "7", True),
        ("agent", "7", "Person 2", "person2@example.com"),
        ("message", "agent", "8", False),
        ("agent", "8", "Person 3", "person3@example.com"),
        ("status", "solved"),
        ("message", "system", None, True),
        ("rated", 5, 5, "Great"),
    ]
    times = {e["type"]: e["occurred_at"] for e in events}
    assert times["ticket.status_changed"] == "2023-11-14T22:18:20.250000Z"  # updated_at
    assert times["ticket.rated"] == "2023-11-14T22:28:20.250000Z"  # the answer's touch


def test_lifecycle_is_the_same_in_any_delivery_order_and_with_retries() -> None:
    deliveries = lifecycle()
    assert store([*reversed(deliveries), *deliveries]) == store(deliveries)


def test_ids_are_deterministic_and_distinct_per_fact() -> None:
    first = [e["id"] for p in lifecycle() for e in deliver(p)]
    again = [e["id"] for p in lifecycle() for e in deliver(json.loads(json.dumps(p)))]
    assert first == again
    assert len(set(first)) == len(first)


def test_a_csat_resubmission_is_a_later_rating_with_its_own_id() -> None:
    first = message(
        "message_updated",
        1004,
        T0,
        "template",
        None,
        conv_at=T0 + 900,
        content_type="input_csat",
        content_attributes=CSAT,
        state=RESOLVED,
    )
    changed = {"submitted_values": {"csat_survey_response": {"rating": 2, "feedback_message": ""}}}
    second = first | {
        "content_attributes": changed,
        "conversation": conversation(T0 + 960, **RESOLVED),
    }
    [a], [b], [retry] = deliver(first), deliver(second), deliver(first, received=T0 + 960)
    assert a["id"] != b["id"] and a["id"] == retry["id"]
    assert (a["score"], a["comment"]) == (5, "Great")
    assert (b["score"], b["comment"]) == (2, None)
    assert a["occurred_at"] < b["occurred_at"]
    assert a["id"].startswith("42:csat:1004:")


@pytest.mark.parametrize("rating", [0, 6, 4.5, "high", True])
def test_a_csat_rating_outside_one_to_five_is_a_payload_error(rating: Any) -> None:
    bad = {"submitted_values": {"csat_survey_response": {"rating": rating}}}
    payload = message("message_updated", 1004, T0, "template", None, content_attributes=bad)
    named = re.escape("csat_survey_response.rating' must be a whole number")
    with pytest.raises(PayloadError, match=named):
        deliver(payload)


def test_a_csat_answer_without_a_rating_is_a_payload_error() -> None:
    bad = {"submitted_values": {"csat_survey_response": {"feedback_message": "meh"}}}
    payload = message("message_updated", 1004, T0, "template", None, content_attributes=bad)
    with pytest.raises(PayloadError, match=re.escape("'content_attributes.submitted_values")):
        deliver(payload)


@pytest.mark.parametrize(
    "attributes", [{}, {"submitted_values": [{"name": "email", "value": "x@example.com"}]}]
)
def test_message_updates_without_a_csat_answer_are_ignored(attributes: dict) -> None:
    payload = message("message_updated", 1002, T0, "outgoing", AGENT, content_attributes=attributes)
    decoded = adapter.decode(InboundRequest({}, b"{}", datetime.now(UTC)), payload)
    assert decoded.events == []
    assert decoded.ignored is not None and "without a CSAT answer" in decoded.ignored


@pytest.mark.parametrize(
    ("message_type", "sender", "expected"),
    [
        ("incoming", CONTACT, ("customer", "501")),
        ("outgoing", AGENT, ("agent", "7")),
        ("outgoing", BOT, ("bot", "1")),
        ("outgoing", None, ("system", None)),
        ("activity", None, ("system", None)),
        ("template", BOT, ("system", "1")),
    ],
)
def test_message_authors(message_type: str, sender: dict | None, expected: tuple) -> None:
    events = deliver(message("message_created", 1, T0, message_type, sender))
    first = parse_batch({"events": events})[0]
    assert isinstance(first, TicketMessage)
    assert (first.author_type.value, first.author_id) == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [("open", "open"), ("pending", "pending"), ("snoozed", "pending"), ("resolved", "solved")],
)
def test_statuses(status: str, expected: str) -> None:
    payload = conversation_event("conversation_status_changed", T0, status=status)
    assert story(deliver(payload)) == [("status", expected)]


def test_team_change_and_unassignment() -> None:
    team = conversation_event("conversation_updated", T0, {"team_id": [None, 3]}, **ASSIGNED)
    unassign = conversation_event("conversation_updated", T0 + 1, {"assignee_id": [7, None]})
    assert story(deliver(team)) == [("assigned", "7", "3")]
    assert story(deliver(unassign)) == [("assigned", None, None)]


def test_other_conversation_updates_are_ignored() -> None:
    payload = conversation_event("conversation_updated", T0, {"label_list": [[], ["vip"]]})
    decoded = adapter.decode(InboundRequest({}, b"{}", datetime.now(UTC)), payload)
    assert decoded.events == []
    assert decoded.ignored is not None
    assert "without an assignee, team or priority change" in decoded.ignored


@pytest.mark.parametrize(
    ("chatwoot", "canonical"),
    [("low", "low"), ("medium", "normal"), ("high", "high"), ("urgent", "urgent")],
)
def test_a_priority_change_is_a_ticket_update(chatwoot: str, canonical: str) -> None:
    payload = conversation_event("conversation_updated", T0 + 60, {"priority": [None, chatwoot]})
    [update] = deliver(payload)
    assert (update["type"], update["priority"], update["ticket_id"]) == (
        "ticket.updated",
        canonical,
        "42",
    )
    assert "channel" not in update


def test_a_priority_set_back_to_none_changes_nothing() -> None:
    payload = conversation_event("conversation_updated", T0 + 60, {"priority": ["high", None]})
    decoded = adapter.decode(InboundRequest({}, b"{}", datetime.now(UTC)), payload)
    assert decoded.events == []


def test_a_conversation_created_with_a_priority_states_it() -> None:
    payload = conversation_event("conversation_created", T0, priority="urgent")
    [created] = deliver(payload)
    assert created["priority"] == "urgent"
    captured = fixture("chatwoot", "conversation_status_changed.captured-whatsapp.json")
    assert captured["priority"] is None  # the real capture: a conversation with none


def test_a_conversation_created_with_an_assignee_starts_assigned() -> None:
    payload = conversation_event("conversation_created", T0, **ASSIGNED)
    payload["channel"] = "Channel::Whatsapp"
    assert story(deliver(payload)) == [("created", "whatsapp", "501", "7")]


def test_before_chatwoot_3_the_creation_time_is_the_timestamp() -> None:
    payload = conversation_event("conversation_created", T0 + 10)
    del payload["created_at"]
    [created] = deliver(payload)
    assert created["occurred_at"] == "2023-11-14T22:13:30Z"


def test_a_conversation_without_a_creation_time_is_a_payload_error() -> None:
    payload = conversation_event("conversation_created", T0)
    del payload["created_at"], payload["timestamp"]
    with pytest.raises(PayloadError, match="'created_at' is missing"):
        adapter.decode(InboundRequest({}, b"{}", datetime.now(UTC)), payload)
