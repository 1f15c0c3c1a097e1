"""The PerformanceReview GraphQL type: its life, and its evidence frozen vs current."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.context import Info
from api.goals.types import GoalStatusEnum
from api.people.types import Agent, load_agent
from api.performance_reviews.types import (
    FrozenFigure,
    PeriodEvidenceType,
    ReviewActor,
    ReviewPeriodType,
    ReviewStatusEnum,
    SectionEnum,
)
from api.scores.types import PeriodType
from domain.goals.model import GoalStatus
from domain.performance_reviews.evidence import ReviewEvidence, headline_total
from domain.performance_reviews.gather import current_of
from domain.performance_reviews.reviews import PerformanceReview


@strawberry.type
class ReviewValueRating:
    key: str
    label: str
    mean: float | None = strawberry.field(description="Mean 1–5 rating; null when unrated")
    ratings: int


@strawberry.type
class ReviewTrendPoint:
    period: PeriodType
    total: float | None


@strawberry.type
class ReviewGoal:
    """One of the agent's goals overlapping the period, as the goal engine had it."""

    goal_id: strawberry.ID
    title: str
    progress: float | None = strawberry.field(description="0–1, frozen")
    status: GoalStatusEnum | None  # type: ignore[valid-type]
    completed: bool


@strawberry.type(name="ReviewEvidence")
class ReviewEvidenceType:
    team_id: strawberry.ID | None = strawberry.field(
        description="The agent's team on the period's last day (whose median is beside each metric)"
    )
    total: FrozenFigure = strawberry.field(
        description="The period's total; an annual review's is the mean of its quarters'"
    )
    periods: list[PeriodEvidenceType] = strawberry.field(
        description="The scored periods: one, or an annual review's four quarters"
    )
    values: list[ReviewValueRating] = strawberry.field(description="Support-value ratings")
    trend: list[ReviewTrendPoint] = strawberry.field(
        description="Totals of the scored periods up to the review's last one, oldest first"
    )
    goals: list[ReviewGoal] = strawberry.field(
        description="The agent's goals overlapping the period, progress as frozen"
    )
    changed: bool = strawberry.field(
        description="Whether late events changed any figure since the review was frozen"
    )

    @classmethod
    def of(cls, frozen: ReviewEvidence, now: tuple[PeriodEvidenceType, ...]) -> ReviewEvidenceType:
        current = headline_total([p.now for p in now])
        total = FrozenFigure.of(frozen.total, current)
        return cls(
            team_id=strawberry.ID(frozen.team_id) if frozen.team_id else None,
            total=total,
            periods=list(now),
            values=[
                ReviewValueRating(key=v.key, label=v.label, mean=v.mean, ratings=v.ratings)
                for v in frozen.values
            ],
            trend=[
                ReviewTrendPoint(period=PeriodType.of(t.period), total=t.total)
                for t in frozen.trend
            ],
            goals=[
                ReviewGoal(
                    goal_id=strawberry.ID(g.goal_id),
                    title=g.title,
                    progress=g.progress,
                    status=GoalStatus(g.status) if g.status else None,
                    completed=g.completed,
                )
                for g in frozen.goals
            ],
            changed=total.changed or any(p.changed for p in now),
        )


@strawberry.type
class SectionFeedback:
    section: SectionEnum  # type: ignore[valid-type]
    text: str


@strawberry.type(name="PerformanceReview")
class PerformanceReviewType:
    id: strawberry.ID
    cycle_id: strawberry.ID
    period: ReviewPeriodType
    status: ReviewStatusEnum  # type: ignore[valid-type]
    created_at: datetime = strawberry.field(description="When the evidence was frozen")
    feedback: list[SectionFeedback] = strawberry.field(description="The reviewer's, per section")
    overall_rating: str | None = strawberry.field(description="A label of the cycle's scale")
    self_assessment: str | None = strawberry.field(description="The agent's")
    shared: ReviewActor | None = strawberry.field(description="Who shared it, and when")
    acknowledged: ReviewActor | None = strawberry.field(description="Who acknowledged it, and when")
    review: strawberry.Private[PerformanceReview]

    @strawberry.field
    async def agent(self, info: Info) -> Agent | None:
        return await load_agent(info, self.review.agent_id)

    @strawberry.field
    async def reviewer(self, info: Info) -> Agent | None:
        return await load_agent(info, self.review.reviewer_id)

    @strawberry.field(
        description="The evidence frozen when the review was created, each figure beside "
        "its current value"
    )
    async def evidence(self, info: Info) -> ReviewEvidenceType:
        frozen = self.review.evidence
        periods = tuple(p.period for p in frozen.periods)
        loader = info.context.loaders.agent_snapshot
        found = await loader.load_many([(self.review.agent_id, p) for p in periods])
        now = current_of(dict(zip(periods, found, strict=True)), periods)
        return ReviewEvidenceType.of(
            frozen,
            tuple(PeriodEvidenceType.of(f, n) for f, n in zip(frozen.periods, now, strict=True)),
        )

    @classmethod
    def of(cls, r: PerformanceReview) -> PerformanceReviewType:
        return cls(
            id=strawberry.ID(r.id),
            cycle_id=strawberry.ID(r.cycle_id),
            period=ReviewPeriodType.of(r.period),
            status=r.status,
            created_at=r.created_at,
            feedback=[SectionFeedback(section=s, text=t) for s, t in r.feedback],
            overall_rating=r.overall_rating,
            self_assessment=r.self_assessment,
            shared=ReviewActor.of(r.shared),
            acknowledged=ReviewActor.of(r.acknowledged),
            review=r,
        )
