"""A support conversation's life in each vendor's own payload shapes.

Each lifecycle is created → customer message → agent reply → solved → rated, built by
modifying the real payloads in tests/fixtures/webhooks (or, where a vendor has no fixed
schema, rendering the template Fairscore publishes for it).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from infra.db.repositories.system import IntegrationRecord
from infra.sources.freshdesk_mapping import FRESHDESK_TEMPLATE
from infra.sources.zendesk_mapping import SATISFACTION_TEMPLATE
from tests.support.vendors import Delivery, fixture


@dataclass(frozen=True)
class Lifecycle:
    deliveries: list[Delivery]
    agent: str  # the agent's id in the helpdesk
    month: date  # the month everything happened in (tenant time)
    first_response: float  # seconds from creation to the agent's reply
    integration: IntegrationRecord | None = None  # where it is sent
    priority: str | None = None  # the ticket's priority at its solve, as Fairscore maps it

    def to(self, integration: IntegrationRecord) -> Lifecycle:
        return replace(self, integration=integration)


def render(template: str, values: dict[str, str]) -> dict[str, Any]:
    """A helpdesk template with its placeholders filled in, as the helpdesk sends it."""
    text = template
    for placeholder, value in values.items():
        text = text.replace(placeholder, json.dumps(value)[1:-1])
    assert "{{" not in text, text
    rendered: dict[str, Any] = json.loads(text)
    return rendered


# --- Zendesk: event-subscription envelopes plus the satisfaction trigger template ------------

ZD_TICKET, ZD_CUSTOMER, ZD_AGENT = "7001", "501", "901"


def zendesk_event(kind: str, at: str, event: dict[str, Any], status: str = "OPEN") -> Delivery:
    payload = fixture("zendesk", "ticket.created.json")
    payload["detail"].update(
        id=ZD_TICKET,
        requester_id=ZD_CUSTOMER,
        submitter_id=ZD_CUSTOMER,
        assignee_id=ZD_AGENT,
        status=status,
        created_at="2025-03-03T09:00:00Z",
        updated_at=at,
    )
    payload.update(
        id=f"evt-{kind}-{at}",
        subject=f"zen:ticket:{ZD_TICKET}",
        time=at.replace("Z", ".123456789Z"),
        type=f"zen:event-type:ticket.{kind}",
        event=event,
    )
    return Delivery(payload)


def zendesk_comment(comment_id: str, at: str, *, staff: bool) -> Delivery:
    author = (
        {"id": ZD_AGENT, "is_staff": True, "name": "Person 2"}
        if staff
        else {"id": ZD_CUSTOMER, "is_staff": False, "name": "Person 1"}
    )
    comment = {"id": comment_id, "body": "…", "is_public": True, "author": author}
    return zendesk_event("comment_added", at, {"comment": comment})


def zendesk_satisfaction(rating: str, at: str) -> Delivery:
    return Delivery(
        render(
            SATISFACTION_TEMPLATE,
            {
                "{{ticket.id}}": ZD_TICKET,
                "{{satisfaction.current_rating}}": rating,
                "{{satisfaction.current_comment}}": "Quick and kind",
                "{{ticket.assignee.id}}": ZD_AGENT,
                "{{ticket.assignee.name}}": "Person 2",
                "{{ticket.assignee.email}}": "person2@example.com",
                "{{ticket.group.id}}": "31",
                "{{ticket.updated_at_with_timestamp}}": at,
            },
        )
    )


def zendesk_lifecycle() -> Lifecycle:
    return Lifecycle(
        deliveries=[
            zendesk_event("created", "2025-03-03T09:00:00Z", {}, status="NEW"),
            zendesk_comment("1001", "2025-03-03T09:05:00Z", staff=False),
            zendesk_comment("1002", "2025-03-03T09:40:00Z", staff=True),
            zendesk_event(
                "status_changed",
                "2025-03-03T10:00:00Z",
                {"previous": "OPEN", "current": "SOLVED"},
                status="SOLVED",
            ),
            zendesk_satisfaction("Good, I'm satisfied", "2025-03-04T08:15Z"),
        ],
        agent=ZD_AGENT,
        month=date(2025, 3, 1),
        first_response=2400.0,
        priority="low",  # the fixture's "LOW"
    )


# --- Intercom: the captured API 1.x notifications of one conversation ------------------------


def intercom_lifecycle() -> Lifecycle:
    replied = fixture("intercom", "conversation.admin.replied.json")  # reply and assign
    created = copy.deepcopy(replied)
    item = created["data"]["item"]
    item["updated_at"] = item["created_at"]
    item["assignee"] = {"type": "nobody_admin", "id": None}
    item["conversation_parts"]["conversation_parts"] = []
    created.update(
        id="notif_created", topic="conversation.user.created", created_at=item["created_at"]
    )
    rated = fixture("intercom", "conversation.admin.closed.json")
    rated["data"]["item"]["conversation_parts"]["conversation_parts"] = []
    rated["data"]["item"]["conversation_rating"] = {
        "rating": 5,
        "remark": "Thanks!",
        "created_at": 1553291390,
        "updated_at": 1553291500,
    }
    rated.update(id="notif_rated", topic="conversation.rating.added", created_at=1553291500)
    return Lifecycle(
        deliveries=[
            Delivery(created),
            Delivery(replied),
            Delivery(fixture("intercom", "conversation.user.replied.json")),
            Delivery(fixture("intercom", "conversation.admin.closed.json")),
            Delivery(rated),
        ],
        agent="1957471",
        month=date(2019, 3, 1),
        first_response=1553291111.0 - 1553290933.0,
    )


# --- Chatwoot: the captured 3.x payloads, with the `updated_at` newer versions send ----------

CW_CONVERSATION, CW_AGENT, CW_T0 = 24, 3, 1696896133
CW_AGENT_USER = {"id": CW_AGENT, "name": "Person 3", "email": "person3@example.com", "type": "user"}


def chatwoot_conversation(
    event: str, at: int, state: str, changes: dict[str, list[Any]] | None = None
) -> Delivery:
    payload = fixture("chatwoot", "conversation_status_changed.captured-whatsapp.json")
    payload.update(event=event, status=state, created_at=CW_T0, updated_at=at + 0.5)
    payload["messages"] = []
    changed = [
        {k: {"previous_value": v[0], "current_value": v[1]}} for k, v in (changes or {}).items()
    ]
    payload["changed_attributes"] = changed or None
    return Delivery(payload, headers=_retry_key(f"{event}-{at}"))


def chatwoot_message(
    message_id: int, at: int, *, event: str = "message_created", **fields: Any
) -> Delivery:
    payload = fixture("chatwoot", "message_created.incoming.captured-whatsapp.json")
    conversation = payload["conversation"]
    conversation.update(id=CW_CONVERSATION, created_at=CW_T0, updated_at=at + 0.5)
    conversation["meta"]["assignee"] = dict(CW_AGENT_USER)
    payload.update(id=message_id, event=event, created_at=_iso(at), **fields)
    return Delivery(payload, headers=_retry_key(f"{event}-{message_id}"))


def _retry_key(name: str) -> dict[str, str]:
    """Chatwoot's Sidekiq retries resend the same X-Chatwoot-Delivery."""
    return {"X-Chatwoot-Delivery": f"delivery-{name}"}


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z")


def chatwoot_lifecycle() -> Lifecycle:
    csat = {"submitted_values": {"csat_survey_response": {"rating": 5, "feedback_message": "Ok"}}}
    return Lifecycle(
        deliveries=[
            chatwoot_conversation("conversation_created", CW_T0, "open"),
            chatwoot_conversation(
                "conversation_updated", CW_T0 + 60, "open", {"priority": [None, "medium"]}
            ),
            chatwoot_message(17547, CW_T0 + 5),  # the captured incoming "hola"
            chatwoot_message(17550, CW_T0 + 300, message_type="outgoing", sender=CW_AGENT_USER),
            chatwoot_conversation(
                "conversation_status_changed",
                CW_T0 + 600,
                "resolved",
                {"status": ["open", "resolved"]},
            ),
            chatwoot_message(
                17551,
                CW_T0 + 601,
                event="message_updated",
                message_type="template",
                content_type="input_csat",
                content_attributes=csat,
                sender=None,
            ),
        ],
        agent=str(CW_AGENT),
        month=date(2023, 10, 1),
        first_response=300.0,
        priority="normal",  # Chatwoot's "medium", set a minute after creation
    )


# --- Freshdesk: Fairscore's published rule template, rendered as Freshdesk renders it -------


def freshdesk_rule(
    event: str, modified: str, *, performer: str = "agent", **values: str
) -> Delivery:
    agent = values.get("agent", "8001")
    template = FRESHDESK_TEMPLATE.replace('"performer": "agent"', f'"performer": "{performer}"')
    payload = render(
        template,
        {
            "{{triggered_event}}": event,
            "{{ticket.id}}": "42",
            "{{ticket.url}}": "https://acme.freshdesk.com/helpdesk/tickets/42",
            "{{ticket.status}}": values.get("status", "Open"),
            "{{ticket.source}}": "Email",
            "{{ticket.priority}}": values.get("priority", "High"),
            "{{ticket.created_on}}": "2025-03-03 09:00:00 UTC",
            "{{ticket.modified_on}}": modified,
            "{{ticket.group_id}}": "7",
            "{{ticket.requester.id}}": "3001",
            "{{ticket.requester.name}}": "Person 1",
            "{{ticket.requester.email}}": "person1@example.com",
            "{{ticket.agent.id}}": agent,
            "{{ticket.agent.name}}": "Person 2" if agent else "",
            "{{ticket.agent.email}}": "person2@example.com" if agent else "",
        },
    )
    return Delivery(payload)


def freshdesk_lifecycle() -> Lifecycle:
    return Lifecycle(
        deliveries=[
            freshdesk_rule("{ticket_action:created}", "2025-03-03 09:00:00 UTC", agent=""),
            freshdesk_rule("{responder_id:{from:,to:8001}}", "2025-03-03 09:05:00 UTC"),
            freshdesk_rule("{reply_sent:sent}", "2025-03-03 09:20:00 UTC", performer="customer"),
            freshdesk_rule("{reply_sent:sent}", "2025-03-03 09:40:00 UTC"),
            freshdesk_rule("{status:{from:2,to:4}}", "2025-03-03 10:10:00 UTC", status="Resolved"),
            freshdesk_rule("{customer_feedback:103}", "2025-03-03 12:00:00 UTC", status="Resolved"),
        ],
        agent="8001",
        month=date(2025, 3, 1),
        first_response=2400.0,
        priority="high",  # {{ticket.priority}} rendered "High"
    )


# --- Help Scout: Mailbox API 2.0 conversations and the documented rating ---------------------

HS_AGENT = {"id": 77, "type": "user", "first": "Person", "last": "2", "email": "p2@example.com"}
HS_CUSTOMER = {"id": 501, "type": "customer", "first": "Person", "last": "1"}


def helpscout_thread(thread_id: int, kind: str, by: dict[str, Any], at: str) -> dict[str, Any]:
    return {"id": thread_id, "type": kind, "state": "published", "createdBy": by, "createdAt": at}


def helpscout_conversation(event: str, threads: list[dict[str, Any]], **changes: Any) -> Delivery:
    body = {
        "id": 9001,
        "number": 349,
        "type": "email",
        "status": "active",
        "createdBy": HS_CUSTOMER,
        "primaryCustomer": {"id": 501},
        "createdAt": "2025-03-03T09:00:00Z",
        "userUpdatedAt": "2025-03-03T09:00:00Z",
        "assignee": None,
        "_embedded": {"threads": list(reversed(threads))},  # newest first, as Help Scout
    }
    return Delivery({**body, **changes}, event=event)


def helpscout_lifecycle() -> Lifecycle:
    opening = helpscout_thread(1, "customer", HS_CUSTOMER, "2025-03-03T09:00:00Z")
    reply = helpscout_thread(2, "reply", HS_AGENT, "2025-03-03T09:30:00Z")
    assigned = {"assignee": HS_AGENT, "userUpdatedAt": "2025-03-03T09:10:00Z"}
    closed = {**assigned, "status": "closed", "closedAt": "2025-03-03T09:45:00Z"}
    rating = fixture("helpscout", "satisfaction.ratings.json")
    rating.update(ticketId=9001, createdAt="2025-03-03T11:00:00Z", modifiedAt=None)
    return Lifecycle(
        deliveries=[
            helpscout_conversation("convo.created", [opening]),
            helpscout_conversation("convo.assigned", [opening], **assigned),
            helpscout_conversation("convo.agent.reply.created", [opening, reply], **assigned),
            helpscout_conversation("convo.status", [opening, reply], **closed),
            Delivery(rating, event="satisfaction.ratings"),
        ],
        agent="77",
        month=date(2025, 3, 1),
        first_response=1800.0,
    )


LIFECYCLES = {
    "zendesk": zendesk_lifecycle,
    "intercom": intercom_lifecycle,
    "chatwoot": chatwoot_lifecycle,
    "freshdesk": freshdesk_lifecycle,
    "helpscout": helpscout_lifecycle,
}
