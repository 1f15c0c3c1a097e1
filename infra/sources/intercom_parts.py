"""One Intercom conversation part → the canonical events it implies.

A part can say several things at once: "reply and close" is a `close` part with a
body, "reply and assign" an `assignment` part with a body. Each fact gets its own
event id derived from the part id (`<conversation>:part:<part>:<fact>`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from infra.sources import event_builders as build
from infra.sources.event_builders import Event
from infra.sources.payload_fields import Fields

# Author types seen in 1.x (user, lead, admin, bot) and 2.x (also contact, team).
# Team-authored parts are automated messages sent on a team's behalf, not a person.
AUTHOR_TYPES: Mapping[str, str] = {
    "user": "customer",
    "lead": "customer",
    "contact": "customer",
    "admin": "agent",
    "bot": "bot",
    "operator": "bot",
    "team": "bot",
}
NOTE_PARTS = frozenset({"note", "note_and_reopen", "note_and_unsnooze"})
MESSAGE_PARTS = NOTE_PARTS | {"comment", "quick_reply"}
# Actions the inbox lets a teammate combine with a reply to the customer.
REPLY_CARRYING_PARTS = frozenset({"assignment", "assign_and_unsnooze", "open", "close", "snoozed"})
# Intercom's close is the solve; snoozed waits on time or the customer, like pending.
PART_STATUS: Mapping[str, str] = {
    "close": "solved",
    "open": "open",
    "note_and_reopen": "open",
    "snoozed": "pending",
    "unsnoozed": "open",
    "timer_unsnooze": "open",
    "assign_and_unsnooze": "open",
    "note_and_unsnooze": "open",
}


def part_events(conversation_id: str, item: Fields, part: Fields) -> list[Event]:
    part_id = part.text("id")
    kind = part.opt_text("part_type") or ""
    at = part.time("created_at")
    key = f"{conversation_id}:part:{part_id}"
    events = []
    if kind in MESSAGE_PARTS or (kind in REPLY_CARRYING_PARTS and has_body(part)):
        events.append(message(key, at, conversation_id, part, kind))
    assigned = assignment(key, at, conversation_id, item, part)
    if assigned is not None:
        events.append(assigned)
    if kind in PART_STATUS:
        events.append(
            build.status_changed(
                event_id=f"{key}:status", at=at, ticket_id=conversation_id, status=PART_STATUS[kind]
            )
        )
    return events


def has_body(part: Fields) -> bool:
    body = part.raw.get("body")
    return isinstance(body, str) and bool(body.strip())


def message(key: str, at: datetime, conversation_id: str, part: Fields, kind: str) -> Event:
    author = part.opt_child("author")  # blank for Twitter parts, per Intercom's docs
    author_type = (author.opt_text("type") if author else None) or ""
    return build.ticket_message(
        event_id=f"{key}:message",
        at=at,
        ticket_id=conversation_id,
        message_id=part.text("id"),
        author_type=AUTHOR_TYPES.get(author_type, "system"),
        author_id=author.opt_text("id") if author else None,
        public=kind not in NOTE_PARTS,
    )


def assignment(
    key: str, at: datetime, conversation_id: str, item: Fields, part: Fields
) -> Event | None:
    """`assigned_to` is set only when the part changed the assignment (Intercom docs)."""
    target = part.opt_child("assigned_to")
    if target is None:
        return None
    kind, target_id = target.opt_text("type"), target.opt_text("id")
    # The other half of the assignment is the conversation's current state (2.x only).
    admin, team = item.opt_text("admin_assignee_id"), item.opt_text("team_assignee_id")
    if kind == "team":
        team = target_id
    else:  # an admin, or "nobody_admin" (id null) for an unassignment
        admin = target_id if kind in ("admin", None) else None
    return build.ticket_assigned(
        event_id=f"{key}:assigned",
        at=at,
        ticket_id=conversation_id,
        assignee_id=admin,
        team_id=team,
    )


def part_agents(parts: list[Fields]) -> list[Fields]:
    """The people objects parts name (authors, assignees) — candidates for agent.upserted."""
    found = []
    for part in parts:
        for key in ("author", "assigned_to"):
            person = part.opt_child(key)
            if person is not None:
                found.append(person)
    return found
