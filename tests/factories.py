"""Builders for canonical events and small histories, so tests read like stories."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.events import CanonicalEvent, format_time, parse_event

_ids = itertools.count(1)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def at(minutes: float = 0, *, base: datetime = T0) -> datetime:
    return base + timedelta(minutes=minutes)


class Ticket:
    """Events of one ticket: `t.created(0); t.customer(1); t.agent(30, "a1"); t.solve(40)`."""

    def __init__(self, ticket_id: str = "T1", *, base: datetime = T0) -> None:
        self.ticket_id = ticket_id
        self.base = base
        self.events: list[dict[str, Any]] = []

    def _add(self, event_type: str, minutes: float, **fields: Any) -> Ticket:
        self.events.append(
            {
                "id": f"{self.ticket_id}-{next(_ids)}",
                "type": event_type,
                "occurred_at": format_time(at(minutes, base=self.base)),
                "ticket_id": self.ticket_id,
                **fields,
            }
        )
        return self

    def created(
        self,
        minutes: float = 0,
        *,
        assignee: str | None = None,
        team: str | None = None,
        channel: str = "email",
        priority: str | None = None,
    ) -> Ticket:
        return self._add(
            "ticket.created",
            minutes,
            channel=channel,
            requester_id="c1",
            assignee_id=assignee,
            team_id=team,
            priority=priority,
        )

    def updated(
        self, minutes: float, *, channel: str | None = None, priority: str | None = None
    ) -> Ticket:
        return self._add("ticket.updated", minutes, channel=channel, priority=priority)

    def customer(self, minutes: float) -> Ticket:
        return self._add(
            "ticket.message",
            minutes,
            message_id=f"m{next(_ids)}",
            author_type="customer",
            author_id="c1",
            public=True,
        )

    def agent(self, minutes: float, agent: str, *, public: bool = True) -> Ticket:
        return self._add(
            "ticket.message",
            minutes,
            message_id=f"m{next(_ids)}",
            author_type="agent",
            author_id=agent,
            public=public,
        )

    def bot(self, minutes: float) -> Ticket:
        return self._add(
            "ticket.message",
            minutes,
            message_id=f"m{next(_ids)}",
            author_type="bot",
            author_id="bot",
            public=True,
        )

    def assign(self, minutes: float, agent: str | None, *, team: str | None = None) -> Ticket:
        return self._add("ticket.assigned", minutes, assignee_id=agent, team_id=team)

    def status(self, minutes: float, status: str) -> Ticket:
        return self._add("ticket.status_changed", minutes, status=status)

    def solve(self, minutes: float) -> Ticket:
        return self.status(minutes, "solved")

    def reopen(self, minutes: float) -> Ticket:
        return self.status(minutes, "open")

    def rate(
        self,
        minutes: float,
        score: float,
        *,
        kind: str = "csat",
        scale_max: float = 5,
        comment: str | None = None,
    ) -> Ticket:
        return self._add(
            "ticket.rated", minutes, kind=kind, score=score, scale_max=scale_max, comment=comment
        )

    def handled(self, minutes: float, agent: str, seconds: float) -> Ticket:
        return self._add("ticket.handled", minutes, agent_id=agent, seconds=seconds)

    def parsed(self) -> list[CanonicalEvent]:
        return [parse_event(e) for e in self.events]


def solved_twice(ticket_id: str = "T-100") -> list[dict[str, Any]]:
    """Created, answered after 30 min, solved, reopened, answered again, solved again."""
    t = Ticket(ticket_id).created(0, assignee="a1").customer(1).agent(30, "a1").solve(40)
    return t.reopen(50).customer(55).agent(62, "a1").solve(70).events


def agent_profile(
    agent: str,
    *,
    team: str | None,
    minutes: float = -60,
    email: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    return {
        "id": f"profile-{agent}-{next(_ids)}",
        "type": "agent.upserted",
        "occurred_at": format_time(at(minutes)),
        "agent_id": agent,
        "name": name or f"Agent {agent}",
        "email": email,
        "team_id": team,
    }


def activity(agent: str, start: float, end: float) -> dict[str, Any]:
    return {
        "id": f"act-{agent}-{next(_ids)}",
        "type": "agent.activity",
        "occurred_at": format_time(at(end)),
        "agent_id": agent,
        "started_at": format_time(at(start)),
        "ended_at": format_time(at(end)),
    }
