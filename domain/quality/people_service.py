"""Support values and their ratings; pulse surveys, eNPS and their privacy-safe results.

Value ratings sit beside the KPI score in the performance profile; they never feed it.
Survey results go through the minimum-group-size rule of `privacy`: a team or tenant
with fewer respondents than the survey's minimum is withheld, never shown with numbers.
A respondent's team is fixed when they answer, so a later move cannot single them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain import limits
from domain.limits import check_length
from domain.periods import Period
from domain.quality.engagement import (
    MAX_PULSE_QUESTIONS,
    EnpsAnswer,
    EnpsReport,
    PulseAnswer,
    PulseQuestion,
    PulseReport,
    PulseSurvey,
    enps_report,
    pulse_report,
)
from domain.quality.lookups import agent_teams, new_id
from domain.quality.ports import (
    NotFoundError,
    QualityError,
    QualityUnitOfWork,
    StoredValueRating,
    Survey,
    SurveyResponse,
)
from domain.quality.privacy import check_min_group_size
from domain.quality.support_values import (
    SupportValue,
    ValueRating,
    check_support_values,
    check_value_rating,
)


def set_support_values(
    uow: QualityUnitOfWork, values: Sequence[SupportValue]
) -> tuple[SupportValue, ...]:
    for index, value in enumerate(values):
        for text, limit, name in (
            (value.key, limits.KEY, "key"),
            (value.label, limits.NAME, "label"),
            (value.description, limits.DESCRIPTION, "description"),
        ):
            check_length(text, limit=limit, field=f"values[{index}].{name}", error=QualityError)
    try:
        checked = check_support_values(values)
    except ValueError as exc:
        raise QualityError(str(exc), "values") from None
    uow.support_values.replace(checked)
    return checked


def rate_value(
    uow: QualityUnitOfWork,
    *,
    agent_id: str,
    rater_id: str,
    value_key: str,
    period: Period,
    rating: int,
    comment: str | None,
    now: datetime,
) -> StoredValueRating:
    check_length(comment, limit=limits.COMMENT, field="comment", error=QualityError)
    agent_teams(uow, [agent_id], field="agentId")
    agent_teams(uow, [rater_id], field="raterId")
    try:
        value_rating = ValueRating(agent_id, value_key, period, rater_id, rating, comment)
    except ValueError as exc:
        raise QualityError(str(exc), "raterId" if "own" in str(exc) else "rating") from None
    try:
        check_value_rating(uow.support_values.all(), value_rating)
    except ValueError as exc:
        raise NotFoundError(str(exc), "valueKey") from None
    uow.support_values.rate(value_rating, at=now)
    return StoredValueRating(value_rating, now)


def create_survey(
    uow: QualityUnitOfWork,
    *,
    title: str,
    questions: Sequence[PulseQuestion],
    enps: bool,
    min_group_size: int,
    now: datetime,
) -> Survey:
    if not title.strip():
        raise QualityError("a survey needs a title", "title")
    check_length(title.strip(), limit=limits.NAME, field="title", error=QualityError)
    for index, question in enumerate(questions):
        where = f"questions[{index}]"
        check_length(question.key, limit=limits.KEY, field=f"{where}.key", error=QualityError)
        check_length(question.text, limit=limits.TEXT, field=f"{where}.text", error=QualityError)
    if not questions and not enps:
        raise QualityError("a survey asks at least one question or the eNPS", "questions")
    if len(questions) > MAX_PULSE_QUESTIONS:
        raise QualityError(
            f"a pulse survey has at most {MAX_PULSE_QUESTIONS} questions", "questions"
        )
    try:
        if questions:
            PulseSurvey("new", title, tuple(questions))  # validates keys and scales
        check_min_group_size(min_group_size)
    except ValueError as exc:
        raise QualityError(
            str(exc), "minGroupSize" if "min_group" in str(exc) else "questions"
        ) from None
    survey = Survey(new_id(), title.strip(), tuple(questions), enps, min_group_size, now)
    uow.surveys.add(survey)
    return survey


def submit_response(
    uow: QualityUnitOfWork,
    *,
    survey_id: str,
    respondent_id: str,
    answers: Mapping[str, int],
    enps: int | None,
) -> None:
    """One response per respondent and survey; every question is optional."""
    survey = uow.surveys.get(survey_id)
    if survey is None:
        raise NotFoundError(f"no survey {survey_id!r}", "surveyId")
    team = agent_teams(uow, [respondent_id], field="respondentId")[respondent_id]
    if uow.surveys.responded(survey_id, respondent_id):
        raise QualityError("this respondent has already answered the survey", "respondentId")
    if not answers and enps is None:
        raise QualityError("a response answers at least one question", "answers")
    pulse = _pulse_answers(survey, respondent_id, team, answers)
    uow.surveys.add_response(
        survey_id,
        SurveyResponse(respondent_id, team, pulse, _enps_answer(survey, respondent_id, team, enps)),
    )


def _pulse_answers(
    survey: Survey, respondent_id: str, team: str | None, answers: Mapping[str, int]
) -> tuple[PulseAnswer, ...]:
    questions = {question.key: question for question in survey.questions}
    out: list[PulseAnswer] = []
    for key, value in sorted(answers.items()):
        question = questions.get(key)
        if question is None:
            raise QualityError(f"the survey has no question {key!r}", "answers")
        if value not in question.points:
            raise QualityError(
                f"question {key!r} takes {question.scale_min}–{question.scale_max}, got {value}",
                "answers",
            )
        out.append(PulseAnswer(respondent_id, team, key, value))
    return tuple(out)


def _enps_answer(
    survey: Survey, respondent_id: str, team: str | None, score: int | None
) -> EnpsAnswer | None:
    if score is None:
        return None
    if not survey.enps:
        raise QualityError("this survey does not ask the eNPS question", "enps")
    try:
        return EnpsAnswer(respondent_id, team, score)
    except ValueError as exc:
        raise QualityError(str(exc), "enps") from None


@dataclass(frozen=True, slots=True)
class SurveyResults:
    survey: Survey
    pulse: PulseReport | None  # None when the survey has no pulse questions
    enps: EnpsReport | None  # None when the survey does not ask the eNPS


def survey_results(
    survey: Survey, pulse: Sequence[PulseAnswer], enps: Sequence[EnpsAnswer]
) -> SurveyResults:
    return SurveyResults(
        survey=survey,
        pulse=(
            pulse_report(
                PulseSurvey(survey.id, survey.title, survey.questions),
                pulse,
                min_group_size=survey.min_group_size,
            )
            if survey.questions
            else None
        ),
        enps=enps_report(enps, min_group_size=survey.min_group_size) if survey.enps else None,
    )
