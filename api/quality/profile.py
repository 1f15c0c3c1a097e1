"""`agentProfile`: one agent's performance profile for one period (scope `read`)."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.engagement.types import SupportValueType, ValueRatingType
from api.people.types import Agent
from api.permissions import requires
from api.quality.types import Review
from api.scores.types import (
    AgentScore,
    PeriodInput,
    PeriodType,
    empty_values,
    read_period,
    scored_fields,
)
from domain.auth import Scope
from domain.metrics import Level
from domain.quality.profile import AgentProfileData, agent_profile, value_means
from domain.snapshots import Snapshot


def _metric(snapshot: Snapshot | None, key: str) -> tuple[float | None, int]:
    if snapshot is None:
        return None, 0
    for (metric, _), value in snapshot.metrics.items():
        if metric == key:
            return value.value, value.sample_size
    return None, 0


@strawberry.type
class TrendPoint:
    period: PeriodType
    total: float | None
    qa_score: float | None


@strawberry.type
class ValueSummary:
    value: SupportValueType
    mean: float | None = strawberry.field(description="Mean 1–5 rating; null when unrated")
    ratings: list[ValueRatingType]


@strawberry.type
class AgentProfile:
    agent: Agent
    period: PeriodType
    score: AgentScore = strawberry.field(
        description="KPI total with its explanation (components) and guardrail signals"
    )
    qa_score: float | None = strawberry.field(
        description="Mean review score (0–100) of the agent's reviewed tickets in the period"
    )
    qa_reviews: int = strawberry.field(description="Scored reviews behind qa_score")
    reviews_given: int
    recent_reviews: list[Review] = strawberry.field(
        description="Regular reviews of the agent in the period, newest first"
    )
    values: list[ValueSummary] = strawberry.field(
        description="Support-value ratings of periods overlapping this one (not in the score)"
    )
    trend: list[TrendPoint] = strawberry.field(
        description="Total and qa_score for the periods of this grain up to this one, oldest first"
    )

    @classmethod
    def of(cls, data: AgentProfileData) -> AgentProfile:
        empty = empty_values(Level.AGENT)
        qa, qa_n = _metric(data.snapshot, "qa_score")
        given, _ = _metric(data.snapshot, "reviews_given")
        scored = scored_fields(data.period, data.snapshot, empty)
        return cls(
            agent=Agent.of(data.agent),
            period=PeriodType.of(data.period),
            score=AgentScore(agent=Agent.of(data.agent), **scored),  # type: ignore[arg-type]
            qa_score=qa,
            qa_reviews=qa_n,
            reviews_given=int(given or 0),
            recent_reviews=[Review.of(r) for r in data.reviews],
            values=[
                ValueSummary(
                    value=SupportValueType.of(value),
                    mean=mean,
                    ratings=[ValueRatingType.of(r) for r in ratings],
                )
                for value, mean, ratings in value_means(data.values, data.ratings)
            ],
            trend=[
                TrendPoint(
                    period=PeriodType.of(p),
                    total=s.breakdown.total if s and s.breakdown else None,
                    qa_score=_metric(s, "qa_score")[0],
                )
                for p, s in data.trend
            ],
        )


@strawberry.type
class ProfileQuery:
    @strawberry.field(
        extensions=requires(Scope.READ),
        description="An agent's performance profile: KPI score and explanation, QA score "
        "and recent reviews, support-value ratings, guardrail signals (score.guardrails) "
        "and a trend over the last `trendPeriods` periods of the same grain.",
    )
    async def agent_profile(
        self,
        info: Info,
        agent_id: strawberry.ID,
        period: PeriodInput,
        trend_periods: int = 6,
        recent_reviews: int = 10,
    ) -> AgentProfile | None:
        p = read_period(period)
        data = await info.context.read(
            lambda r: agent_profile(
                r, agent_id=str(agent_id), period=p, trend=trend_periods, recent=recent_reviews
            )
        )
        return AgentProfile.of(data) if data else None
