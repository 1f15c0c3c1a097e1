"""Zendesk payloads → canonical events.

Two payload shapes reach the Zendesk endpoint:

* event-subscription webhooks (`"type": "zen:event-type:ticket.*"`, `detail` = the ticket,
  `event` = what changed), documented at developer.zendesk.com/api-reference/webhooks/
  event-types/ticket-events;
* the satisfaction trigger, whose JSON body Fairscore publishes (SATISFACTION_TEMPLATE
  below, docs/integrations/zendesk.md): Zendesk's ticket events carry no rating.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from infra.sources import event_builders as build
from infra.sources import zendesk_ids as ids
from infra.sources.base import Decoded, PayloadError
from infra.sources.event_builders import Event
from infra.sources.payload_fields import Fields
from infra.sources.priorities import ZENDESK, priority_of

EVENT_PREFIX = "zen:event-type:"
TEMPLATE_KEY = "fairscore"
SATISFACTION_TEMPLATE_NAME = "zendesk.satisfaction.v1"

# The body admins paste into the "Notify active webhook" action of the satisfaction
# trigger. Every placeholder is from Zendesk's placeholders reference.
SATISFACTION_TEMPLATE = """{
  "fairscore": "zendesk.satisfaction.v1",
  "ticket_id": "{{ticket.id}}",
  "rating": "{{satisfaction.current_rating}}",
  "comment": "{{satisfaction.current_comment}}",
  "assignee_id": "{{ticket.assignee.id}}",
  "assignee_name": "{{ticket.assignee.name}}",
  "assignee_email": "{{ticket.assignee.email}}",
  "group_id": "{{ticket.group.id}}",
  "updated_at": "{{ticket.updated_at_with_timestamp}}"
}"""


def decode_zendesk(payload: object) -> Decoded:
    root = Fields.of(payload, "Zendesk")
    if root.opt_text(TEMPLATE_KEY) == SATISFACTION_TEMPLATE_NAME:
        return decode_satisfaction(root)
    kind = root.opt_text("type")
    if kind is None:
        raise PayloadError(
            f"'type' is missing (an event webhook) and so is '{TEMPLATE_KEY}' "
            "(Fairscore's satisfaction trigger template)"
        )
    name = kind.removeprefix(EVENT_PREFIX)
    handler = HANDLERS.get(name)
    if handler is None:
        return Decoded(events=[], ignored=f"Zendesk event '{name}' is not used by Fairscore")
    return handler(root)


def _ticket(root: Fields) -> tuple[Fields, str, datetime, datetime]:
    """(detail, ticket id, occurred_at, id stamp) of an event webhook."""
    detail = root.child("detail")
    at = root.time("time")
    # `updated_at` is the audit's second-precision time, which the export also carries.
    return detail, detail.text("id"), at, detail.opt_time("updated_at") or at


def _created(root: Fields) -> Decoded:
    detail, ticket_id, at, _ = _ticket(root)
    via = detail.opt_child("via")
    channel = (via.opt_text("channel") if via else None) or "unknown"
    events = [
        build.ticket_created(
            event_id=ids.created_id(ticket_id),
            at=at,
            ticket_id=ticket_id,
            channel=channel.lower(),
            requester_id=detail.opt_text("requester_id"),
            assignee_id=detail.opt_text("assignee_id"),
            team_id=detail.opt_text("group_id"),
            priority=priority_of(detail.raw.get("priority"), ZENDESK),
        )
    ]
    events.extend(_opening_message(detail, ticket_id, at))
    raw = (detail.opt_text("status") or "new").lower()
    if ids.STATUSES.get(raw, "open") != "open":  # created already pending/solved
        stamp = detail.opt_time("created_at") or at
        events.append(_status_event(ticket_id, raw, at, stamp))
    return Decoded(events=events)


def _opening_message(detail: Fields, ticket_id: str, at: datetime) -> list[Event]:
    """The requester's first message, when the requester submitted the ticket.

    The ticket.created webhook carries the description but not its comment id, and
    Zendesk's docs do not promise a comment_added for it; without a customer message a
    ticket reads as outbound and gets no first response time. If comment_added does
    arrive too, the second customer message at the same instant changes no metric.
    """
    requester, submitter = detail.opt_text("requester_id"), detail.opt_text("submitter_id")
    if requester is None or submitter not in (None, requester):
        return []  # an agent opened it on the requester's behalf: outbound
    message = build.ticket_message(
        event_id=ids.opening_event_id(ticket_id),
        at=at,
        ticket_id=ticket_id,
        message_id=f"{ticket_id}:description",
        author_type="customer",
        author_id=requester,
        public=True,
    )
    return [message]


def _status_event(ticket_id: str, raw: str, at: datetime, stamp: datetime) -> Event:
    return build.status_changed(
        event_id=ids.status_event_id(ticket_id, raw, stamp),
        at=at,
        ticket_id=ticket_id,
        status=ids.STATUSES[raw],
    )


def _comment_added(root: Fields) -> Decoded:
    _, ticket_id, at, _ = _ticket(root)
    comment = root.child("event").child("comment")
    author = comment.child("author")
    public = comment.opt_bool("is_public")
    if public is None:
        raise comment.missing("is_public")
    # Zendesk marks agents and admins `is_staff`; everyone else writing is the customer side.
    staff = author.opt_bool("is_staff") is True
    comment_id, author_id = comment.text("id"), author.opt_text("id")
    message = build.ticket_message(
        event_id=ids.comment_event_id(comment_id),
        at=at,
        ticket_id=ticket_id,
        message_id=comment_id,
        author_type="agent" if staff else "customer",
        author_id=author_id,
        public=public,
    )
    agents = build.agent_upserted(at=at, agent_id=author_id, name=author.opt_text("name"))
    return Decoded(events=[message, *(agents if staff else [])])


def _status(root: Fields) -> Decoded:
    _, ticket_id, at, stamp = _ticket(root)
    raw = root.child("event").text("current").lower()
    if raw not in ids.STATUSES:
        return Decoded(events=[], ignored=f"Zendesk status '{raw}' is not used by Fairscore")
    return Decoded(events=[_status_event(ticket_id, raw, at, stamp)])


def _priority(root: Fields) -> Decoded:
    _, ticket_id, at, stamp = _ticket(root)
    raw = root.child("event").raw.get("current")
    priority = priority_of(raw, ZENDESK)
    if priority is None:  # cleared: the priority it had stays (no event can clear one)
        return Decoded(events=[], ignored=f"Zendesk priority {raw!r} is not one Fairscore maps")
    event = build.priority_updated(
        event_id=ids.priority_event_id(ticket_id, priority, stamp),
        at=at,
        ticket_id=ticket_id,
        priority=priority,
    )
    return Decoded(events=[event])


def _agent_assignment(root: Fields) -> Decoded:
    detail, ticket_id, at, stamp = _ticket(root)
    assignee = root.child("event").opt_text("current")  # absent/empty: unassigned
    event = build.ticket_assigned(
        event_id=ids.assignee_event_id(ticket_id, assignee, stamp),
        at=at,
        ticket_id=ticket_id,
        assignee_id=assignee,
        team_id=detail.opt_text("group_id"),
    )
    return Decoded(events=[event])


def _group_assignment(root: Fields) -> Decoded:
    detail, ticket_id, at, stamp = _ticket(root)
    group = root.child("event").opt_text("current")
    event = build.ticket_assigned(
        event_id=ids.group_event_id(ticket_id, group, stamp),
        at=at,
        ticket_id=ticket_id,
        assignee_id=detail.opt_text("assignee_id"),
        team_id=group,
    )
    return Decoded(events=[event])


HANDLERS: dict[str, Callable[[Fields], Decoded]] = {
    "ticket.created": _created,
    "ticket.comment_added": _comment_added,
    "ticket.status_changed": _status,
    "ticket.priority_changed": _priority,
    "ticket.agent_assignment_changed": _agent_assignment,
    "ticket.group_assignment_changed": _group_assignment,
}


def decode_satisfaction(root: Fields) -> Decoded:
    ticket_id = root.text("ticket_id")
    rating = ids.parse_rating(root.text("rating"), field="rating")
    if rating is None:
        return Decoded(events=[], ignored="Zendesk satisfaction was offered, not answered yet")
    at = root.time("updated_at")
    rated = build.ticket_rated(
        event_id=ids.rating_event_id(ticket_id, rating.token, at),
        at=at,
        ticket_id=ticket_id,
        score=rating.score,
        scale_max=rating.scale_max,
        comment=root.opt_text("comment"),
    )
    agents = build.agent_upserted(
        at=at,
        agent_id=root.opt_text("assignee_id"),
        name=root.opt_text("assignee_name"),
        email=root.opt_text("assignee_email"),
    )
    return Decoded(events=[rated, *agents])
