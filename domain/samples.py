"""Metric samples: the per-ticket observations that aggregation sums up.

A sample is one observation of one metric stream, dated by the event that puts it in
a period (SPEC §4 "period by") and attributed to an agent and the ticket's team at that
moment. Aggregating samples over any period and subject gives the metric values, so a
ticket is folded once and every grain and level is a GROUP BY away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.events import RatingKind
from domain.fold import RatingFact, TicketFacts

# Sample streams that are not metrics themselves but feed a derived metric.
ASSIGNMENT = "assignment"  # conversations_per_hour numerator (distinct tickets)
ACTIVITY = "activity_seconds"  # conversations_per_hour denominator

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


@dataclass(frozen=True, slots=True)
class Sample:
    metric: str
    at: datetime
    agent: str | None
    team: str | None
    value: float
    business: float | None = None  # durations only: the same span in business time


def ticket_samples(facts: TicketFacts, policy: SamplePolicy | None = None) -> list[Sample]:
    policy = policy or SamplePolicy()
    out: list[Sample] = []
    if facts.created_at is not None:
        out.append(
            Sample(
                "tickets_created", facts.created_at, facts.created_assignee, facts.created_team, 1.0
            )
        )
    out += _response_samples(facts, policy)
    out += _solve_samples(facts, policy)
    out += _rating_samples(facts)
    out += [Sample(ASSIGNMENT, a.at, a.agent, a.team, 1.0) for a in facts.assignments]
    out += [Sample("handle_time", h.at, h.agent, h.team, h.seconds) for h in facts.handling]
    return out


def _duration(
    metric: str,
    start: datetime,
    end: datetime,
    *,
    agent: str | None,
    team: str | None,
    policy: SamplePolicy,
) -> Sample:
    seconds = max((end - start).total_seconds(), 0.0)
    clock = policy.clock_for(team)
    business = None
    if clock is not None:
        business = clock(start, end) if end > start else 0.0
    return Sample(metric, end, agent, team, seconds, business)


def _response_samples(facts: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    out: list[Sample] = []
    first = facts.first_reply
    if first is not None and facts.created_at is not None:
        frt = _duration(
            "first_response_time",
            facts.created_at,
            first.at,
            agent=first.agent,
            team=first.team,
            policy=policy,
        )
        out.append(frt)
        out += _sla("first_response", frt, facts.channel, policy)
    for reply in facts.replies:
        if reply.waited_since is not None:
            out.append(
                _duration(
                    "reply_time",
                    reply.waited_since,
                    reply.at,
                    agent=reply.agent,
                    team=reply.team,
                    policy=policy,
                )
            )
    return out


def _solve_samples(facts: TicketFacts, policy: SamplePolicy) -> list[Sample]:
    solve = facts.first_solve
    if solve is None:
        return []
    at, agent, team = solve.at, solve.assignee, solve.team
    replies = facts.replies_before_first_solve
    out = [
        Sample("tickets_solved", at, agent, team, 1.0),
        Sample("one_touch_rate", at, agent, team, float(replies == 1)),
        Sample("reopen_rate", at, agent, team, float(bool(facts.reopens))),
        Sample("replies_per_ticket", at, agent, team, float(replies)),
        Sample("abandoned_rate", at, agent, team, float(not facts.replies)),
    ]
    if facts.created_at is not None:
        resolution = _duration(
            "resolution_time", facts.created_at, at, agent=agent, team=team, policy=policy
        )
        out.append(resolution)
        out += _sla("resolution", resolution, facts.channel, policy)
    return out


def _sla(kind: str, duration: Sample, channel: str | None, policy: SamplePolicy) -> list[Sample]:
    sla = policy.sla
    target = sla.target(kind, channel) if sla is not None else None
    if sla is None or target is None:
        return []
    measured = duration.business if sla.business_basis else duration.value
    if measured is None:
        return []
    metric = "sla_first_response" if kind == "first_response" else "sla_resolution"
    met = float(measured <= target)
    return [Sample(metric, duration.at, duration.agent, duration.team, met)]


def _rating_samples(facts: TicketFacts) -> list[Sample]:
    out: list[Sample] = []
    for rating in facts.ratings:
        out += _rating_sample(rating)
    return out


def is_positive_csat(score: float, scale_max: float) -> bool:
    """SPEC §4: score / scale_max ≥ 0.8, compared without a division (exact)."""
    return 5 * score >= 4 * scale_max


def _rating_sample(r: RatingFact) -> list[Sample]:
    if r.kind is RatingKind.CSAT:
        positive = float(is_positive_csat(r.score, r.scale_max))
        commented = float(bool(r.comment and r.comment.strip()))
        return [
            Sample("csat", r.at, r.owner, r.team, positive),
            Sample("csat_comment_rate", r.at, r.owner, r.team, commented),
        ]
    if r.kind is RatingKind.CES:
        return [Sample("ces", r.at, r.owner, r.team, r.score)]
    return [Sample("nps", r.at, r.owner, r.team, _nps_points(r.score * 10 / r.scale_max))]


def _nps_points(score: float) -> float:
    """+100 for a promoter, −100 for a detractor: their mean is the NPS."""
    if score >= 9:
        return 100.0
    if score <= 6:
        return -100.0
    return 0.0


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
            out.append(Sample(ACTIVITY, cursor, agent, None, (boundary - cursor).total_seconds()))
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


ONE_DAY = timedelta(days=1)
