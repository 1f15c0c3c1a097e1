"""Freshdesk adapter: shared-secret auth, the fixture renders, Fairscore's template through
a ticket's life, Freshdesk's event notation, ignoring and errors."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from domain.events import parse_event
from infra.sources.base import InboundRequest, IntegrationConfig, PayloadError, SignatureError
from infra.sources.freshdesk import FreshdeskAdapter
from infra.sources.freshdesk_mapping import FRESHDESK_TEMPLATE
from infra.sources.freshdesk_notation import TriggeredEvent, parse_triggered_event
from tests.unit.sources.helpdesk_support import canonical, fixture, fixture_bytes, ids

SECRET = "fd-shared-secret-7f3a"
RECEIVED = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
adapter = FreshdeskAdapter()


def request(body: bytes = b"{}", headers: dict[str, str] | None = None) -> InboundRequest:
    lower = {k.lower(): v for k, v in (headers or {}).items()}
    return InboundRequest(lower, body, RECEIVED)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def decode_body(body: bytes) -> list[dict[str, Any]]:
    decoded = adapter.decode(request(body), json.loads(body))
    assert decoded.ignored is None
    return canonical(decoded)


# --- authentication ---------------------------------------------------------------------------


def test_header_token_by_default() -> None:
    adapter.verify(request(headers={"X-Fairscore-Token": SECRET}), IntegrationConfig(SECRET))


def test_wrong_or_missing_token() -> None:
    config = IntegrationConfig(SECRET)
    with pytest.raises(SignatureError, match="X-Fairscore-Token header does not match"):
        adapter.verify(request(headers={"X-Fairscore-Token": SECRET + "x"}), config)
    with pytest.raises(SignatureError, match="missing X-Fairscore-Token header"):
        adapter.verify(request(), config)


def test_a_renamed_header() -> None:
    config = IntegrationConfig(SECRET, options={"header": "X-Helpdesk-Key"})
    adapter.verify(request(headers={"X-Helpdesk-Key": SECRET}), config)
    with pytest.raises(SignatureError, match="missing X-Helpdesk-Key header"):
        adapter.verify(request(headers={"X-Fairscore-Token": SECRET}), config)


def test_basic_auth_password_is_the_secret() -> None:
    config = IntegrationConfig(SECRET, options={"auth": "basic"})
    adapter.verify(request(headers={"Authorization": basic("freshdesk", SECRET)}), config)
    with pytest.raises(SignatureError, match="Basic auth password does not match"):
        adapter.verify(request(headers={"Authorization": basic("freshdesk", "guess")}), config)
    with pytest.raises(SignatureError, match="missing Authorization header"):
        adapter.verify(request(), config)
    with pytest.raises(SignatureError, match="not HTTP Basic"):
        adapter.verify(request(headers={"Authorization": f"Bearer {SECRET}"}), config)
    with pytest.raises(SignatureError, match="malformed Basic credentials"):
        adapter.verify(request(headers={"Authorization": "Basic !!!"}), config)


def test_an_unknown_auth_mode_refuses_everything() -> None:
    config = IntegrationConfig(SECRET, options={"auth": "none"})
    with pytest.raises(SignatureError, match="auth mode 'none'"):
        adapter.verify(request(headers={"X-Fairscore-Token": SECRET}), config)


def test_delivery_key_is_the_body_hash() -> None:
    body = fixture_bytes("freshdesk", "public_note.zulip-template.json")
    assert adapter.delivery_key(request(body)) == "sha256:" + hashlib.sha256(body).hexdigest()


# --- the fixture renders (a template without times or agent fields) ----------------------------


def test_fixture_ticket_created() -> None:
    body = fixture_bytes("freshdesk", "ticket_created.zulip-template.json")
    stamp = "body-" + hashlib.sha256(body).hexdigest()[:24]
    assert decode_body(body) == [
        {
            "type": "ticket.created",
            "id": "ticket:11:created",
            "occurred_at": "2025-03-03T09:30:00Z",
            "ticket_id": "11",
            "channel": "unknown",
            "requester_id": "requester-bob@example.com",
            "team_id": None,
            "assignee_id": None,
            "priority": "high",  # the fixture's "ticket_priority": "High"
        },
        {
            "type": "ticket.message",
            "id": "ticket:11:opening",
            "occurred_at": "2025-03-03T09:30:00Z",
            "ticket_id": "11",
            "message_id": "11:description",
            "author_type": "customer",
            "author_id": "requester-bob@example.com",
            "public": True,
        },
        {
            "type": "ticket.status_changed",
            "id": f"ticket:11:status:pending:{stamp}",
            "occurred_at": "2025-03-03T09:30:00Z",
            "ticket_id": "11",
            "status": "pending",
        },
    ]


def test_fixture_status_changed_to_a_custom_status() -> None:
    # {status:{from:4,to:6}}: 6 is the account's "Waiting on Customer" → pending
    body = fixture_bytes("freshdesk", "status_changed.zulip-template.json")
    stamp = "body-" + hashlib.sha256(body).hexdigest()[:24]
    assert decode_body(body) == [
        {
            "type": "ticket.status_changed",
            "id": f"ticket:11:status:pending:{stamp}",
            "occurred_at": "2025-03-03T09:30:00Z",
            "ticket_id": "11",
            "status": "pending",
        }
    ]


def test_fixture_public_note() -> None:
    body = fixture_bytes("freshdesk", "public_note.zulip-template.json")
    (note,) = decode_body(body)
    assert note == {
        "type": "ticket.message",
        "id": f"ticket:11:message:{note['message_id']}",
        "occurred_at": "2025-03-03T09:30:00Z",
        "ticket_id": "11",
        "message_id": note["message_id"],
        "author_type": "agent",
        "author_id": None,
        "public": True,
    }
    assert decode_body(body) == [note]  # a retry gives the same id


# --- Fairscore's template through a ticket's life ---------------------------------------------


def render(event: str, *, modified: str, performer: str = "agent", **values: str) -> bytes:
    """FRESHDESK_TEMPLATE as Freshdesk renders it; a Ruby time such as {{ticket.modified_on}}
    prints as "2025-03-03 09:00:00 UTC"."""
    filled = {
        "{{triggered_event}}": event,
        "{{ticket.id}}": "42",
        "{{ticket.url}}": "https://acme.freshdesk.com/helpdesk/tickets/42",
        "{{ticket.status}}": values.get("status", "Open"),
        "{{ticket.source}}": values.get("source", "Email"),
        "{{ticket.priority}}": values.get("priority", "Medium"),
        "{{ticket.created_on}}": "2025-03-03 09:00:00 UTC",
        "{{ticket.modified_on}}": modified,
        "{{ticket.group_id}}": values.get("group", "7"),
        "{{ticket.requester.id}}": "3001",
        "{{ticket.requester.name}}": "Person 1",
        "{{ticket.requester.email}}": "person1@example.com",
        "{{ticket.agent.id}}": values.get("agent", "8001"),
        "{{ticket.agent.name}}": "Person 2" if values.get("agent", "8001") else "",
        "{{ticket.agent.email}}": "person2@example.com" if values.get("agent", "8001") else "",
    }
    text = FRESHDESK_TEMPLATE.replace('"performer": "agent"', f'"performer": "{performer}"')
    for placeholder, value in filled.items():
        text = text.replace(placeholder, value)
    assert "{{" not in text
    return text.encode()


LIFECYCLE = [
    render("{ticket_action:created}", modified="2025-03-03 09:00:00 UTC", agent=""),
    render("{responder_id:{from:,to:8001}}", modified="2025-03-03 09:05:00 UTC"),
    render("{reply_sent:sent}", modified="2025-03-03 09:40:00 UTC"),
    render("{note_type:private}", modified="2025-03-03 09:41:00 UTC"),
    render("{reply_sent:sent}", modified="2025-03-03 10:02:00 UTC", performer="customer"),
    render("{priority:{from:2,to:4}}", modified="2025-03-03 10:05:00 UTC", priority="Urgent"),
    render("{status:{from:2,to:4}}", modified="2025-03-03 10:10:00 UTC", status="Resolved"),
    render("{customer_feedback:103}", modified="2025-03-03 12:00:00 UTC", status="Resolved"),
]


def test_lifecycle() -> None:
    events = [e for body in LIFECYCLE for e in decode_body(body)]
    story = [
        (e["type"], e.get("author_type") or e.get("status") or e.get("assignee_id") or "")
        for e in events
        if e["type"] != "agent.upserted"
    ]
    assert story == [
        ("ticket.created", ""),
        ("ticket.message", "customer"),
        ("ticket.assigned", "8001"),
        ("ticket.message", "agent"),
        ("ticket.message", "agent"),
        ("ticket.message", "customer"),
        ("ticket.updated", ""),
        ("ticket.status_changed", "solved"),
        ("ticket.rated", ""),
    ]
    by_type = {e["type"]: e for e in events}
    assert by_type["ticket.created"]["channel"] == "email"
    assert by_type["ticket.created"]["priority"] == "normal"  # Freshdesk's Medium
    assert by_type["ticket.updated"]["priority"] == "urgent"  # 4
    assert by_type["ticket.created"]["occurred_at"] == "2025-03-03T09:00:00Z"
    assert by_type["ticket.assigned"]["team_id"] == "7"
    assert by_type["ticket.rated"]["score"] == 7 and by_type["ticket.rated"]["scale_max"] == 7
    assert by_type["ticket.status_changed"]["id"] == "ticket:42:status:solved:2025-03-03T10:10:00Z"
    messages = [e for e in events if e["type"] == "ticket.message"]
    assert [m["public"] for m in messages] == [True, True, False, True]
    assert [m["author_id"] for m in messages] == ["3001", "8001", "8001", "3001"]
    agent = next(e for e in events if e["type"] == "agent.upserted")
    assert (agent["agent_id"], agent["name"], agent["email"]) == (
        "8001",
        "Person 2",
        "person2@example.com",
    )
    for event in events:
        parse_event(event)


def test_lifecycle_ids_are_deterministic_and_distinct() -> None:
    first = [i for body in LIFECYCLE for i in ids(decode_body(body))]
    again = [i for body in LIFECYCLE for i in ids(decode_body(body))]
    assert first == again
    facts = [i for i in first if not i.startswith("agent:")]
    assert len(set(facts)) == len(facts) == 9
    assert len({i for i in first if i.startswith("agent:")}) == 1  # one agent, named each time


def test_two_replies_at_different_times_are_two_messages() -> None:
    one = decode_body(render("{reply_sent:sent}", modified="2025-03-03 09:40:00 UTC"))[0]
    two = decode_body(render("{reply_sent:sent}", modified="2025-03-03 09:47:12 UTC"))[0]
    assert one["id"] != two["id"]


@pytest.mark.parametrize(
    ("event", "status", "expected"),
    [
        ("{status:{from:3,to:2}}", "Open", "open"),
        ("{status:{from:2,to:3}}", "Pending", "pending"),
        ("{status:{from:2,to:4}}", "Resolved", "solved"),
        ("{status:{from:4,to:5}}", "Closed", "closed"),
        ("{status:{from:2,to:7}}", "Waiting on Third Party", "pending"),
    ],
)
def test_status_numbers(event: str, status: str, expected: str) -> None:
    body = render(event, modified="2025-03-03 10:00:00 UTC", status=status)
    assert decode_body(body)[0]["status"] == expected


def test_unassignment_and_group_change() -> None:
    unassigned = decode_body(
        render("{responder_id:{from:8001,to:}}", modified="2025-03-03 11:00:00 UTC", agent="")
    )
    assert unassigned[0]["assignee_id"] is None
    moved = decode_body(render("{group_id:{from:7,to:9}}", modified="2025-03-03 11:05:00 UTC"))
    assert (moved[0]["assignee_id"], moved[0]["team_id"]) == ("8001", "9")


@pytest.mark.parametrize(("value", "score"), [("-103", 1), ("100", 4), ("102", 6)])
def test_feedback_scale(value: str, score: int) -> None:
    body = render(f"{{customer_feedback:{value}}}", modified="2025-03-03 12:00:00 UTC")
    assert decode_body(body)[0]["score"] == score


def test_an_outbound_ticket_has_no_opening_customer_message() -> None:
    body = render(
        "{ticket_action:created}", modified="2025-03-03 09:00:00 UTC", source="Outbound Email"
    )
    assert [e["type"] for e in decode_body(body)] == ["ticket.created", "agent.upserted"]


# --- notation, ignoring and errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("{ticket_action:created}", TriggeredEvent("ticket_action", value="created")),
        ("{status:{from:4,to:6}}", TriggeredEvent("status", from_="4", to="6")),
        ("{responder_id:{from:1,to:}}", TriggeredEvent("responder_id", from_="1", to=None)),
        ("{note_type:public}", TriggeredEvent("note_type", value="public")),
        (
            " {status:{from:2,to:3},priority:{from:1,to:4}} ",
            TriggeredEvent("status", from_="2", to="3"),
        ),
    ],
)
def test_triggered_event_notation(text: str, parsed: TriggeredEvent) -> None:
    assert parse_triggered_event(text, field="triggered_event") == parsed


def test_notation_that_is_not_freshdesks() -> None:
    with pytest.raises(PayloadError, match="not Freshdesk event notation"):
        parse_triggered_event("status changed", field="triggered_event")


@pytest.mark.parametrize(
    ("number", "canonical"), [("1", "low"), ("2", "normal"), ("3", "high"), ("4", "urgent")]
)
def test_a_priority_change_is_a_ticket_update_with_freshdesk_s_number_mapped(
    number: str, canonical: str
) -> None:
    body = render(f"{{priority:{{from:1,to:{number}}}}}", modified="2025-03-03 10:00:00 UTC")
    [update, _agent] = decode_body(body)
    assert update == {
        "type": "ticket.updated",
        "id": f"ticket:42:priority:{canonical}:2025-03-03T10:00:00Z",
        "occurred_at": "2025-03-03T10:00:00Z",
        "ticket_id": "42",
        "priority": canonical,
    }


def test_a_priority_fairscore_cannot_map_is_ignored_with_a_reason() -> None:
    body = render("{priority:{from:1,to:9}}", modified="2025-03-03 10:00:00 UTC", priority="P0")
    decoded = adapter.decode(request(body), json.loads(body))
    assert decoded.events == []
    assert decoded.ignored == "Freshdesk priority '9' is not one Fairscore maps"


@pytest.mark.parametrize("event", ["{source:{from:1,to:2}}", "{ticket_action:deleted}"])
def test_unused_events_are_ignored_with_a_reason(event: str) -> None:
    body = render(event, modified="2025-03-03 10:00:00 UTC")
    decoded = adapter.decode(request(body), json.loads(body))
    assert decoded.events == []
    assert decoded.ignored is not None and "Freshdesk" in decoded.ignored


@pytest.mark.parametrize("field", ["ticket_id", "triggered_event"])
def test_missing_fields_name_the_field(field: str) -> None:
    payload = fixture("freshdesk", "public_note.zulip-template.json")
    del payload["freshdesk_webhook"][field]
    with pytest.raises(PayloadError, match=f"'freshdesk_webhook.{field}' is missing"):
        adapter.decode(request(), payload)


def test_a_body_without_the_wrapper() -> None:
    with pytest.raises(PayloadError, match="'freshdesk_webhook' is missing"):
        adapter.decode(request(), {"ticket_id": "11"})


def test_an_unknown_performer_and_feedback_value() -> None:
    with pytest.raises(PayloadError, match="performer"):
        decode_body(
            render("{reply_sent:sent}", modified="2025-03-03 10:00:00 UTC", performer="bot")
        )
    with pytest.raises(PayloadError, match="customer_feedback"):
        decode_body(render("{customer_feedback:5}", modified="2025-03-03 10:00:00 UTC"))
