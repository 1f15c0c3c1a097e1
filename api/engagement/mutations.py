"""Values and engagement mutations. Managing values and surveys needs `admin`; rating
values and recording survey responses need `reviews:write` (a frontend records them on
behalf of the manager or employee, whose agent id it passes)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.context import Info
from api.engagement.types import PulseSurveyType, SupportValueType, ValueRatingType
from api.errors import NotFoundError, ValidationError
from api.permissions import requires
from api.quality.inputs import quality, user_error
from api.scores.types import PeriodInput, read_period
from domain.auth import Scope
from domain.quality.engagement import DEFAULT_MIN_GROUP_SIZE, PulseQuestion
from domain.quality.people_service import (
    create_survey,
    rate_value,
    set_support_values,
    submit_response,
)
from domain.quality.ports import QualityError
from domain.quality.support_values import SupportValue
from infra.bootstrap import utcnow

ADMIN, REVIEWS_WRITE = requires(Scope.ADMIN), requires(Scope.REVIEWS_WRITE)


@strawberry.input
class SupportValueInput:
    key: str
    label: str
    description: str = ""


@strawberry.input
class ValueRatingInput:
    agent_id: strawberry.ID
    rater_id: strawberry.ID = strawberry.field(description="The manager rating")
    value_key: str
    period: PeriodInput
    rating: int = strawberry.field(description="1–5")
    comment: str | None = None


@strawberry.input
class PulseQuestionInput:
    key: str
    text: str
    scale_min: int = 1
    scale_max: int = 5


@strawberry.input
class PulseSurveyInput:
    title: str
    questions: list[PulseQuestionInput] = strawberry.field(description="At most 10")
    enps: bool = strawberry.field(default=False, description="Also ask the eNPS (0–10)")
    min_group_size: int = strawberry.field(
        default=DEFAULT_MIN_GROUP_SIZE, description="At least 3; smaller groups are withheld"
    )


@strawberry.input
class PulseAnswerInput:
    question_key: str
    value: int


@strawberry.input
class SurveyResponseInput:
    survey_id: strawberry.ID
    respondent_id: strawberry.ID = strawberry.field(
        description="The answering agent; never shown in results"
    )
    answers: list[PulseAnswerInput] = strawberry.field(default_factory=list)
    enps: int | None = strawberry.field(default=None, description="0–10")


@strawberry.type
class SupportValues:
    values: list[SupportValueType]


@strawberry.type
class SurveyResponseRecorded:
    survey_id: strawberry.ID


SupportValuesResult = Annotated[
    SupportValues | ValidationError, strawberry.union("SupportValuesResult")
]
ValueRatingResult = Annotated[
    ValueRatingType | ValidationError | NotFoundError, strawberry.union("ValueRatingResult")
]
PulseSurveyResult = Annotated[
    PulseSurveyType | ValidationError, strawberry.union("PulseSurveyResult")
]
SurveyResponseResult = Annotated[
    SurveyResponseRecorded | ValidationError | NotFoundError,
    strawberry.union("SurveyResponseResult"),
]


@strawberry.type
class EngagementMutation:
    @strawberry.mutation(
        extensions=ADMIN,
        description="Replace the tenant's support values (ratings of dropped ones are kept).",
    )
    async def set_support_values(
        self, info: Info, values: list[SupportValueInput]
    ) -> SupportValuesResult:
        try:
            given = [SupportValue(v.key.strip(), v.label.strip(), v.description) for v in values]
            saved = await info.context.write(lambda uow: set_support_values(quality(uow), given))
        except QualityError as exc:
            return ValidationError(message=str(exc), field=exc.field or "values")
        except ValueError as exc:
            return ValidationError(message=str(exc), field="values")
        return SupportValues(values=[SupportValueType.of(v) for v in saved])

    @strawberry.mutation(
        extensions=REVIEWS_WRITE,
        description="A manager's 1–5 rating of an agent on a support value for a period "
        "(rating again replaces it). Shown in the profile; never part of the KPI score.",
    )
    async def rate_value(self, info: Info, input: ValueRatingInput) -> ValueRatingResult:
        period = read_period(input.period)
        try:
            stored = await info.context.write(
                lambda uow: rate_value(
                    quality(uow),
                    agent_id=str(input.agent_id),
                    rater_id=str(input.rater_id),
                    value_key=input.value_key,
                    period=period,
                    rating=input.rating,
                    comment=input.comment,
                    now=utcnow(),
                )
            )
        except QualityError as exc:
            return user_error(exc)
        return ValueRatingType.of(stored)

    @strawberry.mutation(extensions=ADMIN, description="A pulse survey (≤ 10 questions), or eNPS.")
    async def create_pulse_survey(self, info: Info, input: PulseSurveyInput) -> PulseSurveyResult:
        try:
            questions = [
                PulseQuestion(q.key.strip(), q.text.strip(), q.scale_min, q.scale_max)
                for q in input.questions
            ]
            survey = await info.context.write(
                lambda uow: create_survey(
                    quality(uow),
                    title=input.title,
                    questions=questions,
                    enps=input.enps,
                    min_group_size=input.min_group_size,
                    now=utcnow(),
                )
            )
        except ValueError as exc:
            return ValidationError(message=str(exc), field=getattr(exc, "field", "questions"))
        return PulseSurveyType.of(survey)

    @strawberry.mutation(
        extensions=REVIEWS_WRITE,
        description="Record one respondent's answers (once per survey; questions optional).",
    )
    async def submit_survey_response(
        self, info: Info, input: SurveyResponseInput
    ) -> SurveyResponseResult:
        answers = {a.question_key: a.value for a in input.answers}
        if len(answers) < len(input.answers):
            return ValidationError(message="a question is answered twice", field="answers")
        try:
            await info.context.write(
                lambda uow: submit_response(
                    quality(uow),
                    survey_id=str(input.survey_id),
                    respondent_id=str(input.respondent_id),
                    answers=answers,
                    enps=input.enps,
                )
            )
        except QualityError as exc:
            return user_error(exc)
        return SurveyResponseRecorded(survey_id=input.survey_id)
