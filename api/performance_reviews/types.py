"""GraphQL types of review cycles and performance reviews (SPEC §7).

A review's evidence is what was frozen when it was created. Each frozen figure comes with
its `current` value (read from the period's snapshots now) and whether it `changed`, so a
review never changes silently when late events move its period's numbers.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.context import Info
from api.people.types import Agent, Team, load_agent, load_team
from api.scores.types import BasisEnum, DirectionEnum, PeriodType, StatisticEnum, StatusEnum
from domain import metrics as m
from domain.guardrails import GUARDRAILS
from domain.metrics import Basis
from domain.performance_reviews.cycles import Cadence, ReviewCycle, ReviewPeriod
from domain.performance_reviews.evidence import (
    FrozenComponent,
    PeriodEvidence,
    figure_changed,
    metric_changed,
    period_changed,
)
from domain.performance_reviews.reviews import Actor, ReviewStatus, Section

CadenceEnum = strawberry.enum(Cadence, name="ReviewCadence")
ReviewStatusEnum = strawberry.enum(ReviewStatus, name="PerformanceReviewStatus")
SectionEnum = strawberry.enum(Section, name="ReviewSection")


@strawberry.type
class TeamReviewer:
    team_id: strawberry.ID
    reviewer_id: strawberry.ID

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        return await load_team(info, str(self.team_id))

    @strawberry.field
    async def reviewer(self, info: Info) -> Agent | None:
        return await load_agent(info, str(self.reviewer_id))


@strawberry.type(name="ReviewCycle")
class ReviewCycleType:
    id: strawberry.ID
    name: str
    cadence: CadenceEnum  # type: ignore[valid-type]
    reviewer_id: strawberry.ID = strawberry.field(
        description="Reviews the cycle's agents, except those of a team in teamReviewers"
    )
    team_ids: list[strawberry.ID] = strawberry.field(
        description="Agents of these teams (on a period's last day) are reviewed"
    )
    agent_ids: list[strawberry.ID] = strawberry.field(description="And these agents")
    team_reviewers: list[TeamReviewer]
    rating_scale: list[str] = strawberry.field(description="The overall rating's labels")
    active: bool
    created_at: datetime | None

    @strawberry.field
    async def reviewer(self, info: Info) -> Agent | None:
        return await load_agent(info, str(self.reviewer_id))

    @classmethod
    def of(cls, c: ReviewCycle) -> ReviewCycleType:
        return cls(
            id=strawberry.ID(c.id),
            name=c.name,
            cadence=c.cadence,
            reviewer_id=strawberry.ID(c.reviewer_id),
            team_ids=[strawberry.ID(t) for t in c.team_ids],
            agent_ids=[strawberry.ID(a) for a in c.agent_ids],
            team_reviewers=[
                TeamReviewer(team_id=strawberry.ID(t), reviewer_id=strawberry.ID(r))
                for t, r in c.team_reviewers
            ],
            rating_scale=list(c.rating_scale),
            active=c.active,
            created_at=c.created_at,
        )


@strawberry.type(name="ReviewPeriod")
class ReviewPeriodType:
    cadence: CadenceEnum  # type: ignore[valid-type]
    start: date
    end: date = strawberry.field(description="The first day after the period")

    @classmethod
    def of(cls, p: ReviewPeriod) -> ReviewPeriodType:
        return cls(cadence=p.cadence, start=p.start, end=p.end)


@strawberry.type
class ReviewActor:
    client_id: str = strawberry.field(description="The API client that took the step")
    name: str | None = strawberry.field(description="The person acting through it, if named")
    at: datetime

    @classmethod
    def of(cls, a: Actor | None) -> ReviewActor | None:
        return cls(client_id=a.client_id, name=a.name, at=a.at) if a else None


@strawberry.type
class FrozenFigure:
    frozen: float | None = strawberry.field(description="As frozen when the review was created")
    current: float | None = strawberry.field(description="As the period's numbers say now")
    changed: bool

    @classmethod
    def of(cls, frozen: float | None, current: float | None) -> FrozenFigure:
        return cls(frozen=frozen, current=current, changed=figure_changed(frozen, current))


@strawberry.type
class FrozenMetric:
    key: str
    label: str
    unit: str
    basis: BasisEnum  # type: ignore[valid-type]
    value: float | None = strawberry.field(description="Frozen: the default statistic")
    sample_size: int = strawberry.field(description="Frozen")
    team_median: float | None = strawberry.field(
        description="Frozen: the median of the values of the agents of the agent's team"
    )
    current: float | None
    current_sample_size: int
    changed: bool


@strawberry.type(name="FrozenComponent")
class FrozenComponentType:
    metric: str
    statistic: StatisticEnum  # type: ignore[valid-type]
    basis: BasisEnum  # type: ignore[valid-type]
    direction: DirectionEnum  # type: ignore[valid-type]
    weight: float
    target: float
    value: float | None
    raw_value: float | None
    sample_size: int
    attainment: float | None
    points: float | None
    contribution: float | None
    status: StatusEnum  # type: ignore[valid-type]

    @classmethod
    def of(cls, c: FrozenComponent) -> FrozenComponentType:
        return cls(**{f: getattr(c, f) for f in FrozenComponent.__dataclass_fields__})


@strawberry.type
class FrozenGuardrail:
    key: str
    label: str
    count: int = strawberry.field(description="Frozen")
    current: int
    changed: bool


@strawberry.type(name="PeriodEvidence")
class PeriodEvidenceType:
    period: PeriodType
    total: FrozenFigure
    model_id: strawberry.ID | None
    model_name: str | None
    model_version: int | None
    failed_gates: list[str]
    components: list[FrozenComponentType] = strawberry.field(
        description="The score's explanation as frozen (the model version's components)"
    )
    qa_score: FrozenFigure
    qa_reviews: FrozenFigure = strawberry.field(description="Scored reviews behind qa_score")
    reviews_given: FrozenFigure
    guardrails: list[FrozenGuardrail]
    changed: bool = strawberry.field(description="Whether any figure here changed since frozen")
    frozen: strawberry.Private[PeriodEvidence]
    now: strawberry.Private[PeriodEvidence]

    @strawberry.field
    def metrics(self, basis: BasisEnum = Basis.CALENDAR) -> list[FrozenMetric]:  # type: ignore[valid-type]
        out = []
        for f in self.frozen.metrics:
            if f.basis != basis:
                continue
            now = self.now.metric(f.key, f.basis)
            current, n = (now.value, now.sample_size) if now else (None, 0)
            d = m.get(f.key)
            out.append(
                FrozenMetric(
                    key=f.key,
                    label=d.label,
                    unit=d.unit,
                    basis=f.basis,
                    value=f.value,
                    sample_size=f.sample_size,
                    team_median=f.team_median,
                    current=current,
                    current_sample_size=n,
                    changed=metric_changed(f, now),
                )
            )
        return out

    @classmethod
    def of(cls, frozen: PeriodEvidence, now: PeriodEvidence) -> PeriodEvidenceType:
        s = frozen.score
        was, current = dict(frozen.guardrails), dict(now.guardrails)
        guardrails = [
            FrozenGuardrail(
                key=g.key,
                label=g.label,
                count=was.get(g.key, 0),
                current=current.get(g.key, 0),
                changed=was.get(g.key, 0) != current.get(g.key, 0),
            )
            for g in GUARDRAILS
        ]
        figures = {
            "total": FrozenFigure.of(frozen.total, now.total),
            "qa_score": FrozenFigure.of(frozen.qa_score, now.qa_score),
            "qa_reviews": FrozenFigure.of(frozen.qa_reviews, now.qa_reviews),
            "reviews_given": FrozenFigure.of(frozen.reviews_given, now.reviews_given),
        }
        return cls(
            period=PeriodType.of(frozen.period),
            model_id=strawberry.ID(s.model_id) if s and s.model_id else None,
            model_name=s.model_name if s else None,
            model_version=s.model_version if s else None,
            failed_gates=list(s.failed_gates) if s else [],
            components=[FrozenComponentType.of(c) for c in s.components] if s else [],
            guardrails=guardrails,
            changed=period_changed(frozen, now),
            frozen=frozen,
            now=now,
            **figures,
        )
