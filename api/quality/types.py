"""GraphQL types for scorecards, reviews and review assignments."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.context import Info
from api.people.types import Agent, load_agent
from domain.quality.assignments import AssignmentReport, AssignmentStatus, Progress
from domain.quality.ports import RuleSettings, StoredAssignment, StoredReview, TicketRef
from domain.quality.reviews import ReviewKind
from domain.quality.sampling import SamplingStrategy
from domain.quality.scorecards import Category, ScaleKind, Scorecard

ScaleKindEnum = strawberry.enum(ScaleKind, name="ScaleKind")
ReviewKindEnum = strawberry.enum(ReviewKind, name="ReviewKind")
SamplingStrategyEnum = strawberry.enum(SamplingStrategy, name="SamplingStrategy")
AssignmentStatusEnum = strawberry.enum(AssignmentStatus, name="AssignmentStatus")


@strawberry.type(name="TicketRef")
class TicketRefType:
    source: str
    external_id: str

    @classmethod
    def of(cls, ref: TicketRef) -> TicketRefType:
        return cls(source=ref.source, external_id=ref.external_id)


@strawberry.type(name="ScorecardCategory")
class ScorecardCategoryType:
    key: str
    label: str
    weight: float
    scale: ScaleKindEnum  # type: ignore[valid-type]
    points: list[int] = strawberry.field(description="binary: 0 (no), 1 (yes); k-point: 1..k")
    allow_na: bool
    critical: bool = strawberry.field(
        description="Rated at the lowest point of its scale, it makes the review score 0"
    )
    group: str | None

    @classmethod
    def of(cls, c: Category) -> ScorecardCategoryType:
        return cls(
            key=c.key,
            label=c.label,
            weight=c.weight,
            scale=c.scale.kind,
            points=list(c.scale.points),
            allow_na=c.scale.allow_na,
            critical=c.critical,
            group=c.group,
        )


@strawberry.type(name="Scorecard")
class ScorecardType:
    id: strawberry.ID
    version: int
    name: str
    categories: list[ScorecardCategoryType]
    groups: list[str]
    versions: int | None = strawberry.field(
        default=None, description="How many versions exist (in lists of latest versions)"
    )

    @classmethod
    def of(cls, s: Scorecard, *, versions: int | None = None) -> ScorecardType:
        return cls(
            id=strawberry.ID(s.id),
            version=s.version,
            name=s.name,
            categories=[ScorecardCategoryType.of(c) for c in s.categories],
            groups=list(s.groups),
            versions=versions,
        )


@strawberry.type
class CategoryRating:
    key: str
    rating: int | None = strawberry.field(description="null = N/A")
    normalised: float | None = strawberry.field(description="The rating on 0–1")
    weight: float
    group: str | None
    critical_failed: bool
    comment: str | None


@strawberry.type
class GroupScore:
    group: str
    score: float | None = strawberry.field(description="0–100 within the group (no critical rule)")
    rated_weight: float


@strawberry.type
class Review:
    id: strawberry.ID
    ticket: TicketRefType
    scorecard_id: strawberry.ID
    scorecard_version: int
    kind: ReviewKindEnum  # type: ignore[valid-type]
    score: float | None = strawberry.field(
        description="100 × Σ wᵢ·rᵢ / Σ wᵢ over rated categories (SPEC §4); 0 when a "
        "critical category failed; null when every category is N/A"
    )
    weighted_score: float | None = strawberry.field(
        description="The weighted score before the critical rule (explains a 0)"
    )
    failed_critical: list[str]
    categories: list[CategoryRating]
    groups: list[GroupScore]
    reviewed_at: datetime
    calibration_session_id: strawberry.ID | None
    reviewer_id: strawberry.Private[str]
    reviewee_id: strawberry.Private[str]

    @classmethod
    def of(cls, stored: StoredReview) -> Review:
        review, result = stored.review, stored.review.result
        session = stored.calibration_session_id
        return cls(
            id=strawberry.ID(stored.id),
            ticket=TicketRefType.of(stored.ticket),
            scorecard_id=strawberry.ID(result.scorecard_id),
            scorecard_version=result.scorecard_version,
            kind=review.kind,
            score=result.score,
            weighted_score=result.weighted_score,
            failed_critical=list(result.failed_critical),
            categories=[
                CategoryRating(
                    key=c.key,
                    rating=c.rating,
                    normalised=c.normalised,
                    weight=c.weight,
                    group=c.group,
                    critical_failed=c.critical_failed,
                    comment=review.comments.get(c.key),
                )
                for c in result.categories
            ],
            groups=[
                GroupScore(group=g.group, score=g.score, rated_weight=g.rated_weight)
                for g in result.groups
            ],
            reviewed_at=stored.reviewed_at,
            calibration_session_id=strawberry.ID(session) if session else None,
            reviewer_id=review.reviewer_id,
            reviewee_id=review.reviewee_id,
        )

    @strawberry.field
    async def reviewer(self, info: Info) -> Agent | None:
        return await load_agent(info, self.reviewer_id)

    @strawberry.field
    async def reviewee(self, info: Info) -> Agent | None:
        return await load_agent(info, self.reviewee_id)

    @strawberry.field(description="The scorecard version the review used")
    async def scorecard(self, info: Info) -> ScorecardType | None:
        key = (str(self.scorecard_id), self.scorecard_version)
        found = await info.context.loaders.scorecard.load(key)
        return ScorecardType.of(found) if found else None


@strawberry.type
class SamplingRule:
    per_agent_per_week: int
    strategy: SamplingStrategyEnum  # type: ignore[valid-type]
    seed: int = strawberry.field(description="With the week, makes every draw reproducible")
    active: bool
    reviewer_ids: list[strawberry.ID]

    @classmethod
    def of(cls, s: RuleSettings) -> SamplingRule:
        return cls(
            per_agent_per_week=s.rule.per_agent_per_week,
            strategy=s.rule.strategy,
            seed=s.rule.seed,
            active=s.active,
            reviewer_ids=[strawberry.ID(r) for r in s.reviewers],
        )

    @strawberry.field
    async def reviewers(self, info: Info) -> list[Agent]:
        views = await info.context.loaders.agent.load_many([str(r) for r in self.reviewer_ids])
        return [Agent.of(v) for v in views if v is not None]


@strawberry.type
class ReviewAssignment:
    id: strawberry.ID
    week_start: date
    ticket: TicketRefType
    status: AssignmentStatusEnum  # type: ignore[valid-type]
    skip_reason: str | None
    review_id: strawberry.ID | None
    agent_id: strawberry.Private[str]
    reviewer_id: strawberry.Private[str]

    @classmethod
    def of(cls, s: StoredAssignment) -> ReviewAssignment:
        a = s.assignment
        return cls(
            id=strawberry.ID(s.id),
            week_start=a.week_start,
            ticket=TicketRefType.of(s.ticket),
            status=a.status,
            skip_reason=a.skip_reason,
            review_id=strawberry.ID(s.review_id) if s.review_id else None,
            agent_id=a.agent_id,
            reviewer_id=a.reviewer_id,
        )

    @strawberry.field(description="The agent whose work is reviewed")
    async def agent(self, info: Info) -> Agent | None:
        return await load_agent(info, self.agent_id)

    @strawberry.field
    async def reviewer(self, info: Info) -> Agent | None:
        return await load_agent(info, self.reviewer_id)


@strawberry.type
class AssignmentProgress:
    due: int
    done: int
    skipped: int
    open: int
    completion_rate: float | None = strawberry.field(description="done / (due − skipped)")

    @classmethod
    def of(cls, p: Progress) -> AssignmentProgress:
        return cls(
            due=p.due,
            done=p.done,
            skipped=p.skipped,
            open=p.open,
            completion_rate=p.completion_rate,
        )


@strawberry.type
class ReviewerProgress:
    progress: AssignmentProgress
    reviewer_id: strawberry.Private[str]

    @strawberry.field
    async def reviewer(self, info: Info) -> Agent | None:
        return await load_agent(info, self.reviewer_id)


@strawberry.type
class AssignmentReportType:
    week_start: date
    total: AssignmentProgress
    by_reviewer: list[ReviewerProgress]

    @classmethod
    def of(cls, week_start: date, r: AssignmentReport) -> AssignmentReportType:
        return cls(
            week_start=week_start,
            total=AssignmentProgress.of(r.total),
            by_reviewer=[
                ReviewerProgress(
                    progress=AssignmentProgress.of(p.progress), reviewer_id=p.reviewer_id
                )
                for p in r.by_reviewer
            ],
        )


@strawberry.type
class AssignmentsRequested:
    week_start: date
    queued: bool = strawberry.field(
        description="True: the generation job was queued (it runs after this); false: "
        "that week's job already waits or runs, and will do the work"
    )
