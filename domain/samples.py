"""Metric samples: the per-ticket observations that aggregation sums up.

A sample is one observation of one metric stream, dated by the event that puts it in
a period (SPEC §4 "period by") and attributed to an agent and the ticket's team at that
moment. Aggregating samples over any period and subject gives the metric values, so a
ticket is folded once and every grain and level is a GROUP BY away.

This module holds the vocabulary of samples; each metric's producer sits beside its
definition in `domain.metrics`, and `domain.metrics.ticket_samples` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

BusinessClock = Callable[[datetime, datetime], float]


@dataclass(frozen=True, slots=True)
class SlaTargets:
    """Per-channel targets in seconds, measured in the basis the tenant chose."""

    first_response: Mapping[str, float] = field(default_factory=dict)
    resolution: Mapping[str, float] = field(default_factory=dict)
    business_basis: bool = False

    def target(self, kind: str, channel: str | None) -> float | None:
        table = self.first_response if kind == "first_response" else self.resolution
        if channel is not None and channel in table:
            return table[channel]
        return table.get("*")


@dataclass(frozen=True, slots=True)
class SamplePolicy:
    """Tenant settings that shape samples: business hours and SLA targets."""

    business_clock: BusinessClock | None = None  # the tenant's hours
    team_clocks: Mapping[str, BusinessClock] = field(default_factory=dict)  # by team key
    sla: SlaTargets | None = None

    def clock_for(self, team: str | None) -> BusinessClock | None:
        """A team with its own hours uses them; every other span the tenant's."""
        if team is not None and team in self.team_clocks:
            return self.team_clocks[team]
        return self.business_clock


class Stratum(NamedTuple):
    """A ticket's case-mix stratum (SPEC §8): its channel and priority at some time."""

    channel: str | None
    priority: str | None


NO_STRATUM = Stratum(None, None)  # samples of no ticket: activity, reviews


class Sample(NamedTuple):
    """A tuple like Stratum: a rebuild makes one per observation (a million at 100k
    tickets), and a frozen dataclass's __init__ costs seven times a tuple's."""

    metric: str
    at: datetime
    agent: str | None
    team: str | None
    value: float
    business: float | None = None  # durations only: the same span in business time
    # The ticket's channel and priority at `at` (domain.fold.TicketFacts.stratum_at).
    channel: str | None = None
    priority: str | None = None


def duration_sample(
    metric: str,
    start: datetime,
    end: datetime,
    *,
    agent: str | None,
    team: str | None,
    stratum: Stratum,
    policy: SamplePolicy,
) -> Sample:
    """A span in seconds, dated at its end, with its business-time length when the team
    (else the tenant) has hours; `stratum` is the ticket's at the end."""
    seconds = max((end - start).total_seconds(), 0.0)
    clock = policy.clock_for(team)
    business = None
    if clock is not None:
        business = clock(start, end) if end > start else 0.0
    return Sample(metric, end, agent, team, seconds, business, *stratum)


def sla_sample(metric: str, *, target: str, duration: Sample, policy: SamplePolicy) -> list[Sample]:
    """1 if `duration` met the target ("first_response" or "resolution") of the ticket's
    channel at the time in the tenant's SLA basis, else 0; nothing when the tenant set no
    such target."""
    sla = policy.sla
    limit = sla.target(target, duration.channel) if sla is not None else None
    if sla is None or limit is None:
        return []
    measured = duration.business if sla.business_basis else duration.value
    if measured is None:
        return []
    met = float(measured <= limit)
    d = duration
    return [Sample(metric, d.at, d.agent, d.team, met, None, d.channel, d.priority)]


ONE_DAY = timedelta(days=1)
