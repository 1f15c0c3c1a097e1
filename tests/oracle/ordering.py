"""The oracle's view of events: parsed times, de-duplication, the same-instant order of one
ticket's events, and the events grouped per ticket (SPEC §3, §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

# Order of events of one ticket that happen at the same instant.
# SPEC: "a message or assignment at the same occurred_at as a status change or rating counts as
# before it; ticket.created first".
# CHOICE: among the remaining same-instant pairs that the spec does not order:
#   * assignment before message (this changes nothing: assignee and team look-ups take every
#     assignment at or before the instant asked about, see assignee_at);
#   * a customer message before an agent/bot/system message, so an agent reply at the very same
#     instant answers that customer message (reply_time sample of 0 s);
#   * ticket.handled after messages (it carries no ticket state);
#   * a status change before a rating (the customer rates the solved ticket);
#   * anything still tied (e.g. two status changes at one instant) is ordered by event id
#     (plain string order). Delivery order is never used (except that of two
#     deliveries with the same id, the first one is kept: a repeated delivery changes nothing).
_RANK_CREATED = 0
_RANK_ASSIGNED = 1
_RANK_CUSTOMER_MESSAGE = 2
_RANK_OTHER_MESSAGE = 3
_RANK_HANDLED = 4
_RANK_STATUS = 5
_RANK_RATED = 6


def parse_time(value: str) -> dt.datetime:
    """RFC 3339 → aware UTC datetime. CHOICE: a timestamp without offset is taken as UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


_RANK_BY_TYPE = {
    "ticket.created": _RANK_CREATED,
    "ticket.assigned": _RANK_ASSIGNED,
    "ticket.message": _RANK_OTHER_MESSAGE,
    "ticket.handled": _RANK_HANDLED,
    "ticket.status_changed": _RANK_STATUS,
    "ticket.rated": _RANK_RATED,
}


def event_rank(event: dict) -> int:
    if event["type"] == "ticket.message" and event.get("author_type") == "customer":
        return _RANK_CUSTOMER_MESSAGE
    return _RANK_BY_TYPE.get(event["type"], _RANK_HANDLED)


def sort_key(event: dict) -> tuple[Any, ...]:
    # CHOICE (agreed with the production code): remaining ties go by plain string order of ids.
    return (event["_at"], event_rank(event), str(event["id"]))


def is_public_agent_reply(event: dict) -> bool:
    return (
        event["type"] == "ticket.message"
        and event.get("author_type") == "agent"
        and event.get("public") is True
    )


def is_customer_message(event: dict) -> bool:
    # CHOICE: a customer message counts whatever its `public` flag (customers do not write
    # internal notes; the flag is not meaningful for them).
    return event["type"] == "ticket.message" and event.get("author_type") == "customer"


@dataclass
class Ticket:
    ticket_id: str
    events: list[dict] = field(default_factory=list)  # sorted with sort_key


def dedupe(events: list[dict]) -> list[dict]:
    """Same `id` = same event; the first delivery wins (a repeated delivery changes nothing)."""
    seen: set[str] = set()
    unique: list[dict] = []
    for event in events:
        key = str(event["id"])
        if key in seen:
            continue
        seen.add(key)
        copy = dict(event)
        copy["_at"] = parse_time(event["occurred_at"])
        unique.append(copy)
    return unique


class AgentTeams:
    """Each agent's team over time (SPEC §4: "the team the attributed agent belonged to *at
    that time* ... when an agent moves, past periods of the old team keep their numbers").

    CHOICE (agreed with the production code): an upsert is the agent's whole profile, so an
    upsert without a team (missing or null) says the agent has none from then on.
    CHOICE (agreed with the production code): membership is by tenant-local day: an upsert
    puts the agent in its team from the local day of its occurred_at on (a whole day in one
    team, like an admin's "team from a date"). On a day, the team is that of the latest
    upsert (by occurred_at, then id) whose local day is that day or earlier; before the day
    of the first upsert, the team that day has (an agent that never moves has one team for
    all its history). No upsert at all: no team.
    """

    def __init__(self, events: list[dict], tz: ZoneInfo) -> None:
        self.tz = tz
        self.upserts: dict[str, list[dict]] = {}
        for event in events:
            if event["type"] == "agent.upserted":
                self.upserts.setdefault(event["agent_id"], []).append(event)

    def day_of(self, event: dict) -> dt.date:
        return event["_at"].astimezone(self.tz).date()

    def on_day(self, agent: str | None, day: dt.date) -> str | None:
        upserts = self.upserts.get(agent or "", [])
        if not upserts:
            return None
        first_day = min(self.day_of(e) for e in upserts)
        day = max(day, first_day)
        candidates = [e for e in upserts if self.day_of(e) <= day]
        latest = max(candidates, key=lambda e: (e["_at"], str(e["id"])))
        return latest.get("team_id")

    def at(self, agent: str | None, moment: dt.datetime) -> str | None:
        return self.on_day(agent, moment.astimezone(self.tz).date())


def group_tickets(events: list[dict]) -> list[Ticket]:
    """Ticket events per ticket, each ticket's list sorted (same-instant rule in sort_key)."""
    tickets: dict[str, Ticket] = {}
    for event in events:
        if event["type"].startswith("ticket.") and event.get("ticket_id") is not None:
            ticket = tickets.setdefault(event["ticket_id"], Ticket(event["ticket_id"]))
            ticket.events.append(event)
    for ticket in tickets.values():
        ticket.events.sort(key=sort_key)
    return list(tickets.values())
