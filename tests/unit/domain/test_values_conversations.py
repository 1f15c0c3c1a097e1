"""Conversations per hour (SPEC §4): distinct tickets assigned over merged activity hours,
inside each local day, pooled per team; hand-computed from hand-made histories."""

from __future__ import annotations

from domain.metrics import Basis, Level
from domain.metrics.workload import ASSIGNMENT
from domain.values import Aggregate, metric_values
from tests.factories import Ticket, activity, agent_profile
from tests.unit.domain.histories import MON, TUE, table, utc, value


def test_conversations_per_hour_is_distinct_tickets_assigned_over_merged_activity_hours() -> None:
    online = [activity("a1", 0, 120), activity("a1", 60, 180)]  # 09:00–12:00: 3 hours
    c1 = Ticket("C1").created(0, assignee="a1")
    c2 = Ticket("C2").created(0).assign(30, "a1")
    c3 = Ticket("C3").created(0).assign(40, "a1").assign(50, "a2").assign(60, "a1")
    result = table(c1, c2, c3, extra=online)
    assert value(result, "conversations_per_hour", level="agent", subject="a1") == (1.0, 3)


def test_conversations_per_hour_is_null_without_activity() -> None:
    aggregates = {(ASSIGNMENT.key, Basis.CALENDAR): Aggregate.of([1.0], ["T1"])}
    values = metric_values(aggregates, level=Level.AGENT)
    assert ("conversations_per_hour", Basis.CALENDAR) not in values  # null: not stored


def test_conversations_per_hour_counts_activity_inside_each_local_day() -> None:
    # Online Monday 22:00 to Tuesday 02:00 in Berlin; one ticket each side of midnight.
    online = {
        "id": "act-1",
        "type": "agent.activity",
        "occurred_at": "2026-03-03T01:00:00Z",
        "agent_id": "a1",
        "started_at": "2026-03-02T21:00:00Z",
        "ended_at": "2026-03-03T01:00:00Z",
    }
    monday = Ticket("C1").created(12 * 60, assignee="a1")  # 21:00 UTC = 22:00 Berlin
    tuesday = Ticket("C2").created(15 * 60 + 30, assignee="a1")  # 00:30 UTC = 01:30 Berlin
    result = table(monday, tuesday, extra=[online], timezone="Europe/Berlin")
    agent = {"level": "agent", "subject": "a1"}
    assert value(result, "conversations_per_hour", **agent, period=MON) == (0.5, 1)
    assert value(result, "conversations_per_hour", **agent, period=TUE) == (0.5, 1)


def test_conversations_per_hour_on_the_spring_forward_day_divides_by_23_hours() -> None:
    online = {
        "id": "act-dst",
        "type": "agent.activity",
        "occurred_at": "2026-03-30T00:00:00Z",
        "agent_id": "a1",
        "started_at": "2026-03-28T21:00:00Z",  # Saturday 22:00 in Berlin
        "ended_at": "2026-03-30T00:00:00Z",  # Monday 02:00 in Berlin
    }
    sunday = utc(2026, 3, 29, 10)
    tickets = [Ticket(f"C{n}", base=sunday).created(n, assignee="a1") for n in range(23)]
    result = table(*tickets, extra=[online], timezone="Europe/Berlin")
    agent = {"level": "agent", "subject": "a1"}
    assert value(result, "conversations_per_hour", **agent, period="2026-03-29") == (1.0, 23)


def test_the_team_s_conversations_per_hour_pools_its_agents() -> None:
    profiles = [agent_profile("a1", team="t1"), agent_profile("a2", team="t1")]
    online = [activity("a1", 0, 60), activity("a2", 0, 180)]
    tickets = [Ticket(f"C{n}").created(n, assignee="a1" if n < 2 else "a2") for n in range(6)]
    result = table(*tickets, extra=[*profiles, *online])
    # 6 distinct tickets over 1 + 3 hours online.
    assert value(result, "conversations_per_hour", level="team", subject="t1") == (1.5, 6)
