"""An agent's performance profile for one period: what the API's `agentProfile` reads.

The KPI score (with its explanation and guardrail signals), the QA picture (qa_score,
reviews given, the latest reviews of the agent's tickets), the support-value ratings
beside — never inside — the score, and a trend of total and qa_score over the
periods of the same grain that lead up to this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from domain.metrics import Level
from domain.periods import Period, local_midnight, normalise
from domain.quality.ports import ReviewQuery, StoredReview, StoredValueRating
from domain.quality.support_values import SupportValue
from domain.snapshots import Snapshot
from domain.views import AgentView, TenantReads

MAX_TREND = 24
MAX_RECENT = 50


@dataclass(frozen=True, slots=True)
class AgentProfileData:
    agent: AgentView
    period: Period
    snapshot: Snapshot | None
    trend: tuple[tuple[Period, Snapshot | None], ...]  # oldest first, ends with `period`
    reviews: tuple[StoredReview, ...]  # regular reviews of the agent in the period, newest first
    values: tuple[SupportValue, ...]  # the tenant's values, inactive ones last
    ratings: tuple[StoredValueRating, ...]  # of periods overlapping `period`


def trend_periods(period: Period, count: int) -> list[Period]:
    """`count` periods of the same grain ending with `period`, oldest first."""
    out = [period]
    while len(out) < max(1, min(count, MAX_TREND)):
        out.append(normalise(period.grain, out[-1].start - timedelta(days=1)))
    return out[::-1]


def agent_profile(
    reads: TenantReads, *, agent_id: str, period: Period, trend: int, recent: int
) -> AgentProfileData | None:
    agent = reads.agents_by_id([agent_id]).get(agent_id)
    if agent is None:
        return None
    periods = trend_periods(period, trend)
    snapshots = reads.subject_snapshots(Level.AGENT, agent_id, periods)
    quality = reads.quality
    tz = quality.timezone()
    reviews = quality.reviews(
        ReviewQuery(
            reviewee_id=agent_id,
            since=local_midnight(period.start, tz),
            until=local_midnight(period.end, tz),
            limit=max(0, min(recent, MAX_RECENT)),
        )
    )
    ratings = quality.value_ratings(agent_id, period)
    # A value dropped from the tenant's set still shows where it was rated.
    shown = {v.key for v in quality.support_values()} | {r.rating.value_key for r in ratings}
    return AgentProfileData(
        agent=agent,
        period=period,
        snapshot=snapshots.get(period),
        trend=tuple((p, snapshots.get(p)) for p in periods),
        reviews=tuple(reviews),
        values=tuple(v for v in quality.support_values(active_only=False) if v.key in shown),
        ratings=tuple(ratings),
    )


def value_means(
    values: Sequence[SupportValue], ratings: Sequence[StoredValueRating]
) -> list[tuple[SupportValue, float | None, list[StoredValueRating]]]:
    """Per value: the mean rating (None when nobody rated it) and the ratings."""
    out = []
    for value in values:
        own = [r for r in ratings if r.rating.value_key == value.key]
        mean = sum(r.rating.rating for r in own) / len(own) if own else None
        out.append((value, mean, own))
    return out
