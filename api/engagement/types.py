"""GraphQL types for support values, pulse surveys and eNPS results."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from api.context import Info
from api.people.types import Agent, Team, load_agent, load_team
from api.scores.types import PeriodType
from domain.quality.engagement import (
    Enps,
    EnpsReport,
    GroupPulse,
    PulseQuestion,
    PulseReport,
    QuestionResult,
)
from domain.quality.engagement import QuestionWithheld as HiddenQuestion
from domain.quality.ports import StoredValueRating, Survey
from domain.quality.privacy import Withheld
from domain.quality.support_values import SupportValue


@strawberry.type(name="SupportValue")
class SupportValueType:
    key: str
    label: str
    description: str

    @classmethod
    def of(cls, v: SupportValue) -> SupportValueType:
        return cls(key=v.key, label=v.label, description=v.description)


@strawberry.type(name="ValueRating")
class ValueRatingType:
    value_key: str
    period: PeriodType
    rating: int = strawberry.field(description="1–5")
    comment: str | None
    rated_at: datetime
    agent_id: strawberry.Private[str]
    rater_id: strawberry.Private[str]

    @classmethod
    def of(cls, stored: StoredValueRating) -> ValueRatingType:
        r = stored.rating
        return cls(
            value_key=r.value_key,
            period=PeriodType.of(r.period),
            rating=r.rating,
            comment=r.comment,
            rated_at=stored.rated_at,
            agent_id=r.agent_id,
            rater_id=r.rater_id,
        )

    @strawberry.field
    async def agent(self, info: Info) -> Agent | None:
        return await load_agent(info, self.agent_id)

    @strawberry.field
    async def rater(self, info: Info) -> Agent | None:
        return await load_agent(info, self.rater_id)


@strawberry.type(name="PulseQuestion")
class PulseQuestionType:
    key: str
    text: str
    scale_min: int
    scale_max: int

    @classmethod
    def of(cls, q: PulseQuestion) -> PulseQuestionType:
        return cls(key=q.key, text=q.text, scale_min=q.scale_min, scale_max=q.scale_max)


@strawberry.type(name="PulseSurvey")
class PulseSurveyType:
    id: strawberry.ID
    title: str
    questions: list[PulseQuestionType]
    enps: bool = strawberry.field(description="Also asks the eNPS question (0–10)")
    min_group_size: int = strawberry.field(
        description="Groups with fewer respondents are withheld in results"
    )
    created_at: datetime

    @classmethod
    def of(cls, s: Survey) -> PulseSurveyType:
        return cls(
            id=strawberry.ID(s.id),
            title=s.title,
            questions=[PulseQuestionType.of(q) for q in s.questions],
            enps=s.enps,
            min_group_size=s.min_group_size,
            created_at=s.created_at,
        )


@strawberry.type(
    name="Withheld",
    description="A group too small to show without exposing individual answers: no numbers.",
)
class WithheldType:
    reason: str
    team_id: strawberry.ID | None = strawberry.field(description="null = the whole tenant")

    @classmethod
    def of(cls, w: Withheld) -> WithheldType:
        return cls(reason=w.reason, team_id=strawberry.ID(w.group) if w.group else None)

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        return await load_team(info, self.team_id)


@strawberry.type(name="EnpsResult")
class EnpsType:
    team_id: strawberry.ID | None = strawberry.field(description="null = the whole tenant")
    value: float = strawberry.field(description="% promoters (9–10) − % detractors (0–6)")
    respondents: int
    promoters: int
    passives: int
    detractors: int

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        return await load_team(info, self.team_id)


EnpsOutcome = Annotated[EnpsType | WithheldType, strawberry.union("EnpsOutcome")]


def _enps(result: Enps | Withheld) -> EnpsType | WithheldType:
    if isinstance(result, Withheld):
        return WithheldType.of(result)
    return EnpsType(
        team_id=strawberry.ID(result.group) if result.group else None,
        value=result.value,
        respondents=result.respondents,
        promoters=result.promoters,
        passives=result.passives,
        detractors=result.detractors,
    )


@strawberry.type
class EnpsResults:
    tenant: EnpsOutcome
    teams: list[EnpsOutcome]

    @classmethod
    def of(cls, r: EnpsReport) -> EnpsResults:
        return cls(tenant=_enps(r.tenant), teams=[_enps(t) for t in r.teams])


@strawberry.type
class PointCount:
    point: int
    answers: int


@strawberry.type(name="QuestionResult")
class QuestionResultType:
    key: str
    respondents: int
    mean: float
    distribution: list[PointCount]


@strawberry.type
class QuestionWithheld:
    key: str
    reason: str


QuestionOutcome = Annotated[
    QuestionResultType | QuestionWithheld, strawberry.union("QuestionOutcome")
]


@strawberry.type
class PulseGroup:
    team_id: strawberry.ID | None = strawberry.field(description="null = the whole tenant")
    respondents: int
    questions: list[QuestionOutcome]

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        return await load_team(info, self.team_id)


PulseOutcome = Annotated[PulseGroup | WithheldType, strawberry.union("PulseOutcome")]


def _question(q: QuestionResult | HiddenQuestion) -> QuestionResultType | QuestionWithheld:
    if isinstance(q, QuestionResult):
        return QuestionResultType(
            key=q.key,
            respondents=q.respondents,
            mean=q.mean,
            distribution=[PointCount(point=p, answers=n) for p, n in q.distribution],
        )
    return QuestionWithheld(key=q.key, reason=q.withheld.reason)


def _pulse(group: GroupPulse | Withheld) -> PulseGroup | WithheldType:
    if isinstance(group, Withheld):
        return WithheldType.of(group)
    return PulseGroup(
        team_id=strawberry.ID(group.group) if group.group else None,
        respondents=group.respondents,
        questions=[_question(q) for q in group.questions],
    )


@strawberry.type
class PulseResults:
    tenant: PulseOutcome
    teams: list[PulseOutcome]

    @classmethod
    def of(cls, r: PulseReport) -> PulseResults:
        return cls(tenant=_pulse(r.tenant), teams=[_pulse(t) for t in r.teams])


@strawberry.type
class SurveyResults:
    survey: PulseSurveyType
    enps: EnpsResults | None = strawberry.field(description="null when eNPS is not asked")
    pulse: PulseResults | None = strawberry.field(description="null without pulse questions")
