"""Builders for canonical event JSON (SPEC §3), as `domain.events.parse_event` reads it.

Adapters build plain dicts (the delivery pipeline stores and re-parses them); these
helpers keep the field names in one place and format every time as RFC 3339 with Z.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Event = dict[str, Any]


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a Z, like `domain.events.format_time` (not imported: that
    module does not pass `mypy --strict` yet, and importing it would fail this one)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ticket_created(
    *,
    id: str,
    at: datetime,
    ticket_id: str,
    channel: str,
    requester_id: str | None,
    team_id: str | None = None,
    assignee_id: str | None = None,
) -> Event:
    return {
        "type": "ticket.created",
        "id": id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "channel": channel,
        "requester_id": requester_id,
        "team_id": team_id,
        "assignee_id": assignee_id,
    }


def ticket_message(
    *,
    id: str,
    at: datetime,
    ticket_id: str,
    message_id: str,
    author_type: str,
    author_id: str | None,
    public: bool,
) -> Event:
    return {
        "type": "ticket.message",
        "id": id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "message_id": message_id,
        "author_type": author_type,
        "author_id": author_id,
        "public": public,
    }


def ticket_assigned(
    *, id: str, at: datetime, ticket_id: str, assignee_id: str | None, team_id: str | None
) -> Event:
    return {
        "type": "ticket.assigned",
        "id": id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "assignee_id": assignee_id,
        "team_id": team_id,
    }


def status_changed(*, id: str, at: datetime, ticket_id: str, status: str) -> Event:
    return {
        "type": "ticket.status_changed",
        "id": id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "status": status,
    }


def csat_rated(*, id: str, at: datetime, ticket_id: str, score: int, comment: str | None) -> Event:
    """Both vendors rate 1–5, so `scale_max` is always 5 here."""
    return {
        "type": "ticket.rated",
        "id": id,
        "occurred_at": format_time(at),
        "ticket_id": ticket_id,
        "kind": "csat",
        "score": score,
        "scale_max": 5,
        "comment": comment,
    }


def agent_upserted(*, id: str, at: datetime, agent_id: str, name: str, email: str) -> Event:
    return {
        "type": "agent.upserted",
        "id": id,
        "occurred_at": format_time(at),
        "agent_id": agent_id,
        "name": name,
        "email": email,
    }
