"""Builders of SPEC §3 canonical event objects, shared by the helpdesk adapters.

Each returns the JSON dict `domain.events.parse_event` accepts. Optional keys are left
out rather than sent as null where null would mean something: an `agent.upserted` or
`ticket.assigned` without `team_id` keeps the team Fairscore already knows, while an
explicit null would clear it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from infra.sources.payload_fields import digest, rfc3339

Event = dict[str, Any]


def ticket_created(
    *,
    event_id: str,
    at: datetime,
    ticket_id: str,
    channel: str,
    requester_id: str | None,
    assignee_id: str | None = None,
    team_id: str | None = None,
) -> Event:
    event: Event = {
        "type": "ticket.created",
        "id": event_id,
        "occurred_at": rfc3339(at),
        "ticket_id": ticket_id,
        "channel": channel,
        "requester_id": requester_id,
    }
    if assignee_id is not None:
        event["assignee_id"] = assignee_id
    if team_id is not None:
        event["team_id"] = team_id
    return event


def ticket_message(
    *,
    event_id: str,
    at: datetime,
    ticket_id: str,
    message_id: str,
    author_type: str,
    author_id: str | None,
    public: bool,
) -> Event:
    return {
        "type": "ticket.message",
        "id": event_id,
        "occurred_at": rfc3339(at),
        "ticket_id": ticket_id,
        "message_id": message_id,
        "author_type": author_type,
        "author_id": author_id,
        "public": public,
    }


def ticket_assigned(
    *,
    event_id: str,
    at: datetime,
    ticket_id: str,
    assignee_id: str | None,
    team_id: str | None = None,
    team_cleared: bool = False,
) -> Event:
    event: Event = {
        "type": "ticket.assigned",
        "id": event_id,
        "occurred_at": rfc3339(at),
        "ticket_id": ticket_id,
        "assignee_id": assignee_id,
    }
    if team_id is not None or team_cleared:
        event["team_id"] = team_id
    return event


def status_changed(*, event_id: str, at: datetime, ticket_id: str, status: str) -> Event:
    return {
        "type": "ticket.status_changed",
        "id": event_id,
        "occurred_at": rfc3339(at),
        "ticket_id": ticket_id,
        "status": status,
    }


def ticket_rated(
    *,
    event_id: str,
    at: datetime,
    ticket_id: str,
    score: float,
    scale_max: float,
    comment: str | None,
) -> Event:
    return {
        "type": "ticket.rated",
        "id": event_id,
        "occurred_at": rfc3339(at),
        "ticket_id": ticket_id,
        "kind": "csat",
        "score": score,
        "scale_max": scale_max,
        "comment": comment,
    }


def agent_upserted(
    *, at: datetime, agent_id: str | None, name: str | None, email: str | None = None
) -> list[Event]:
    """Zero or one event: only a payload naming an agent with a name says who it is.

    The id depends on the identity only, so every delivery repeating the same name and
    email dedupes, while a renamed agent produces a new event.
    """
    if agent_id is None or name is None:
        return []
    event: Event = {
        "type": "agent.upserted",
        "id": f"agent:{agent_id}:{digest(name, email)}",
        "occurred_at": rfc3339(at),
        "agent_id": agent_id,
        "name": name,
    }
    if email is not None:
        event["email"] = email
    return [event]


def unique_by_id(events: list[Event]) -> list[Event]:
    """One event per id, first kept: one delivery may name the same fact twice."""
    seen: dict[str, Event] = {}
    for event in events:
        seen.setdefault(event["id"], event)
    return list(seen.values())


def full_name(first: str | None, last: str | None) -> str | None:
    joined = " ".join(part for part in (first, last) if part)
    return joined or None
