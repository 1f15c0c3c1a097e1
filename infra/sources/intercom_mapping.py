"""Intercom conversation notifications → canonical events (SPEC §3).

Both payload generations are read: API 1.x items (`user`, `assignee`,
`conversation_message`) and API 2.x items (`contacts`, `source`, `admin_assignee_id`,
`team_assignee_id`, `conversation_rating`). Every notification carries the whole
conversation, so the decoder emits what the conversation *is* (its creation and
opening message, identical in every notification) plus what the notification's
conversation parts *did*. Ids come from conversation, source and part ids, so a part
that appears in two notifications (Intercom sends `admin.replied` and `admin.assigned`
for one "reply and assign") yields the same events twice and the store dedupes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.events import format_time
from infra.sources import event_builders as build
from infra.sources.base import Decoded, PayloadError
from infra.sources.event_builders import Event
from infra.sources.intercom_parts import AUTHOR_TYPES, part_agents, part_events
from infra.sources.payload_fields import Fields, digest, second_stamp
from infra.sources.priorities import INTERCOM, priority_of

CREATION_TOPICS = frozenset({"conversation.user.created", "conversation.admin.single.created"})
RATING_TOPIC = "conversation.rating.added"
PRIORITY_TOPIC = "conversation.priority.updated"  # 2.x; the item's `priority` is the new one
# A part normally carries the status change; the topic is the fallback when it does not.
TOPIC_STATUS: Mapping[str, str] = {
    "conversation.admin.closed": "solved",
    "conversation.admin.opened": "open",
    "conversation.admin.snoozed": "pending",
    "conversation.admin.unsnoozed": "open",
}
CONVERSATION_TOPICS = (
    CREATION_TOPICS
    | frozenset(TOPIC_STATUS)
    | frozenset(
        {
            RATING_TOPIC,
            PRIORITY_TOPIC,
            "conversation.user.replied",
            "conversation.admin.replied",
            "conversation.admin.noted",
            "conversation.admin.assigned",
            "conversation.admin.open.assigned",  # listed in 2.x topic lists; same item shape
            "conversation.operator.replied",  # bot (Operator/Fin) replies; same item shape
        }
    )
)
# Intercom's 1.x `conversation_message.type` is the object name; 2.x `source.type` names
# the channel (conversation, email, push, facebook, twitter, ...). "conversation" is chat.
CHAT_SOURCE_TYPES = frozenset({"conversation", "conversation_message"})


@dataclass(frozen=True, slots=True)
class Notification:
    topic: str
    at: datetime  # when Intercom created the notification
    item: Fields


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    created_at: datetime
    item: Fields

    @property
    def source(self) -> Fields | None:
        return self.item.opt_child("source") or self.item.opt_child("conversation_message")


def decode_notification(payload: Any) -> Decoded:
    root = Fields.of(payload, "Intercom")
    topic = root.text("topic")
    if topic not in CONVERSATION_TOPICS:
        return Decoded(events=[], ignored=f"Intercom event '{topic}' is not used by Fairscore")
    item = root.child("data").child("item")
    at = root.opt_time("created_at") or item.opt_time("updated_at") or item.time("created_at")
    return Decoded(events=conversation_events(Notification(topic, at, item)))


def conversation_events(note: Notification) -> list[Event]:
    conv = Conversation(note.item.text("id"), note.item.time("created_at"), note.item)
    events = [created_event(conv), *opening_message(conv)]
    if note.topic in CREATION_TOPICS:
        events += initial_assignment(conv) + priority_event(conv, at=None)
    if note.topic == PRIORITY_TOPIC:
        events += priority_event(conv, at=note.at)
    parts = conversation_parts(conv.item)
    changes = [e for part in parts for e in part_events(conv.id, conv.item, part)]
    events += changes + topic_status(note, conv, changes)
    if note.topic == RATING_TOPIC:
        events.append(rating_event(note, conv))
    return events + agent_events(note, parts)


def created_event(conv: Conversation) -> Event:
    # Only facts every notification repeats identically go here (no assignee: that
    # changes over time), so whichever notification arrives first stores the same event.
    return build.ticket_created(
        event_id=f"{conv.id}:created",
        at=conv.created_at,
        ticket_id=conv.id,
        channel=channel(conv.source),
        requester_id=requester(conv),
    )


def priority_event(conv: Conversation, *, at: datetime | None) -> list[Event]:
    """The conversation's priority flag (2.x `priority`: priority | not_priority) from `at`
    on, or from its creation (`at` None: a creation topic's item is the conversation as
    created). Not in the ticket.created event: that one must be the same in every
    notification, and the flag changes."""
    priority = priority_of(conv.item.raw.get("priority"), INTERCOM)
    if priority is None:
        return []
    stamp = "created" if at is None else second_stamp(at)
    event = build.priority_updated(
        event_id=f"{conv.id}:priority:{priority}:{stamp}",
        at=at or conv.created_at,
        ticket_id=conv.id,
        priority=priority,
    )
    return [event]


def channel(source: Fields | None) -> str:
    kind = (source.opt_text("type") if source else None) or "conversation"
    return "chat" if kind in CHAT_SOURCE_TYPES else kind.lower()


def requester(conv: Conversation) -> str | None:
    user = conv.item.opt_child("user")  # 1.x
    if user is not None:
        return user.opt_text("id")
    for contact in contacts(conv.item):  # 2.x
        return contact.opt_text("id")
    author = conv.source.opt_child("author") if conv.source else None
    if author is not None and AUTHOR_TYPES.get(author.opt_text("type") or "") == "customer":
        return author.opt_text("id")
    return None


def contacts(item: Fields) -> list[Fields]:
    """2.x sends `contacts` as a `contact.list` object; older 2.x docs show a bare list."""
    listed = item.raw.get("contacts")
    if isinstance(listed, Mapping):
        return Fields(listed, item.where("contacts")).children("contacts")
    return item.children("contacts")


def conversation_parts(item: Fields) -> list[Fields]:
    """`conversation_part.list` object (both generations); tolerate a bare list or none."""
    listed = item.raw.get("conversation_parts")
    if isinstance(listed, Mapping):
        return Fields(listed, item.where("conversation_parts")).children("conversation_parts")
    return item.children("conversation_parts")


def opening_message(conv: Conversation) -> list[Event]:
    """The message that opened the conversation; it has no time of its own."""
    source = conv.source
    source_id = source.opt_text("id") if source else None
    if source is None or source_id is None:
        return []
    author = source.opt_child("author")
    return [
        build.ticket_message(
            event_id=f"{conv.id}:source:{source_id}:message",
            at=conv.created_at,
            ticket_id=conv.id,
            message_id=source_id,
            author_type=AUTHOR_TYPES.get((author and author.opt_text("type")) or "", "system"),
            author_id=author.opt_text("id") if author else None,
            public=True,
        )
    ]


def initial_assignment(conv: Conversation) -> list[Event]:
    """The assignee a new conversation starts with (routing rules may set one)."""
    assignee, team = current_assignee(conv.item), current_team(conv.item)
    if assignee is None and team is None:
        return []
    return [
        build.ticket_assigned(
            event_id=f"{conv.id}:initial-assignment",
            at=conv.created_at,
            ticket_id=conv.id,
            assignee_id=assignee,
            team_id=team,
        )
    ]


def current_assignee(item: Fields) -> str | None:
    if "admin_assignee_id" in item.raw:  # 2.x
        return item.opt_text("admin_assignee_id")
    assignee = item.opt_child("assignee")  # 1.x; "nobody_admin" has a null id
    return assignee.opt_text("id") if assignee else None


def current_team(item: Fields) -> str | None:
    return item.opt_text("team_assignee_id")  # 2.x only


def topic_status(note: Notification, conv: Conversation, changes: list[Event]) -> list[Event]:
    status = TOPIC_STATUS.get(note.topic)
    carried = any(e["type"] == "ticket.status_changed" for e in changes)
    if status is None or carried:
        return []
    at = conv.item.opt_time("updated_at") or note.at
    return [
        build.status_changed(
            event_id=f"{conv.id}:status:{status}:{int(at.timestamp())}",
            at=at,
            ticket_id=conv.id,
            status=status,
        )
    ]


def rating_event(note: Notification, conv: Conversation) -> Event:
    rating = conv.item.child("conversation_rating")
    score = rating.raw.get("rating")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise PayloadError(f"'{rating.where('rating')}' must be a whole number from 1 to 5")
    remark = rating.opt_text("remark")
    # `created_at` is when the rating was *requested*; the notification time is when
    # it was given (newer versions also send the rating's own `updated_at`).
    at = rating.opt_time("updated_at") or note.at
    return build.ticket_rated(
        event_id=f"{conv.id}:rating:{digest(score, remark, format_time(at))}",
        at=at,
        ticket_id=conv.id,
        score=score,
        scale_max=5,
        comment=remark,
    )


def agent_events(note: Notification, parts: list[Fields]) -> list[Event]:
    """`agent.upserted` for every admin the notification names with a name and e-mail."""
    seen: dict[str, tuple[str | None, str | None]] = {}
    assignee = note.item.opt_child("assignee")  # 1.x carries name and email
    for person in ([assignee] if assignee else []) + part_agents(parts):
        if person.opt_text("type") != "admin" or (agent_id := person.opt_text("id")) is None:
            continue
        name, email = seen.get(agent_id, (None, None))
        seen[agent_id] = (name or person.opt_text("name"), email or person.opt_text("email"))
    return [
        event
        # Without an e-mail we skip: an upsert with a null e-mail could erase a known one.
        # The time is part of the id so that one id always means one content (the store
        # keeps the first copy of an id, whatever order notifications arrive in).
        for agent_id, (name, email) in seen.items()
        if name and email
        for event in build.agent_upserted(
            event_id=f"agent:{agent_id}:{digest(name, email, format_time(note.at))}",
            at=note.at,
            agent_id=agent_id,
            name=name,
            email=email,
        )
    ]
