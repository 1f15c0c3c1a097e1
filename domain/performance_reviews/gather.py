"""Reading a review's evidence out of the current snapshots, to be frozen (or compared)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from domain.goals.model import Owner, OwnerKind
from domain.goals.ports import Goals
from domain.metrics import Level
from domain.performance_reviews.cycles import Cadence, ReviewPeriod
from domain.performance_reviews.evidence import (
    GoalEvidence,
    PeriodEvidence,
    ReviewEvidence,
    TrendPoint,
    ValueEvidence,
    headline_total,
    period_evidence,
)
from domain.periods import Period
from domain.quality.ports import QualityReads
from domain.quality.profile import trend_periods, value_means
from domain.snapshots import Snapshot
from domain.views import TenantReads

TREND_PERIODS = 6  # scored periods in a review's trend, its own last one included
ANNUAL_TREND_PERIODS = 8  # quarters: the reviewed year and the one before


@dataclass(frozen=True, slots=True)
class Reviewed:
    """The agents a run reviews (agent → team on the period's last day), and every active
    agent's team that day, whose snapshots give the team medians."""

    agents: Mapping[str, str | None]
    everyone: Mapping[str, str | None]

    def teammates(self, agent_id: str) -> list[str]:
        team = self.agents[agent_id]
        return [a for a, t in self.everyone.items() if team is not None and t == team]


def gather_evidence(
    reads: TenantReads, period: ReviewPeriod, reviewed: Reviewed, goals: Goals | None = None
) -> dict[str, ReviewEvidence]:
    """Each reviewed agent's evidence of `period`, as the snapshots (and the goal engine's
    stored progress) say now. Every read covers all the agents at once: the statements
    do not grow with them."""
    scored = period.grain_periods()
    agents = sorted(reviewed.agents)
    snapshots = {p: reads.snapshots(Level.AGENT, p) for p in scored}
    values = _values(reads.quality, agents, scored)
    trends = _trends(reads, agents, period, snapshots)
    goal_evidence = _goals(goals, agents, period) if goals is not None else {}
    out = {}
    for agent_id, team_id in reviewed.agents.items():
        mates = reviewed.teammates(agent_id)
        periods = tuple(
            period_evidence(p, snapshots[p].get(agent_id), [snapshots[p].get(m) for m in mates])
            for p in scored
        )
        out[agent_id] = ReviewEvidence(
            team_id=team_id,
            total=headline_total(periods),
            periods=periods,
            values=values[agent_id],
            trend=trends[agent_id],
            goals=goal_evidence.get(agent_id, ()),
        )
    return out


def current_periods(
    reads: TenantReads, agent_id: str, periods: tuple[Period, ...]
) -> tuple[PeriodEvidence, ...]:
    """The periods' figures as they are now (no team medians: those stay frozen)."""
    return current_of(reads.subject_snapshots(Level.AGENT, agent_id, periods), periods)


def current_of(
    snapshots: Mapping[Period, Snapshot | None], periods: tuple[Period, ...]
) -> tuple[PeriodEvidence, ...]:
    return tuple(period_evidence(p, snapshots.get(p)) for p in periods)


def _values(
    quality: QualityReads, agents: list[str], scored: tuple[Period, ...]
) -> dict[str, tuple[ValueEvidence, ...]]:
    """Per agent, the mean of each value rated in the periods (a value no longer active
    still shows where it was rated), then the active values nobody rated."""
    per_period = [quality.value_ratings_of(agents, p) for p in scored]
    every, active = quality.support_values(active_only=False), quality.support_values()
    out = {}
    for agent_id in agents:
        ratings = list(dict.fromkeys(r for found in per_period for r in found.get(agent_id, [])))
        rated = {r.rating.value_key for r in ratings}
        shown = [v for v in every if v.key in rated] + [v for v in active if v.key not in rated]
        out[agent_id] = tuple(
            ValueEvidence(value.key, value.label, mean, len(own))
            for value, mean, own in value_means(shown, ratings)
        )
    return out


def _trends(
    reads: TenantReads,
    agents: list[str],
    period: ReviewPeriod,
    known: Mapping[Period, Mapping[str, Snapshot]],
) -> dict[str, tuple[TrendPoint, ...]]:
    """Per agent, the totals of the trend's periods (one read a period not read yet)."""
    count = ANNUAL_TREND_PERIODS if period.cadence is Cadence.ANNUAL else TREND_PERIODS
    periods = trend_periods(period.grain_periods()[-1], count)
    found = dict(known)
    for p in periods:
        if p not in found:
            found[p] = reads.snapshots(Level.AGENT, p, agents)
    return {
        agent_id: tuple(TrendPoint(p, _total(found[p].get(agent_id))) for p in periods)
        for agent_id in agents
    }


def _total(snapshot: Snapshot | None) -> float | None:
    return snapshot.breakdown.total if snapshot and snapshot.breakdown else None


def _goals(
    goals: Goals, agents: list[str], period: ReviewPeriod
) -> dict[str, tuple[GoalEvidence, ...]]:
    """Per agent, their goals that overlap the period, with the progress, status and
    completion the goal engine stored (agents without any are absent)."""
    owners = [Owner(OwnerKind.AGENT, a) for a in agents]
    found = goals.overlapping(owners, first=period.start, last=period.end - timedelta(days=1))
    out: dict[str, list[GoalEvidence]] = {}
    for g in found:
        out.setdefault(g.goal.owner.id, []).append(
            GoalEvidence(
                goal_id=g.id,
                title=g.goal.title,
                progress=g.progress,
                status=g.status.value if g.status else None,
                completed=g.state.completed,
            )
        )
    return {agent_id: tuple(evidence) for agent_id, evidence in out.items()}
