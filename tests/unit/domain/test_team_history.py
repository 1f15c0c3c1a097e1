"""An agent's team is a history (SPEC §4): statements from a local day on, whatever order
they arrive in; past days keep their team when an agent moves."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.events import format_time
from domain.memberships import Span, Statement, TeamHistory, moves, per_day, spans, team_on
from tests.oracle.spec_oracle import compute
from tests.support.compare import in_memory, mismatches
from tests.unit.domain.test_order_independence import (
    AGENTS,
    BASE,
    TEAMS,
    delivered_messily,
    minutes,
    ticket_events,
)

DAY0 = date(2026, 6, 1)
T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)


def stated(day: int, team: str | None, hour: int, ref: str = "e") -> Statement:
    return Statement(DAY0 + timedelta(days=day), team, T0 + timedelta(hours=hour), ref)


def test_a_move_keeps_the_days_before_it() -> None:
    timeline = spans([stated(0, "a", 0), stated(10, "b", 240)])
    assert team_on(timeline, DAY0 - timedelta(days=400)) == "a"  # first team reaches back
    assert team_on(timeline, DAY0 + timedelta(days=9)) == "a"
    assert team_on(timeline, DAY0 + timedelta(days=10)) == "b"
    assert team_on(timeline, date(2099, 1, 1)) == "b"


def test_of_one_day_only_the_statement_made_last_counts() -> None:
    day = per_day([stated(3, "a", 5, "x"), stated(3, "b", 7, "y"), stated(3, "c", 7, "w")])
    assert day[DAY0 + timedelta(days=3)].team_id == "b"  # same time: the greater ref


def test_a_later_made_statement_from_an_earlier_day_overrides_what_follows() -> None:
    # an admin's change made at hour 500 from day 2 covers the helpdesk's day-5 upsert
    timeline = spans([stated(0, "a", 0), stated(5, "b", 120), stated(2, "c", 500)])
    assert [(s.start, s.team_id) for s in timeline] == [(None, "a"), (DAY0 + timedelta(2), "c")]


def test_no_statement_no_team() -> None:
    assert TeamHistory({}).team_on("nobody", DAY0) is None
    assert team_on([], DAY0) is None


statements = st.lists(
    st.builds(
        stated,
        st.integers(0, 30),
        st.sampled_from((None, "a", "b", "c")),
        st.integers(0, 24 * 40),
        st.sampled_from(("e1", "e2", "e3")),
    ),
    max_size=8,
)


@given(statements, st.randoms(use_true_random=False))
def test_the_history_is_a_function_of_the_set_of_statements(
    found: list[Statement], rng: random.Random
) -> None:
    messy = found + [s for s in found if rng.random() < 0.3]
    rng.shuffle(messy)
    assert spans(messy) == spans(found)


@given(statements, statements)
def test_moves_are_exactly_the_days_whose_team_changed(
    old: list[Statement], new: list[Statement]
) -> None:
    before, after = spans(old), spans(old + new)
    found = moves("ag", before, after)
    for offset in range(-3, 40):
        day = DAY0 + timedelta(days=offset)
        covering = [m for m in found if Span(m.start, m.end, None).covers(day)]
        if team_on(before, day) == team_on(after, day):
            assert covering == []
        else:
            assert len(covering) == 1
            assert (covering[0].old_team, covering[0].new_team) == (
                team_on(before, day),
                team_on(after, day),
            )


@st.composite
def histories_with_moves(draw: st.DrawFn) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 4))):
        events += draw(ticket_events(f"T{n}"))
    for agent in AGENTS:
        for k in range(draw(st.integers(0, 3))):  # several profiles: moves over time
            events.append(
                {
                    "id": f"p-{agent}-{k}",
                    "type": "agent.upserted",
                    "occurred_at": format_time(BASE + timedelta(minutes=draw(minutes))),
                    "agent_id": agent,
                    "name": agent,
                    "team_id": draw(st.sampled_from((None, *TEAMS))),
                }
            )
        if draw(st.booleans()):
            start = BASE + timedelta(minutes=draw(minutes))
            end = start + timedelta(minutes=draw(st.integers(0, 60 * 50)))
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


GRAINS = st.sampled_from(("DAY", "WEEK", "MONTH", "QUARTER"))
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RUNS
@given(histories_with_moves(), st.integers(0, 2**32), GRAINS)
def test_moves_in_any_order_and_duplicated_give_the_same_metrics(
    events: list[dict[str, Any]], seed: int, grain: str
) -> None:
    clean = sorted(events, key=lambda e: (e["occurred_at"], e["id"]))
    messy = delivered_messily(events, seed)
    tz = "Europe/Berlin"
    assert (
        mismatches(
            in_memory(messy, timezone=tz, grain=grain), in_memory(clean, timezone=tz, grain=grain)
        )
        == []
    )


@RUNS
@given(histories_with_moves(), GRAINS)
def test_with_moves_the_pipeline_agrees_with_the_independent_oracle(
    events: list[dict[str, Any]], grain: str
) -> None:
    ours = in_memory(events, timezone="Europe/Berlin", grain=grain)
    assert mismatches(ours, compute(events, timezone="Europe/Berlin", grain=grain)) == []
