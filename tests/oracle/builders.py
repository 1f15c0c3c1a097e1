"""Tiny hand-written histories for checking the SPEC §4 oracle, and short ways to read them.

`at` is always UTC 'YYYY-MM-DDTHH:MM'; results are monthly in Berlin unless a test says so.
"""

from __future__ import annotations

from typing import Any

from tests.oracle.spec_oracle import compute

TZ = "Europe/Berlin"
JUNE = "2026-06-01"
JULY = "2026-07-01"

_counter = iter(range(1, 1_000_000))


def ev(event_type: str, at: str, /, **fields: Any) -> dict:
    """One canonical event; `at` is UTC 'YYYY-MM-DDTHH:MM' (seconds appended)."""
    return {"id": f"h{next(_counter)}", "type": event_type, "occurred_at": f"{at}:00Z", **fields}


def created(at: str, ticket: str, assignee: str | None = None, team: str | None = None) -> dict:
    fields: dict[str, Any] = {"channel": "email", "requester_id": "c1", "assignee_id": assignee}
    if team is not None:
        fields["team_id"] = team
    return ev("ticket.created", at, ticket_id=ticket, **fields)


def msg(at: str, ticket: str, author: str, public: bool = True) -> dict:
    author_type = "customer" if author == "cust" else "agent"
    return ev(
        "ticket.message",
        at,
        ticket_id=ticket,
        message_id=f"{ticket}-{at}-{author}",
        author_type=author_type,
        author_id=author,
        public=public,
    )


def assigned(at: str, ticket: str, assignee: str | None, team: str | None = None) -> dict:
    fields: dict[str, Any] = {"assignee_id": assignee}
    if team is not None:
        fields["team_id"] = team
    return ev("ticket.assigned", at, ticket_id=ticket, **fields)


def status(at: str, ticket: str, value: str) -> dict:
    return ev("ticket.status_changed", at, ticket_id=ticket, status=value)


def rated(
    at: str, ticket: str, score: int, *, kind: str = "csat", scale: int = 5, comment: str = ""
) -> dict:
    return ev(
        "ticket.rated",
        at,
        ticket_id=ticket,
        kind=kind,
        score=score,
        scale_max=scale,
        comment=comment,
    )


def upsert(at: str, agent: str, team: str | None) -> dict:
    return ev("agent.upserted", at, agent_id=agent, name=agent, team_id=team)


def run(events: list[dict], grain: str = "MONTH") -> dict:
    result = compute(events, timezone=TZ, grain=grain)
    # delivery order and duplicates never matter
    assert compute(list(reversed(events)) + events[:2], timezone=TZ, grain=grain) == result
    return result


def metric(result: dict, level: str, subject: str, period: str, key: str) -> dict | None:
    return result[level].get(subject, {}).get(period, {}).get(key)


def value(result: dict, level: str, subject: str, period: str, key: str) -> Any:
    found = metric(result, level, subject, period, key)
    return None if found is None else found["value"]
