"""Events arrive late, twice and out of order: results must not depend on it (SPEC §3).
(tests/unit/domain/test_strata.py checks the same of each sample's channel and priority.)

Random histories (with deliberate same-instant ties) are checked two ways: any
permutation and duplication gives the same metrics as the sorted, de-duplicated
stream; and the production pipeline agrees with the independent oracle.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.events import format_time
from tests.oracle.spec_oracle import compute
from tests.support.compare import in_memory, mismatches

AGENTS = ("a1", "a2", "a3")
TEAMS = ("t1", "t2")
BASE = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night Berlin springs forward

# Minutes on a coarse grid so that several events share an instant.
minutes = st.integers(min_value=0, max_value=60 * 24 * 40).map(lambda m: m - m % 30)


@st.composite
def ticket_events(draw: st.DrawFn, ticket: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []

    def add(event_type: str, **fields: Any) -> None:
        at = BASE + timedelta(minutes=draw(minutes))
        events.append(
            {
                "id": f"{ticket}-{len(events)}",
                "type": event_type,
                "occurred_at": format_time(at),
                "ticket_id": ticket,
                **fields,
            }
        )

    if draw(st.booleans()) or draw(st.booleans()):
        add(
            "ticket.created",
            channel="email",
            requester_id="c",
            assignee_id=draw(st.sampled_from((None, *AGENTS))),
            team_id=draw(st.sampled_from((None, *TEAMS))),
            priority=draw(st.sampled_from((None, "low", "urgent"))),
        )
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(
            st.sampled_from(
                (
                    "customer",
                    "agent",
                    "agent",
                    "bot",
                    "note",
                    "assign",
                    "solve",
                    "reopen",
                    "close",
                    "pending",
                    "rate",
                    "nps",
                    "handled",
                    "update",
                )
            )
        )
        agent = draw(st.sampled_from(AGENTS))
        if kind in ("customer", "agent", "bot", "note"):
            author = {"customer": "customer", "bot": "bot"}.get(kind, "agent")
            add(
                "ticket.message",
                message_id=f"m{len(events)}",
                author_type=author,
                author_id=agent,
                public=kind != "note",
            )
        elif kind == "assign":
            add(
                "ticket.assigned",
                assignee_id=draw(st.sampled_from((None, *AGENTS))),
                team_id=draw(st.sampled_from((None, *TEAMS))),
            )
        elif kind in ("solve", "reopen", "close", "pending"):
            status = {"solve": "solved", "reopen": "open", "close": "closed"}.get(kind, kind)
            add("ticket.status_changed", status=status)
        elif kind == "rate":
            add(
                "ticket.rated",
                kind="csat",
                score=draw(st.integers(1, 5)),
                scale_max=5,
                comment=draw(st.sampled_from((None, "", "ok"))),
            )
        elif kind == "update":  # channel and/or priority (SPEC §8)
            channel = draw(st.sampled_from((None, "chat")))
            add("ticket.updated", channel=channel, priority="high" if channel is None else None)
        elif kind == "nps":
            add("ticket.rated", kind="nps", score=draw(st.integers(0, 10)), scale_max=10)
        else:
            add("ticket.handled", agent_id=agent, seconds=draw(st.integers(1, 900)))
    return events


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 4))):
        events += draw(ticket_events(f"T{n}"))
    for agent in AGENTS:
        if draw(st.booleans()):
            events.append(
                {
                    "id": f"p-{agent}",
                    "type": "agent.upserted",
                    "occurred_at": format_time(BASE),
                    "agent_id": agent,
                    "name": agent,
                    "team_id": draw(st.sampled_from((None, *TEAMS))),
                }
            )
        if draw(st.booleans()):
            start = BASE + timedelta(minutes=draw(minutes))
            end = start + timedelta(minutes=draw(st.integers(0, 60 * 30)))
            events.append(
                {
                    "id": f"act-{agent}",
                    "type": "agent.activity",
                    "occurred_at": format_time(end),
                    "agent_id": agent,
                    "started_at": format_time(start),
                    "ended_at": format_time(end),
                }
            )
    return events


def delivered_messily(events: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    stream = events + [dict(e) for e in events if rng.random() < 0.3]
    rng.shuffle(stream)
    return stream


GRAINS = st.sampled_from(("DAY", "WEEK", "MONTH", "QUARTER"))
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RUNS
@given(histories(), st.integers(0, 2**32), GRAINS)
def test_any_permutation_and_duplication_gives_the_same_metrics(
    events: list[dict[str, Any]], seed: int, grain: str
) -> None:
    clean = sorted(events, key=lambda e: (e["occurred_at"], e["id"]))
    messy = delivered_messily(events, seed)
    assert (
        mismatches(
            in_memory(messy, timezone="Europe/Berlin", grain=grain),
            in_memory(clean, timezone="Europe/Berlin", grain=grain),
        )
        == []
    )


@RUNS
@given(histories(), GRAINS)
def test_the_pipeline_agrees_with_the_independent_oracle(
    events: list[dict[str, Any]], grain: str
) -> None:
    ours = in_memory(events, timezone="Europe/Berlin", grain=grain)
    assert mismatches(ours, compute(events, timezone="Europe/Berlin", grain=grain)) == []
