"""Freshdesk "Trigger webhook" bodies → canonical events.

Freshdesk has no fixed webhook schema: an automation rule posts whatever JSON the admin
wrote, with placeholders filled in. Fairscore reads the `freshdesk_webhook` object of
FRESHDESK_TEMPLATE (docs/integrations/freshdesk.md), a superset of the widely used
template the shared fixtures were rendered from (triggered_event, ticket_id,
ticket_status, requester_name, requester_email, ...), so both parse.

`{{triggered_event}}` names what fired the rule, in Freshdesk's own unquoted notation:
`{ticket_action:created}`, `{status:{from:2,to:4}}`, `{priority:{from:1,to:3}}`,
`{responder_id:{from:1,to:2}}`,
`{group_id:{from:1,to:2}}`, `{note_type:public}`, `{reply_sent:sent}`,
`{customer_feedback:103}`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from infra.sources import event_builders as build
from infra.sources.base import Decoded, PayloadError
from infra.sources.event_builders import Event
from infra.sources.freshdesk_notation import TriggeredEvent, parse_triggered_event
from infra.sources.payload_fields import Fields, digest, second_stamp
from infra.sources.priorities import FRESHDESK, priority_of

FRESHDESK_TEMPLATE = """{"freshdesk_webhook": {
  "triggered_event": "{{triggered_event}}",
  "performer": "agent",
  "ticket_id": "{{ticket.id}}",
  "ticket_url": "{{ticket.url}}",
  "ticket_status": "{{ticket.status}}",
  "ticket_source": "{{ticket.source}}",
  "ticket_priority": "{{ticket.priority}}",
  "ticket_created_on": "{{ticket.created_on}}",
  "ticket_modified_on": "{{ticket.modified_on}}",
  "group_id": "{{ticket.group_id}}",
  "requester_id": "{{ticket.requester.id}}",
  "requester_name": "{{ticket.requester.name}}",
  "requester_email": "{{ticket.requester.email}}",
  "agent_id": "{{ticket.agent.id}}",
  "agent_name": "{{ticket.agent.name}}",
  "agent_email": "{{ticket.agent.email}}"
}}"""

# Freshdesk's built-in status numbers. Other numbers are an account's custom statuses,
# which Freshdesk offers for waiting states ("Waiting on Customer", "Waiting on Third
# Party"): neither solved nor the agent's turn, so pending.
STATUS_NUMBERS = {"2": "open", "3": "pending", "4": "solved", "5": "closed"}
STATUS_NAMES = {"open": "open", "pending": "pending", "resolved": "solved", "closed": "closed"}
# Freshdesk survey answers (CustomSurvey ratings) on a 7-point scale, worst = 1.
FEEDBACK_SCORES = {"-103": 1, "-102": 2, "-101": 3, "100": 4, "101": 5, "102": 6, "103": 7}


@dataclass(frozen=True, slots=True)
class _Ticket:
    fields: Fields
    ticket_id: str
    at: datetime
    stamp: str  # the vendor time when the template sends one, else the body's fingerprint


def decode_freshdesk(payload: object, *, received_at: datetime, body_fingerprint: str) -> Decoded:
    root = Fields.of(payload, "Freshdesk").child("freshdesk_webhook")
    triggered = parse_triggered_event(
        root.text("triggered_event"), field=root.where("triggered_event")
    )
    modified = root.opt_time("ticket_modified_on")
    ticket = _Ticket(
        fields=root,
        ticket_id=root.text("ticket_id"),
        at=modified or received_at,
        stamp=second_stamp(modified) if modified else f"body-{body_fingerprint}",
    )
    handler = HANDLERS.get(triggered.name)
    if handler is None:
        return Decoded(
            events=[], ignored=f"Freshdesk event '{triggered.name}' is not used by Fairscore"
        )
    events = handler(ticket, triggered)
    if isinstance(events, Decoded):
        return events
    return Decoded(events=[*events, *_agent(ticket)])


def _agent(ticket: _Ticket) -> list[Event]:
    f = ticket.fields
    return build.agent_upserted(
        at=ticket.at,
        agent_id=f.opt_text("agent_id"),
        name=f.opt_text("agent_name"),
        email=f.opt_text("agent_email"),
    )


def _ticket_action(ticket: _Ticket, triggered: TriggeredEvent) -> list[Event] | Decoded:
    if triggered.value != "created":
        return Decoded(
            events=[], ignored=f"Freshdesk ticket action '{triggered.value}' is not used"
        )
    f = ticket.fields
    created_at = f.opt_time("ticket_created_on") or ticket.at
    created = build.ticket_created(
        event_id=f"ticket:{ticket.ticket_id}:created",
        at=created_at,
        ticket_id=ticket.ticket_id,
        channel=(f.opt_text("ticket_source") or "unknown").lower(),
        requester_id=f.opt_text("requester_id") or f.opt_text("requester_email"),
        assignee_id=f.opt_text("agent_id"),
        team_id=f.opt_text("group_id"),
        priority=priority_of(f.raw.get("ticket_priority"), FRESHDESK),
    )
    events = [created, *_opening_message(ticket, created_at)]
    status = _status_of(None, f.opt_text("ticket_status"))
    if status != "open":
        events.append(_status_event(ticket, created_at, status))
    return events


def _opening_message(ticket: _Ticket, at: datetime) -> list[Event]:
    """The description is the requester's first message; rules do not fire a reply event
    for it, and without it the ticket would read as outbound (no first response time).
    Tickets an agent opened by outbound email start with the agent's message instead."""
    f = ticket.fields
    if "outbound" in (f.opt_text("ticket_source") or "").lower():
        return []
    message = build.ticket_message(
        event_id=f"ticket:{ticket.ticket_id}:opening",
        at=at,
        ticket_id=ticket.ticket_id,
        message_id=f"{ticket.ticket_id}:description",
        author_type="customer",
        author_id=f.opt_text("requester_id") or f.opt_text("requester_email"),
        public=True,
    )
    return [message]


def _status_event(ticket: _Ticket, at: datetime, status: str) -> Event:
    return build.status_changed(
        event_id=f"ticket:{ticket.ticket_id}:status:{status}:{ticket.stamp}",
        at=at,
        ticket_id=ticket.ticket_id,
        status=status,
    )


def _status_of(number: str | None, name: str | None) -> str:
    if number in STATUS_NUMBERS:
        return STATUS_NUMBERS[number]
    return STATUS_NAMES.get((name or "").lower(), "pending" if number or name else "open")


def _status(ticket: _Ticket, triggered: TriggeredEvent) -> list[Event]:
    status = _status_of(triggered.to, ticket.fields.opt_text("ticket_status"))
    return [_status_event(ticket, ticket.at, status)]


def _priority(ticket: _Ticket, triggered: TriggeredEvent) -> list[Event] | Decoded:
    """`{priority:{from:1,to:3}}`: the number it changed to, else the body's priority."""
    raw = triggered.to or ticket.fields.raw.get("ticket_priority")
    priority = priority_of(raw, FRESHDESK)
    if priority is None:
        return Decoded(events=[], ignored=f"Freshdesk priority {raw!r} is not one Fairscore maps")
    event = build.priority_updated(
        event_id=f"ticket:{ticket.ticket_id}:priority:{priority}:{ticket.stamp}",
        at=ticket.at,
        ticket_id=ticket.ticket_id,
        priority=priority,
    )
    return [event]


def _assignment(ticket: _Ticket, triggered: TriggeredEvent) -> list[Event] | Decoded:
    f = ticket.fields
    if triggered.name == "responder_id":
        assignee, team = triggered.to, f.opt_text("group_id")
    elif f.has("agent_id"):  # a group change: the template says who is assigned now
        assignee, team = f.opt_text("agent_id"), triggered.to
    else:
        return Decoded(events=[], ignored="Freshdesk group change without 'agent_id' in the body")
    event = build.ticket_assigned(
        event_id=f"ticket:{ticket.ticket_id}:{triggered.name}:{triggered.to}:{ticket.stamp}",
        at=ticket.at,
        ticket_id=ticket.ticket_id,
        assignee_id=assignee,
        team_id=team,
    )
    return [event]


def _message(ticket: _Ticket, triggered: TriggeredEvent) -> list[Event] | Decoded:
    f = ticket.fields
    kind = f"{triggered.name}-{triggered.value}"
    public = kind != "note_type-private"
    # The rule's performer is written into the template; without it, notes and replies
    # are an agent's (Freshdesk customers reply by email/portal, not by notes).
    performer = (f.opt_text("performer") or "agent").lower()
    if performer not in ("agent", "customer"):
        raise PayloadError(f"'{f.where('performer')}' must be agent or customer, got {performer!r}")
    author = (
        f.opt_text("agent_id")
        if performer == "agent"
        else f.opt_text("requester_id") or f.opt_text("requester_email")
    )
    message_id = digest(ticket.ticket_id, kind, performer, ticket.stamp)
    message = build.ticket_message(
        event_id=f"ticket:{ticket.ticket_id}:message:{message_id}",
        at=ticket.at,
        ticket_id=ticket.ticket_id,
        message_id=message_id,
        author_type=performer,
        author_id=author,
        public=public,
    )
    return [message]


def _feedback(ticket: _Ticket, triggered: TriggeredEvent) -> list[Event]:
    value = (triggered.value or "").strip()
    if value not in FEEDBACK_SCORES:
        raise PayloadError(f"'triggered_event' customer_feedback {value!r} is not a known rating")
    rated = build.ticket_rated(
        event_id=f"ticket:{ticket.ticket_id}:csat:{value}:{ticket.stamp}",
        at=ticket.at,
        ticket_id=ticket.ticket_id,
        score=FEEDBACK_SCORES[value],
        scale_max=7,
        comment=None,
    )
    return [rated]


Handler = Callable[[_Ticket, TriggeredEvent], "list[Event] | Decoded"]
HANDLERS: dict[str, Handler] = {
    "ticket_action": _ticket_action,
    "status": _status,
    "priority": _priority,
    "responder_id": _assignment,
    "group_id": _assignment,
    "note_type": _message,
    "reply_sent": _message,
    "customer_feedback": _feedback,
}
