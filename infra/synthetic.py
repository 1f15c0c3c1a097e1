"""Realistic synthetic helpdesk histories (canonical events) for the demo, tests and bench.

Deterministic for a seed. Tickets arrive mostly in working hours; agents reply with
realistic delays; some tickets are outbound, reassigned, reopened, re-rated or never
solved; chat and phone tickets report handle time; agents log daily shifts. With
`priorities`, tickets are created with a priority (most of them) and some are escalated or
move channel later (`ticket.updated`), drawn from a generator of their own so that every
other event is the same with or without them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.events import format_time

CHANNELS = ("email", "chat", "phone", "web")
PRIORITIES = (None, "low", "normal", "high", "urgent")
_PRIORITY_WEIGHTS = (10, 20, 45, 18, 7)


@dataclass(frozen=True, slots=True)
class Shape:
    agents: int = 12
    teams: int = 3
    tickets: int = 2000
    days: int = 120
    start: datetime = datetime(2026, 6, 1, tzinfo=UTC)
    seed: int = 7
    activity: bool = True
    prefix: str = "T"
    priorities: bool = False


def agent_key(i: int) -> str:
    return f"ag{i + 1}"


def team_key(i: int) -> str:
    return f"team{i + 1}"


class _Ticket:
    """Builds one ticket's events; `at` advances as the conversation goes on."""

    def __init__(self, rng: random.Random, key: str, created: datetime, shape: Shape) -> None:
        self.rng, self.key, self.at, self.shape = rng, key, created, shape
        self.events: list[dict[str, Any]] = []
        self.counter = 0

    def emit(self, event_type: str, **fields: Any) -> None:
        self.counter += 1
        self.events.append(
            {
                "id": f"{self.key}-e{self.counter}",
                "type": event_type,
                "occurred_at": format_time(self.at),
                "ticket_id": self.key,
                **fields,
            }
        )

    def wait(self, low_minutes: float, high_minutes: float) -> None:
        minutes = self.rng.lognormvariate(0, 1) * (high_minutes - low_minutes) / 3 + low_minutes
        self.at += timedelta(minutes=max(0.0, minutes), seconds=self.rng.randint(0, 59))

    def message(self, author_type: str, author: str, public: bool = True) -> None:
        self.emit(
            "ticket.message",
            message_id=f"{self.key}-m{self.counter + 1}",
            author_type=author_type,
            author_id=author,
            public=public,
        )


def generate(shape: Shape) -> Iterator[dict[str, Any]]:
    """Canonical events, ticket by ticket (deliver them in any order you like)."""
    rng = random.Random(shape.seed)
    teams_of = {agent_key(a): team_key(a % shape.teams) for a in range(shape.agents)}
    for a, team in teams_of.items():
        yield {
            "id": f"profile-{a}",
            "type": "agent.upserted",
            "occurred_at": format_time(shape.start - timedelta(days=1)),
            "agent_id": a,
            "name": f"Agent {a[2:]}",
            "email": f"{a}@example.com",
            "team_id": team,
        }
    if shape.activity:
        yield from _shifts(rng, shape, list(teams_of))
    for n in range(shape.tickets):
        yield from _ticket(rng, shape, n, teams_of)


def _created_at(rng: random.Random, shape: Shape) -> datetime:
    day = shape.start + timedelta(days=rng.randrange(shape.days))
    hour = rng.choice((7, 8, 9, 9, 10, 10, 11, 12, 13, 14, 14, 15, 16, 17, 19, 22))
    return day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))


def _ticket(
    rng: random.Random, shape: Shape, n: int, teams_of: dict[str, str]
) -> Iterator[dict[str, Any]]:
    agents = list(teams_of)
    t = _Ticket(rng, f"{shape.prefix}{n}", _created_at(rng, shape), shape)
    agent = rng.choice(agents)
    channel = rng.choice(CHANNELS)
    outbound = rng.random() < 0.05
    t.emit(
        "ticket.created",
        channel=channel,
        requester_id=f"c{rng.randrange(5000)}",
        team_id=teams_of[agent],
        assignee_id=agent if rng.random() < 0.7 else None,
    )
    if rng.random() < 0.3:  # triage assigns a few minutes later
        t.wait(1, 30)
        t.emit("ticket.assigned", assignee_id=agent, team_id=teams_of[agent])
    if outbound:
        t.message("agent", agent)
    else:
        t.message("customer", "cust")
    if rng.random() < 0.08:
        t.emit(
            "ticket.message",
            message_id=f"{t.key}-note",
            author_type="agent",
            author_id=agent,
            public=False,
        )
    agent = _conversation(t, rng, agent, agents=agents, teams_of=teams_of, outbound=outbound)
    if rng.random() > 0.1:
        _resolve(t, rng, agent, agents)
    if channel in ("chat", "phone"):
        t.wait(0, 5)
        t.emit("ticket.handled", agent_id=agent, seconds=rng.randint(120, 2400))
    if shape.priorities:
        _prioritise(t, random.Random(f"{shape.seed}:{t.key}"))
    yield from t.events


def _prioritise(t: _Ticket, rng: random.Random) -> None:
    """A priority at creation, and for some tickets an escalation or a channel move at
    some point of their life."""
    created, last = t.events[0], t.events[-1]["occurred_at"]
    created["priority"] = rng.choices(PRIORITIES, weights=_PRIORITY_WEIGHTS)[0]
    start = datetime.fromisoformat(created["occurred_at"])
    span = datetime.fromisoformat(last) - start
    for n, (share, change) in enumerate(
        (
            (0.12, {"priority": rng.choice(("high", "urgent"))}),
            (0.04, {"channel": rng.choice(CHANNELS)}),
        )
    ):
        if rng.random() < share:
            t.events.append(
                {
                    "id": f"{t.key}-u{n}",
                    "type": "ticket.updated",
                    "occurred_at": format_time(start + span * rng.random()),
                    "ticket_id": t.key,
                    **change,
                }
            )


def _conversation(
    t: _Ticket,
    rng: random.Random,
    agent: str,
    *,
    agents: list[str],
    teams_of: dict[str, str],
    outbound: bool,
) -> str:
    rounds = 0 if outbound and rng.random() < 0.5 else rng.choice((1, 1, 1, 2, 2, 3, 4))
    for r in range(rounds):
        if r == 1 and rng.random() < 0.15:  # escalation to a colleague
            agent = rng.choice(agents)
            t.wait(5, 120)
            t.emit("ticket.assigned", assignee_id=agent, team_id=teams_of[agent])
        t.wait(10, 600)
        if rng.random() < 0.03:
            t.message("bot", "bot")
        t.message("agent", agent)
        if r < rounds - 1 or rng.random() < 0.2:
            t.wait(20, 900)
            t.message("customer", "cust")
            if rng.random() < 0.2:
                t.wait(1, 60)
                t.message("customer", "cust")
    return agent


def _resolve(t: _Ticket, rng: random.Random, agent: str, agents: list[str]) -> None:
    t.wait(5, 240)
    if rng.random() < 0.2:
        t.emit("ticket.status_changed", status="pending")
        t.wait(30, 600)
    t.emit("ticket.status_changed", status="solved")
    if rng.random() < 0.45:
        _rate(t, rng)
    if rng.random() < 0.08:  # reopened, answered, solved again, maybe re-rated
        t.wait(60, 3000)
        t.message("customer", "cust")
        t.emit("ticket.status_changed", status="open")
        t.wait(10, 300)
        t.message("agent", agent)
        t.wait(5, 120)
        t.emit("ticket.status_changed", status="solved")
        if rng.random() < 0.5:
            _rate(t, rng)
    if rng.random() < 0.5:
        t.wait(1440, 5000)
        t.emit("ticket.status_changed", status="closed")


def _rate(t: _Ticket, rng: random.Random) -> None:
    t.wait(10, 1440)
    score = rng.choices((1, 2, 3, 4, 5), weights=(8, 5, 10, 30, 47))[0]
    comment = rng.choice((None, None, "Thanks!", "Slow answer", "Great help", " "))
    t.emit("ticket.rated", kind="csat", score=score, scale_max=5, comment=comment)
    if rng.random() < 0.3:
        t.emit("ticket.rated", kind="nps", score=rng.randint(0, 10), scale_max=10)


def _shifts(rng: random.Random, shape: Shape, agents: list[str]) -> Iterator[dict[str, Any]]:
    for day in range(shape.days):
        date = shape.start + timedelta(days=day)
        if date.weekday() >= 5:
            continue
        for a in agents:
            if rng.random() < 0.1:
                continue  # a day off
            start = date.replace(hour=rng.choice((6, 7, 8)), minute=rng.randrange(60))
            end = start + timedelta(hours=rng.uniform(6, 9))
            yield {
                "id": f"shift-{a}-{day}",
                "type": "agent.activity",
                "occurred_at": format_time(end),
                "agent_id": a,
                "started_at": format_time(start),
                "ended_at": format_time(end),
            }
