"""Intercom webhook payloads for tests, in the 1.x (captured) and 2.x (documented) shapes."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from domain.events import parse_batch
from infra.sources.base import InboundRequest, IntegrationConfig
from infra.sources.intercom import IntercomAdapter
from tests.fixtures import WEBHOOKS

FIXTURES = WEBHOOKS / "intercom"
SECRET = "intercom-client-secret"
T0 = 1_700_000_000  # 2023-11-14T22:13:20Z
adapter = IntercomAdapter()


def deliver(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """What the webhook endpoint does: verify the raw bytes, then decode the JSON."""
    body = json.dumps(payload).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    request = InboundRequest({"x-hub-signature": f"sha1={digest}"}, body, datetime.now(UTC))
    adapter.verify(request, IntegrationConfig(secret=SECRET))
    decoded = adapter.decode(request, json.loads(body))
    assert decoded.ignored is None
    return decoded.events


def store(deliveries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The event store keeps the first event per id; order the log as the metrics read it."""
    kept: dict[str, dict[str, Any]] = {}
    for payload in deliveries:
        for event in deliver(payload):
            kept.setdefault(event["id"], event)
    events = list(kept.values())
    parse_batch({"events": events})
    return sorted(events, key=lambda e: e["occurred_at"])


def story(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The support-relevant facts, without ids."""
    facts: list[tuple[Any, ...]] = []
    for e in events:
        match e["type"]:
            case "ticket.created":
                facts.append(("created", e["channel"], e["requester_id"]))
            case "ticket.message":
                facts.append(("message", e["author_type"], e["author_id"], e["public"]))
            case "ticket.assigned":
                facts.append(("assigned", e["assignee_id"], e["team_id"]))
            case "ticket.status_changed":
                facts.append(("status", e["status"]))
            case "ticket.rated":
                facts.append(("rated", e["score"], e["scale_max"], e["comment"]))
    return facts


# --- API 2.x shapes (Intercom's documented conversation model) --------------------------

ADMIN = {"type": "admin", "id": "42", "name": "Person 3", "email": "person3@example.com"}
LEAD = {"type": "lead", "id": "c-77", "name": "Person 1", "email": "person1@example.com"}


def notification(topic: str, item: dict[str, Any], at: int) -> dict[str, Any]:
    return {
        "type": "notification_event",
        "app_id": "abc123",
        "data": {"type": "notification_event_data", "item": item},
        "links": {},
        "id": f"notif_{topic}_{at}",
        "topic": topic,
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": at,
        "created_at": at,
        "self": None,
    }


def part(part_id: str, part_type: str, at: int, author: dict[str, Any], **extra: Any) -> dict:
    return {
        "type": "conversation_part",
        "id": part_id,
        "part_type": part_type,
        "body": extra.pop("body", None),
        "created_at": at,
        "updated_at": at,
        "notified_at": at,
        "assigned_to": extra.pop("assigned_to", None),
        "author": author,
        "attachments": [],
        "external_id": None,
        "redacted": False,
    }


def conversation(at: int, *parts: dict[str, Any], **state: Any) -> dict[str, Any]:
    return {
        "type": "conversation",
        "id": "5501",
        "created_at": T0,
        "updated_at": at,
        "source": {
            "type": "conversation",
            "id": "9001",
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": "<p>My invoice is wrong</p>",
            "author": LEAD,
            "attachments": [],
            "url": None,
            "redacted": False,
        },
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": "c-77"}]},
        "admin_assignee_id": state.get("admin"),
        "team_assignee_id": state.get("team"),
        "open": state.get("state", "open") != "closed",
        "state": state.get("state", "open"),
        "read": True,
        "waiting_since": None,
        "snoozed_until": None,
        "priority": state.get("priority", "not_priority"),
        "statistics": {"first_contact_reply_at": T0, "count_reopens": 0},
        "conversation_rating": state.get("rating"),
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": list(parts),
            "total_count": len(parts),
        },
    }


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data
