"""Overlong free text is a validation error naming its field, on PostgreSQL too (whose
VARCHAR columns used to refuse it mid-transaction: a masked crash instead of an answer),
and the domain's limits are the lengths the tables store."""

from __future__ import annotations

from typing import Any

import pytest

import infra.db.tables as t
from domain import limits
from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.quality import EMAIL_QA, WEEK, Desk, open_desk

LONG = "x" * 5000
CALIBRATE = """mutation($input: CalibrationSessionInput!) {
  createCalibrationSession(input: $input) {
    __typename ... on ValidationError { message field } } }"""
SURVEY = """mutation($input: PulseSurveyInput!) { createPulseSurvey(input: $input) {
  __typename ... on ValidationError { message field } } }"""
VALUES = """mutation($values: [SupportValueInput!]!) { setSupportValues(values: $values) {
  __typename ... on ValidationError { message field } } }"""
RULE = """mutation($input: SamplingRuleInput!) { setSamplingRule(input: $input) {
  __typename } }"""
SKIP = """mutation($id: ID!, $reason: String!) { skipReviewAssignment(id: $id, reason: $reason) {
  __typename ... on ValidationError { message field } } }"""
ASSIGNMENTS = "query($week: Date!) { reviewAssignments(weekStart: $week) { id } }"
MODEL = """mutation($model: KpiModelInput!) { createKpiModel(model: $model) {
  __typename ... on ValidationError { message field } } }"""


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: SQLite stores any length, so it never showed the crash."""
    return postgres_url


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    return open_desk(container, tenant)


def error(result: dict[str, Any]) -> tuple[str, str]:
    assert result["__typename"] == "ValidationError", result
    assert "longer than" in result["message"]
    return result["__typename"], result["field"]


def test_overlong_names_keys_and_texts_are_validation_errors_on_postgres(desk: Desk) -> None:
    card = desk.scorecard()
    named = desk.data(
        CALIBRATE,
        input={"name": LONG, "scorecardId": card["id"], "tickets": [{"externalId": "T-ANN"}]},
    )["createCalibrationSession"]
    survey = desk.data(
        SURVEY, input={"title": "Pulse", "questions": [{"key": LONG, "text": "How is it?"}]}
    )["createPulseSurvey"]
    value = desk.data(VALUES, values=[{"key": "empathy", "label": "Empathy", "description": LONG}])[
        "setSupportValues"
    ]
    scorecard = desk.body(
        "mutation($input: ScorecardInput!) { createScorecard(input: $input) "
        "{ __typename ... on ValidationError { message field } } }",
        input={**EMAIL_QA, "name": LONG},
    )["data"]["createScorecard"]
    csat = {"metric": "csat", "weight": 1, "target": 0.9, "direction": "HIGHER_IS_BETTER"}
    model = desk.data(MODEL, model={"name": LONG, "components": [csat]})["createKpiModel"]

    assert error(named)[1] == "name"
    assert error(survey)[1] == "questions[0].key"
    assert error(value)[1] == "values[0].description"
    assert error(scorecard)[1] == "name"
    assert error(model)[1] == "name"


def test_an_overlong_skip_reason_leaves_the_assignment_open(desk: Desk) -> None:
    desk.data(RULE, input={"perAgentPerWeek": 1, "reviewerIds": [desk.agents["lead"]], "seed": 1})
    desk.data(
        "mutation($w: Date!) { generateReviewAssignments(weekStart: $w) { __typename } }",
        w=WEEK.isoformat(),
    )
    desk.container.queue.join()  # type: ignore[attr-defined]
    first = desk.data(ASSIGNMENTS, week=WEEK.isoformat())["reviewAssignments"][0]

    skipped = desk.data(SKIP, id=first["id"], reason=LONG)["skipReviewAssignment"]

    assert error(skipped)[1] == "reason"


@pytest.mark.parametrize(
    ("limit", "column"),
    [
        (limits.NAME, t.SCORECARD.c.name),
        (limits.NAME, t.CALIBRATION_SESSION.c.name),
        (limits.NAME, t.PULSE_SURVEY.c.title),
        (limits.NAME, t.KPI_MODEL.c.name),
        (limits.ID, t.KPI_MODEL.c.team_id),
        (limits.KEY, t.SUPPORT_VALUE.c.key),
        (limits.NAME, t.SUPPORT_VALUE.c.label),
        (limits.DESCRIPTION, t.SUPPORT_VALUE.c.description),
        (limits.COMMENT, t.VALUE_RATING.c.comment),
        (limits.KEY, t.PULSE_ANSWER.c.question_key),
        (limits.REASON, t.REVIEW_ASSIGNMENT.c.skip_reason),
    ],
    ids=str,
)
def test_the_domain_limits_are_the_stored_column_lengths(limit: int, column: Any) -> None:
    assert column.type.length == limit
