"""Workload: conversations per hour (assigned tickets over active hours) and handle time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from domain.fold import TicketFacts
from domain.metrics.definition import AGENT_TEAM, ALL, H, Kind, L, MetricDef, Producer, Stream
from domain.samples import Sample, SamplePolicy

CONVERSATIONS_PER_HOUR = MetricDef(
    "conversations_per_hour",
    "Conversations per hour",
    "per_hour",
    Kind.DERIVED,
    H,
    AGENT_TEAM,
    "assignment time",
    "assignee",
    "Distinct tickets assigned in the period / hours of agent activity inside the period.",
)
# Its two streams, read by domain.values: the numerator counts distinct tickets.
ASSIGNMENT = Stream("assignment", feeds="conversations_per_hour", distinct_tickets=True)
ACTIVITY = Stream("activity_seconds", feeds="conversations_per_hour")

HANDLE_TIME = MetricDef(
    "handle_time",
    "Handle time",
    "seconds",
    Kind.MEAN,
    L,
    ALL,
    "time of each handle-time report",
    "handling agent",
    "Mean over tickets of the agent's summed handle time (ticket.handled seconds) on "
    "the ticket; above agent level one observation per ticket: the summed seconds of the "
    "level's agents on it.",
    distinct_tickets=True,
)


def assignments(facts: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    return [
        Sample(ASSIGNMENT.key, a.at, a.agent, a.team, 1.0, None, *facts.stratum_at(a.at))
        for a in facts.assignments
    ]


def handling(facts: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    return [
        Sample("handle_time", h.at, h.agent, h.team, h.seconds, None, *facts.stratum_at(h.at))
        for h in facts.handling
    ]


def activity_samples(
    agent: str,
    intervals: list[tuple[datetime, datetime]],
    *,
    day_starts: Callable[[datetime], datetime],
) -> list[Sample]:
    """Merge overlapping activity spans, then split them at local midnights so that
    every period sums whole days. `day_starts(t)` is the start of the day after t's."""
    out: list[Sample] = []
    for start, end in merge_intervals(intervals):
        cursor = start
        while cursor < end:
            boundary = min(day_starts(cursor), end)
            out.append(
                Sample(ACTIVITY.key, cursor, agent, None, (boundary - cursor).total_seconds())
            )
            cursor = boundary
    return out


def merge_intervals(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


ASSIGNMENTS = Producer((ASSIGNMENT.key,), assignments)
HANDLING = Producer(("handle_time",), handling)
ACTIVITY_SPANS = Producer((ACTIVITY.key,), activity_samples)
