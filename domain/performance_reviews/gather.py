"""Reading a review's evidence out of the current snapshots, to be frozen (or compared)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from domain.goals.model import OwnerKind
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
from domain.ports import Snapshot
from domain.quality.profile import trend_periods, value_means
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
    stored progress) say now."""
    scored = period.grain_periods()
    snapshots = {p: reads.snapshots(Level.AGENT, p) for p in scored}
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
            values=_values(reads, agent_id, scored),
            trend=_trend(reads, agent_id, period),
            goals=_goals(goals, agent_id, period) if goals is not None else (),
        )
    return out


def current_periods(
    reads: TenantReads, agent_id: str, periods: tuple[Period, ...]
) -> tuple[PeriodEvidence, ...]:
    """The periods' figures as they are now (no team medians: those stay frozen)."""
    found = reads.subject_snapshots(Level.AGENT, agent_id, periods)
    return tuple(period_evidence(p, found.get(p)) for p in periods)


def current_of(
    snapshots: Mapping[Period, Snapshot | None], periods: tuple[Period, ...]
) -> tuple[PeriodEvidence, ...]:
    return tuple(period_evidence(p, snapshots.get(p)) for p in periods)


def _values(
    reads: TenantReads, agent_id: str, scored: tuple[Period, ...]
) -> tuple[ValueEvidence, ...]:
    quality = reads.quality
    ratings = list(dict.fromkeys(r for p in scored for r in quality.value_ratings(agent_id, p)))
    rated = {r.rating.value_key for r in ratings}
    shown = [v for v in quality.support_values(active_only=False) if v.key in rated] + [
        v for v in quality.support_values() if v.key not in rated
    ]
    return tuple(
        ValueEvidence(value.key, value.label, mean, len(own))
        for value, mean, own in value_means(shown, ratings)
    )


def _trend(reads: TenantReads, agent_id: str, period: ReviewPeriod) -> tuple[TrendPoint, ...]:
    count = ANNUAL_TREND_PERIODS if period.cadence is Cadence.ANNUAL else TREND_PERIODS
    periods = trend_periods(period.grain_periods()[-1], count)
    found = reads.subject_snapshots(Level.AGENT, agent_id, periods)
    return tuple(
        TrendPoint(p, s.breakdown.total if (s := found.get(p)) and s.breakdown else None)
        for p in periods
    )


def _goals(goals: Goals, agent_id: str, period: ReviewPeriod) -> tuple[GoalEvidence, ...]:
    """The agent's goals that overlap the period, with the progress, status and completion
    the goal engine stored."""
    last = period.end - timedelta(days=1)
    return tuple(
        GoalEvidence(
            goal_id=g.id,
            title=g.goal.title,
            progress=g.progress,
            status=g.status.value if g.status else None,
            completed=g.state.completed,
        )
        for g in goals.goals_of(OwnerKind.AGENT, agent_id)
        if g.goal.start <= last and g.goal.end >= period.start
    )
