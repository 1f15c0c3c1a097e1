"""Zendesk payloads in the documented shapes, for lifecycle and import tests."""

from __future__ import annotations

import json
from typing import Any

from infra.sources.zendesk_mapping import SATISFACTION_TEMPLATE

TICKET = "7001"
CUSTOMER = "501"
AGENT = "901"
GROUP = "31"


def envelope(kind: str, event: dict[str, Any], *, at: str, status: str = "OPEN") -> dict[str, Any]:
    """An event-subscription webhook body (zen:event-type:ticket.*) for ticket TICKET."""
    second = at[:19] + "Z"
    return {
        "account_id": 22129848,
        "detail": {
            "actor_id": AGENT,
            "assignee_id": AGENT,
            "created_at": "2025-03-03T09:00:00Z",
            "group_id": GROUP,
            "id": TICKET,
            "requester_id": CUSTOMER,
            "status": status,
            "submitter_id": CUSTOMER,
            "updated_at": second,
            "via": {"channel": "email"},
        },
        "event": event,
        "id": f"evt-{kind}-{at}",
        "subject": f"zen:ticket:{TICKET}",
        "time": at,
        "type": f"zen:event-type:ticket.{kind}",
        "zendesk_event_version": "2022-11-06",
    }


def comment(comment_id: str, *, staff: bool, public: bool = True) -> dict[str, Any]:
    author = {"id": AGENT, "is_staff": True, "name": "Person 2"} if staff else None
    author = author or {"id": CUSTOMER, "is_staff": False, "name": "Person 1"}
    return {"comment": {"id": comment_id, "body": "…", "is_public": public, "author": author}}


def satisfaction(rating: str, *, comment_text: str, updated_at: str) -> dict[str, Any]:
    values = {
        "{{ticket.id}}": TICKET,
        "{{satisfaction.current_rating}}": rating,
        "{{satisfaction.current_comment}}": comment_text,
        "{{ticket.assignee.id}}": AGENT,
        "{{ticket.assignee.name}}": "Person 2",
        "{{ticket.assignee.email}}": "person2@example.com",
        "{{ticket.group.id}}": GROUP,
        "{{ticket.updated_at_with_timestamp}}": updated_at,
    }
    text = SATISFACTION_TEMPLATE
    for placeholder, value in values.items():
        text = text.replace(placeholder, json.dumps(value)[1:-1])
    rendered: dict[str, Any] = json.loads(text)
    return rendered


def lifecycle() -> list[dict[str, Any]]:
    """created → customer message → agent reply → solved → rated, as Zendesk sends them."""
    return [
        envelope("created", {}, at="2025-03-03T09:00:00.100000000Z", status="NEW"),
        envelope("comment_added", comment("1001", staff=False), at="2025-03-03T09:00:00.2Z"),
        envelope("comment_added", comment("1002", staff=True), at="2025-03-03T09:42:10.5Z"),
        envelope(
            "status_changed",
            {"previous": "OPEN", "current": "SOLVED"},
            at="2025-03-03T09:42:10.6Z",
            status="SOLVED",
        ),
        satisfaction("Good, I'm satisfied", comment_text="Thanks!", updated_at="2025-03-04T08:15Z"),
    ]
