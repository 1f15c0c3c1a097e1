"""Help Scout adapter: signature, delivery key, the rating fixture, a conversation's life
from its documented v2 shapes, ignoring and errors."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from infra.sources.base import InboundRequest, IntegrationConfig, PayloadError, SignatureError
from infra.sources.helpscout import HelpScoutAdapter
from tests.unit.sources.helpdesk_support import canonical, fixture, fixture_bytes, ids

SECRET = "hs-webhook-secret-1234567890"
RECEIVED = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
adapter = HelpScoutAdapter()
config = IntegrationConfig(SECRET)


def helpscout_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha1).digest()).decode()


def signed(body: bytes, event: str = "convo.created", secret: str = SECRET) -> InboundRequest:
    headers = {
        "x-helpscout-signature": helpscout_signature(secret, body),
        "x-helpscout-event": event,
    }
    return InboundRequest(headers, body, RECEIVED)


def deliver(event: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    decoded = adapter.decode(signed(json.dumps(payload).encode(), event), payload)
    assert decoded.ignored is None
    return canonical(decoded)


# --- signature ----------------------------------------------------------------------------------


def test_accepts_base64_hmac_sha1_of_the_body() -> None:
    body = fixture_bytes("helpscout", "satisfaction.ratings.json")
    adapter.verify(signed(body, "satisfaction.ratings"), config)


def test_rejects_wrong_secret_tampered_body_and_hex_encoding() -> None:
    body = b'{"id": 1}'
    with pytest.raises(SignatureError, match="signature mismatch"):
        adapter.verify(signed(body, secret="other"), config)
    tampered = InboundRequest(signed(body).headers, b'{"id": 2}', RECEIVED)
    with pytest.raises(SignatureError, match="signature mismatch"):
        adapter.verify(tampered, config)
    hex_signature = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    headers = {"x-helpscout-signature": hex_signature, "x-helpscout-event": "convo.created"}
    with pytest.raises(SignatureError, match="signature mismatch"):
        adapter.verify(InboundRequest(headers, body, RECEIVED), config)


def test_rejects_a_missing_signature() -> None:
    request = InboundRequest({"x-helpscout-event": "convo.created"}, b"{}", RECEIVED)
    with pytest.raises(SignatureError, match="missing X-HelpScout-Signature header"):
        adapter.verify(request, config)


def test_delivery_key_covers_event_and_body() -> None:
    body = b'{"id": 1}'
    key = adapter.delivery_key(signed(body, "convo.status"))
    assert key == "sha256:" + hashlib.sha256(b"convo.status\n" + body).hexdigest()
    assert adapter.delivery_key(signed(body, "convo.status")) == key  # a retry
    assert adapter.delivery_key(signed(body, "convo.assigned")) != key


# --- the rating fixture ---------------------------------------------------------------------------


def test_satisfaction_rating_fixture() -> None:
    assert deliver("satisfaction.ratings", fixture("helpscout", "satisfaction.ratings.json")) == [
        {
            "type": "ticket.rated",
            "id": "rating:5434:2015-04-14T20:18:33Z",
            "occurred_at": "2015-04-14T20:18:33Z",
            "ticket_id": "1560011",
            "kind": "csat",
            "score": 3.0,
            "scale_max": 3.0,
            "comment": "he was really helpful",
        }
    ]


@pytest.mark.parametrize(
    ("rating", "score"), [("Great", 3), ("Okay", 2), ("Bad", 1), ("Not Good", 1)]
)
def test_rating_faces(rating: str, score: float) -> None:
    payload = fixture("helpscout", "satisfaction.ratings.json")
    payload["rating"] = rating
    assert deliver("satisfaction.ratings", payload)[0]["score"] == score


# --- a conversation's life, in the v2 Conversation object shape ----------------------------

AGENT = {"id": 77, "type": "user", "first": "Person", "last": "2", "email": "person2@example.com"}
CUSTOMER = {
    "id": 501,
    "type": "customer",
    "first": "Person",
    "last": "1",
    "email": "p1@example.com",
}


def thread(thread_id: int, kind: str, by: dict[str, Any], at: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": thread_id,
        "type": kind,
        "status": "active",
        "state": "published",
        "body": "…",
        "source": {"type": "email", "via": by["type"] if by["type"] == "customer" else "user"},
        "createdBy": by,
        "createdAt": at,
        **extra,
    }


def conversation(threads: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    body = {
        "id": 9001,
        "number": 349,
        "type": "email",
        "status": "active",
        "state": "published",
        "subject": "Cannot log in",
        "mailboxId": 12,
        "assignee": None,
        "createdBy": CUSTOMER,
        "primaryCustomer": {"id": 501, "email": "p1@example.com"},
        "createdAt": "2025-03-03T09:00:00Z",
        "userUpdatedAt": "2025-03-03T09:00:00Z",
        "source": {"type": "email", "via": "customer"},
        "_embedded": {"threads": list(reversed(threads))},  # Help Scout lists newest first
    }
    return {**body, **changes}


OPENING = thread(1, "customer", CUSTOMER, "2025-03-03T09:00:00Z")
REPLY = thread(2, "reply", AGENT, "2025-03-03T09:30:00Z")
NOTE = thread(3, "note", AGENT, "2025-03-03T09:31:00Z")
LINEITEM = thread(4, "lineitem", AGENT, "2025-03-03T09:32:00Z", action={"type": "changed-status"})
DRAFT = thread(5, "reply", AGENT, "2025-03-03T09:33:00Z", state="draft")
ASSIGNED = {"assignee": AGENT, "userUpdatedAt": "2025-03-03T09:10:00Z"}
CLOSED = {"status": "closed", "closedAt": "2025-03-03T09:32:00Z", **ASSIGNED}

LIFE = [
    ("convo.created", conversation([OPENING])),
    ("convo.assigned", conversation([OPENING], **ASSIGNED)),
    ("convo.agent.reply.created", conversation([OPENING, REPLY], **ASSIGNED)),
    ("convo.note.created", conversation([OPENING, REPLY, NOTE], **ASSIGNED)),
    ("convo.status", conversation([OPENING, REPLY, NOTE, LINEITEM, DRAFT], **CLOSED)),
]


def test_conversation_lifecycle() -> None:
    events = [e for name, payload in LIFE for e in deliver(name, payload)]
    unique = {e["id"]: e for e in events}  # later deliveries repeat earlier threads
    assert [i for i in unique if not i.startswith("agent:")] == [
        "conversation:9001:created",
        "thread:1",
        "conversation:9001:assignee:77:2025-03-03T09:10:00Z",
        "thread:2",
        "thread:3",
        "conversation:9001:status:solved:2025-03-03T09:32:00Z",
    ]
    created = unique["conversation:9001:created"]
    assert (created["channel"], created["requester_id"]) == ("email", "501")
    assert created["assignee_id"] is None  # created unassigned
    assert (unique["thread:1"]["author_type"], unique["thread:1"]["public"]) == ("customer", True)
    assert unique["thread:2"]["author_type"] == "agent" and unique["thread:2"]["public"] is True
    assert unique["thread:3"]["public"] is False
    assert unique["conversation:9001:status:solved:2025-03-03T09:32:00Z"]["status"] == "solved"
    agents = [e for e in unique.values() if e["type"] == "agent.upserted"]
    assert [(a["agent_id"], a["name"], a["email"]) for a in agents] == [
        ("77", "Person 2", "person2@example.com")
    ]


def test_redelivery_gives_the_same_ids() -> None:
    for name, payload in LIFE:
        assert ids(deliver(name, payload)) == ids(deliver(name, copy.deepcopy(payload)))


@pytest.mark.parametrize(("status", "expected"), [("active", "open"), ("pending", "pending")])
def test_status_mapping(status: str, expected: str) -> None:
    (event,) = deliver("convo.status", conversation([], status=status))
    assert event["status"] == expected
    assert event["id"] == f"conversation:9001:status:{expected}:2025-03-03T09:00:00Z"


def test_unassignment() -> None:
    (event,) = deliver("convo.assigned", conversation([OPENING][:0]))
    assert event["assignee_id"] is None


def test_a_created_conversation_without_threads_still_opens_with_the_customer() -> None:
    events = deliver("convo.created", conversation([]))
    assert [e["id"] for e in events] == ["conversation:9001:created", "conversation:9001:opening"]


def test_an_outbound_conversation_starts_pending_with_the_agents_message() -> None:
    first = thread(10, "message", AGENT, "2025-03-03T09:00:00Z")
    payload = conversation([first], status="pending", createdBy=AGENT, assignee=AGENT)
    events = deliver("convo.created", payload)
    assert [e["type"] for e in events] == [
        "ticket.created",
        "ticket.status_changed",
        "ticket.message",
        "agent.upserted",
    ]
    assert events[2]["author_type"] == "agent"


def test_an_ai_system_user_is_a_bot() -> None:
    ai = {"id": 5, "type": "system_user"}
    (event,) = deliver(
        "convo.agent.reply.created", conversation([thread(6, "reply", ai, "2025-03-03T09:00:00Z")])
    )
    assert event["author_type"] == "bot"


# --- ignoring and errors ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["convo.tags", "convo.moved", "customer.created", "tag.created"])
def test_unused_events_are_ignored_with_a_reason(name: str) -> None:
    decoded = adapter.decode(signed(b"{}", name), conversation([]))
    assert decoded.events == []
    assert decoded.ignored == f"Help Scout event '{name}' is not used by Fairscore"


def test_spam_is_ignored() -> None:
    decoded = adapter.decode(signed(b"{}", "convo.status"), conversation([], status="spam"))
    assert decoded.events == [] and decoded.ignored is not None


def test_the_event_header_is_required_to_decode() -> None:
    with pytest.raises(PayloadError, match="missing X-HelpScout-Event header"):
        adapter.decode(InboundRequest({}, b"{}", RECEIVED), conversation([]))


@pytest.mark.parametrize(
    ("event", "payload", "message"),
    [
        (
            "convo.created",
            {k: v for k, v in conversation([]).items() if k != "id"},
            "'id' is missing",
        ),
        (
            "convo.created",
            {k: v for k, v in conversation([]).items() if k != "createdAt"},
            "'createdAt'",
        ),
        ("convo.agent.reply.created", conversation([]), "'_embedded.threads' is missing"),
        (
            "convo.status",
            {k: v for k, v in conversation([]).items() if k != "status"},
            "'status' is missing",
        ),
        ("satisfaction.ratings", {"id": 1, "rating": "Great"}, "'createdAt' is missing"),
        (
            "satisfaction.ratings",
            {"id": 1, "createdAt": "2025-03-03T09:00:00Z"},
            "'rating' is missing",
        ),
        (
            "satisfaction.ratings",
            {"id": 1, "rating": "Great", "createdAt": "2025-03-03T09:00:00Z"},
            "'ticketId' is missing",
        ),
    ],
)
def test_missing_fields_name_the_field(event: str, payload: dict[str, Any], message: str) -> None:
    with pytest.raises(PayloadError, match=message.replace(".", r"\.")):
        deliver(event, payload)


def test_an_unknown_rating() -> None:
    payload = fixture("helpscout", "satisfaction.ratings.json")
    payload["rating"] = "Amazing"
    with pytest.raises(PayloadError, match="Great, Okay or Bad"):
        deliver("satisfaction.ratings", payload)
