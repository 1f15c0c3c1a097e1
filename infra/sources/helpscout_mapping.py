"""Help Scout webhook bodies → canonical events (developer.helpscout.com/webhooks).

Conversation events (`convo.*`) carry the Mailbox API 2.0 conversation: `id`, `status`
(active | pending | closed | spam), `type` (email | chat | phone), `createdAt`,
`closedAt`, `userUpdatedAt`, `assignee`, `primaryCustomer`, `createdBy` and
`_embedded.threads[]` (`id`, `type`, `state`, `createdBy.type` user | customer,
`createdAt`). `satisfaction.ratings` carries the Rating object (`id`, `ticketId`,
`rating` Great | Okay | Bad, `comments`, `createdAt`, `modifiedAt`).

Messages are read from the embedded threads and keyed by thread id, so each delivery
may repeat earlier threads: they dedupe, and a missed delivery is healed by the next.

Help Scout conversations have no priority (SPEC §8): its tickets carry none, so their
case-mix stratum is their channel only (`type`; docs/integrations/helpscout.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from infra.sources import event_builders as build
from infra.sources.base import Decoded, PayloadError
from infra.sources.event_builders import Event
from infra.sources.payload_fields import Fields, second_stamp

STATUSES = {"active": "open", "pending": "pending", "closed": "solved"}
# Thread types that are messages; lineitems (system notes) and forwards are not.
MESSAGE_THREADS = ("customer", "reply", "note", "message", "chat", "phone")
AUTHOR_TYPES = {"customer": "customer", "user": "agent", "team": "agent", "system_user": "bot"}
# Help Scout's three-face rating; the UI labels "Bad" as "Not Good".
RATINGS = {"great": 3.0, "okay": 2.0, "bad": 1.0, "not good": 1.0}


@dataclass(frozen=True, slots=True)
class _Change:
    at: datetime
    stamp: str


def conversation_id(root: Fields) -> str:
    return root.text("id")


def _change(root: Fields, received_at: datetime, fingerprint: str, *, closing: bool) -> _Change:
    """When a status or assignment changed: Help Scout sends no event time, so the
    conversation's own update times stand in; without them, the receive time."""
    found = (root.opt_time("closedAt") if closing else None) or root.opt_time("userUpdatedAt")
    found = found or root.opt_time("modifiedAt")
    if found is None:
        return _Change(received_at, f"body-{fingerprint}")
    return _Change(found, second_stamp(found))


def _person_name(person: Fields) -> str | None:
    first = person.opt_text("first") or person.opt_text("firstName")
    last = person.opt_text("last") or person.opt_text("lastName")
    return build.full_name(first, last)


def _agent(person: Fields | None, at: datetime) -> list[Event]:
    if person is None or (person.opt_text("type") or "user") not in ("user", "team"):
        return []
    return build.agent_upserted(
        at=at,
        agent_id=person.opt_text("id"),
        name=_person_name(person),
        email=person.opt_text("email"),
    )


def _threads(root: Fields) -> list[Fields]:
    embedded = root.opt_child("_embedded")
    return embedded.children("threads") if embedded else root.children("threads")


def _thread_events(ticket_id: str, thread: Fields) -> list[Event]:
    kind = thread.opt_text("type")
    state = thread.opt_text("state")
    if kind not in MESSAGE_THREADS or state not in (None, "published"):
        return []
    by = thread.opt_child("createdBy")
    by_type = by.opt_text("type") if by else None
    author_type = AUTHOR_TYPES.get(by_type or "", "customer" if kind == "customer" else "agent")
    thread_id, at = thread.text("id"), thread.time("createdAt")
    message = build.ticket_message(
        event_id=f"thread:{thread_id}",
        at=at,
        ticket_id=ticket_id,
        message_id=thread_id,
        author_type=author_type,
        author_id=by.opt_text("id") if by else None,
        public=kind != "note",
    )
    return [message, *_agent(by, at)]


def _messages(root: Fields) -> list[Event]:
    ticket_id = conversation_id(root)
    events: list[Event] = []
    for thread in _threads(root):
        events.extend(_thread_events(ticket_id, thread))
    return events


def _requester(root: Fields) -> str | None:
    for key in ("primaryCustomer", "customer"):
        person = root.opt_child(key)
        if person is not None and person.opt_text("id"):
            return person.opt_text("id")
    creator = root.opt_child("createdBy")
    if creator is not None and creator.opt_text("type") == "customer":
        return creator.opt_text("id")
    return None


def _assignee(root: Fields) -> Fields | None:
    return root.opt_child("assignee") or root.opt_child("owner")  # v2 name, then v1


def _created(root: Fields, received_at: datetime, fingerprint: str) -> Decoded:
    ticket_id, at = conversation_id(root), root.time("createdAt")
    source = root.opt_child("source")
    channel = root.opt_text("type") or (source.opt_text("type") if source else None) or "unknown"
    assignee = _assignee(root)
    events = [
        build.ticket_created(
            event_id=f"conversation:{ticket_id}:created",
            at=at,
            ticket_id=ticket_id,
            channel=channel.lower(),
            requester_id=_requester(root),
            assignee_id=assignee.opt_text("id") if assignee else None,
        )
    ]
    messages = _messages(root) or _opening_message(root, ticket_id, at)
    status = STATUSES.get((root.opt_text("status") or "active").lower(), "open")
    if status != "open":  # e.g. an agent's outbound conversation created as pending
        events.append(_status_event(ticket_id, status, _Change(at, second_stamp(at))))
    return Decoded(events=[*events, *messages, *_agent(assignee, at)])


def _opening_message(root: Fields, ticket_id: str, at: datetime) -> list[Event]:
    """Without embedded threads, a customer-created conversation still opens with the
    customer's message (else it would read as outbound and get no first response time)."""
    creator = root.opt_child("createdBy")
    if creator is None or creator.opt_text("type") != "customer":
        return []
    message = build.ticket_message(
        event_id=f"conversation:{ticket_id}:opening",
        at=at,
        ticket_id=ticket_id,
        message_id=f"{ticket_id}:opening",
        author_type="customer",
        author_id=creator.opt_text("id"),
        public=True,
    )
    return [message]


def _status_event(ticket_id: str, status: str, change: _Change) -> Event:
    return build.status_changed(
        event_id=f"conversation:{ticket_id}:status:{status}:{change.stamp}",
        at=change.at,
        ticket_id=ticket_id,
        status=status,
    )


def _status(root: Fields, received_at: datetime, fingerprint: str) -> Decoded:
    raw = root.text("status").lower()
    if raw not in STATUSES:
        return Decoded(events=[], ignored=f"Help Scout status '{raw}' is not used by Fairscore")
    change = _change(root, received_at, fingerprint, closing=raw == "closed")
    return Decoded(events=[_status_event(conversation_id(root), STATUSES[raw], change)])


def _assigned(root: Fields, received_at: datetime, fingerprint: str) -> Decoded:
    ticket_id = conversation_id(root)
    assignee = _assignee(root)
    assignee_id = assignee.opt_text("id") if assignee else None
    change = _change(root, received_at, fingerprint, closing=False)
    event = build.ticket_assigned(
        event_id=f"conversation:{ticket_id}:assignee:{assignee_id or 'none'}:{change.stamp}",
        at=change.at,
        ticket_id=ticket_id,
        assignee_id=assignee_id,
    )
    return Decoded(events=[event, *_agent(assignee, change.at)])


def _reply(root: Fields, received_at: datetime, fingerprint: str) -> Decoded:
    if not _threads(root):
        raise PayloadError("'_embedded.threads' is missing: the new thread is not in the body")
    return Decoded(events=_messages(root))


def _rating(root: Fields, received_at: datetime, fingerprint: str) -> Decoded:
    raw = root.text("rating")
    score = RATINGS.get(raw.strip().lower())
    if score is None:
        raise PayloadError(f"'rating' must be Great, Okay or Bad, got {raw!r}")
    at = root.opt_time("modifiedAt") or root.time("createdAt")
    rated = build.ticket_rated(
        # A customer may change their rating: modifiedAt makes the new answer a new fact.
        event_id=f"rating:{root.text('id')}:{second_stamp(at)}",
        at=at,
        ticket_id=root.text("ticketId"),
        score=score,
        scale_max=3.0,
        comment=root.opt_text("comments"),
    )
    return Decoded(events=[rated])


Handler = Callable[[Fields, datetime, str], Decoded]
HANDLERS: dict[str, Handler] = {
    "convo.created": _created,
    "convo.customer.reply.created": _reply,
    "convo.agent.reply.created": _reply,
    "convo.note.created": _reply,
    "convo.assigned": _assigned,
    "convo.status": _status,
    "satisfaction.ratings": _rating,
}


def decode_helpscout(
    event_name: str, payload: object, *, received_at: datetime, fingerprint: str
) -> Decoded:
    handler = HANDLERS.get(event_name)
    if handler is None:
        return Decoded(
            events=[], ignored=f"Help Scout event '{event_name}' is not used by Fairscore"
        )
    decoded = handler(Fields.of(payload, "Help Scout"), received_at, fingerprint)
    return Decoded(events=build.unique_by_id(decoded.events), ignored=decoded.ignored)
