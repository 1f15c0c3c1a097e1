"""Pulse surveys and eNPS over GraphQL: answers are only ever shown for groups of at
least the survey's minimum size; smaller groups (and any group that would reveal one by
subtraction from the tenant total) come back `Withheld`, with no numbers."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.factories import agent_profile
from tests.support.api import access_token, api_client, graphql_data
from tests.support.derive import apply_and_settle

CREATE = """mutation($input: PulseSurveyInput!) { createPulseSurvey(input: $input) {
  __typename ... on PulseSurvey { id enps minGroupSize questions { key } }
  ... on ValidationError { message field } } }"""
RESPOND = """mutation($input: SurveyResponseInput!) { submitSurveyResponse(input: $input) {
  __typename ... on ValidationError { message field } ... on NotFoundError { message } } }"""
OUTCOME = """__typename
  ... on Withheld { reason team { name } }
  ... on EnpsResult { value respondents promoters passives detractors team { name } }"""
PULSE = """__typename
  ... on Withheld { reason team { name } }
  ... on PulseGroup { respondents team { name } questions { __typename
      ... on QuestionResult { key mean respondents distribution { point answers } }
      ... on QuestionWithheld { key reason } } }"""
RESULTS = f"""query($id: ID!) {{ surveyResults(surveyId: $id) {{
  survey {{ title }}
  enps {{ tenant {{ {OUTCOME} }} teams {{ {OUTCOME} }} }}
  pulse {{ tenant {{ {PULSE} }} teams {{ {PULSE} }} }}
}} }}"""
SURVEY = {
    "title": "Q1 pulse",
    "questions": [{"key": "workload", "text": "My workload is manageable"}],
    "enps": True,
}


class Office:
    def __init__(self, container: Container, tenant: TenantProfile, teams: dict[str, int]) -> None:
        people = [
            agent_profile(f"{team}{n}", team=team, name=f"{team.title()} {n}")
            for team, size in teams.items()
            for n in range(size)
        ]
        apply_and_settle(container, tenant.id, source="generic", events=people)
        self.client: TestClient = api_client(container)
        self.token = access_token(
            self.client, container, tenant.id, scopes=("read", "admin", "reviews:write")
        )
        rows = self.data("{ agents { id externalId } }")["agents"]
        self.agents = {a["externalId"]: a["id"] for a in rows}

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        return graphql_data(self.client, self.token, query, **variables)

    def survey(self, **overrides: Any) -> dict[str, Any]:
        return dict(self.data(CREATE, input={**SURVEY, **overrides})["createPulseSurvey"])

    def respond(self, survey: str, who: str, enps: int | None, workload: int | None = None) -> Any:
        answers = [] if workload is None else [{"questionKey": "workload", "value": workload}]
        return self.data(
            RESPOND,
            input={
                "surveyId": survey,
                "respondentId": self.agents[who],
                "enps": enps,
                "answers": answers,
            },
        )["submitSurveyResponse"]

    def results(self, survey: str) -> dict[str, Any]:
        return dict(self.data(RESULTS, id=survey)["surveyResults"])


@pytest.fixture
def office(container: Container, tenant: TenantProfile) -> Office:
    return Office(container, tenant, {"blue": 6, "red": 5, "green": 2})


def answer_all(office: Office, survey: str, team: str, scores: list[int]) -> None:
    for n, score in enumerate(scores):
        assert office.respond(survey, f"{team}{n}", score, workload=1 + n % 5)["__typename"] == (
            "SurveyResponseRecorded"
        )


def test_enps_and_pulse_are_shown_per_team_and_tenant_when_every_group_is_large_enough(
    office: Office,
) -> None:
    survey = office.survey()["id"]
    answer_all(office, survey, "blue", [10, 9, 9, 7, 3, 0])
    answer_all(office, survey, "red", [10, 8, 8, 6, 5])

    results = office.results(survey)

    tenant = results["enps"]["tenant"]
    assert tenant["__typename"] == "EnpsResult"
    assert tenant["respondents"] == 11
    assert tenant["value"] == pytest.approx(100 * (4 - 4) / 11)
    blue = next(t for t in results["enps"]["teams"] if t["team"]["name"] == "blue")
    assert (blue["promoters"], blue["passives"], blue["detractors"]) == (3, 1, 2)
    assert blue["value"] == pytest.approx(100 * (3 - 2) / 6)
    question = results["pulse"]["tenant"]["questions"][0]
    assert question["__typename"] == "QuestionResult"
    assert question["respondents"] == 11
    assert sum(p["answers"] for p in question["distribution"]) == 11


def test_a_group_smaller_than_the_minimum_is_withheld_with_no_numbers(office: Office) -> None:
    survey = office.survey()["id"]  # minimum group size 5 (the default)
    answer_all(office, survey, "blue", [10, 9, 9, 7, 3, 0])
    answer_all(office, survey, "red", [10, 8, 8, 6, 5])
    answer_all(office, survey, "green", [0, 1])

    results = office.results(survey)
    teams = {t["team"]["name"]: t for t in results["enps"]["teams"]}

    assert teams["green"] == {
        "__typename": "Withheld",
        "reason": "fewer than 5 respondents",
        "team": {"name": "green"},
    }
    # green's 2 answers would be the tenant's minus blue's and red's: the smaller of those
    # is withheld too, so subtraction reveals nothing.
    assert teams["red"]["__typename"] == "Withheld"
    assert "subtraction" in teams["red"]["reason"]
    assert teams["blue"]["__typename"] == "EnpsResult"
    assert results["enps"]["tenant"]["respondents"] == 13
    pulse = {t["team"]["name"]: t for t in results["pulse"]["teams"]}
    assert pulse["green"]["__typename"] == "Withheld"
    assert pulse["red"]["questions"][0]["__typename"] == "QuestionWithheld"
    assert pulse["blue"]["questions"][0]["respondents"] == 6


def test_a_tenant_with_fewer_respondents_than_the_minimum_shows_nothing(office: Office) -> None:
    survey = office.survey()["id"]
    answer_all(office, survey, "blue", [10, 0, 5, 9])

    results = office.results(survey)

    assert results["enps"]["tenant"] == {
        "__typename": "Withheld",
        "reason": "fewer than 5 respondents",
        "team": None,
    }
    assert [t["__typename"] for t in results["enps"]["teams"]] == ["Withheld"]
    assert results["pulse"]["tenant"]["__typename"] == "Withheld"


def test_a_respondent_answers_once_and_answers_must_fit_the_survey(office: Office) -> None:
    survey = office.survey()["id"]
    assert office.respond(survey, "blue0", 9)["__typename"] == "SurveyResponseRecorded"
    twice = office.respond(survey, "blue0", 3)
    off_scale = office.respond(survey, "blue1", None, workload=6)
    bad_enps = office.respond(survey, "blue2", 11)

    assert (twice["__typename"], twice["field"]) == ("ValidationError", "respondentId")
    assert (off_scale["__typename"], off_scale["field"]) == ("ValidationError", "answers")
    assert (bad_enps["__typename"], bad_enps["field"]) == ("ValidationError", "enps")


def test_a_survey_has_at_most_10_questions_and_a_minimum_group_of_at_least_3(
    office: Office,
) -> None:
    eleven = [{"key": f"q{n}", "text": f"Question {n}"} for n in range(11)]
    too_many = office.survey(questions=eleven)
    too_small = office.survey(minGroupSize=2)
    enps_only = office.survey(questions=[], minGroupSize=3)

    assert (too_many["__typename"], too_many["field"]) == ("ValidationError", "questions")
    assert (too_small["__typename"], too_small["field"]) == ("ValidationError", "minGroupSize")
    assert enps_only["__typename"] == "PulseSurvey"
    assert office.results(enps_only["id"])["pulse"] is None
