"""Builders of SPEC §3 canonical event objects, shared by every helpdesk adapter.

Each returns the JSON dict `domain.events.parse_event` accepts (the delivery pipeline
stores and re-parses them), keeps the field names in one place and writes every time
as RFC 3339 UTC. Optional keys are left out rather than sent as null: an `agent.upserted`
without `team_id` says nothing about the team, which a null could be read as clearing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.events import format_time
from infra.sources.payload_fields import digest

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
    priority: str | None = None,
) -> Event:
    event: Event = {
        "type": "ticket.created",
        "id": event_id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "channel": channel,
        "requester_id": requester_id,
        "team_id": team_id,
        "assignee_id": assignee_id,
    }
    if priority is not None:
        event["priority"] = priority
    return event


def priority_updated(*, event_id: str, at: datetime, ticket_id: str, priority: str) -> Event:
    """The ticket's priority from `at` on (low|normal|high|urgent, infra.sources.priorities)."""
    return {
        "type": "ticket.updated",
        "id": event_id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "priority": priority,
    }


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
        "occurred_at": format_time(at),
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
) -> Event:
    """`team_id` null keeps the ticket's team (the fold never clears a team)."""
    return {
        "type": "ticket.assigned",
        "id": event_id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "assignee_id": assignee_id,
        "team_id": team_id,
    }


def status_changed(*, event_id: str, at: datetime, ticket_id: str, status: str) -> Event:
    return {
        "type": "ticket.status_changed",
        "id": event_id,
        "occurred_at": format_time(at),
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
    """A CSAT answer on the vendor's own scale (`score` of `scale_max`)."""
    return {
        "type": "ticket.rated",
        "id": event_id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "kind": "csat",
        "score": score,
        "scale_max": scale_max,
        "comment": comment,
    }


def agent_upserted(
    *,
    at: datetime,
    agent_id: str | None,
    name: str | None,
    email: str | None = None,
    event_id: str | None = None,
) -> list[Event]:
    """Zero or one event: only a payload naming an agent with a name says who it is.

    By default the id depends on the identity only, so every delivery repeating the same
    name and email dedupes, while a renamed agent produces a new event. Adapters whose
    payloads say when the profile was seen pass an `event_id` that includes that time.
    """
    if agent_id is None or name is None:
        return []
    event: Event = {
        "type": "agent.upserted",
        "id": event_id or f"agent:{agent_id}:{digest(name, email)}",
        "occurred_at": format_time(at),
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
