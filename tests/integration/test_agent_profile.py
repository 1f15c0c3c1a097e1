"""Support values rated by managers, and `agentProfile`: KPI score with its explanation,
QA score and recent reviews, value ratings beside (not inside) the score, and a trend."""

from __future__ import annotations

from typing import Any

import pytest

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.quality import Desk, current_period, open_desk, ratings
from tests.support.sql import statements

SET_VALUES = """mutation($values: [SupportValueInput!]!) { setSupportValues(values: $values) {
  __typename ... on SupportValues { values { key label } } ... on ValidationError { message } } }"""
RATE = """mutation($input: ValueRatingInput!) { rateValue(input: $input) {
  __typename ... on ValueRating { valueKey rating period { grain start } rater { id } }
  ... on ValidationError { message field } ... on NotFoundError { message } } }"""
PROFILE = """query($id: ID!, $p: PeriodInput!) {
agentProfile(agentId: $id, period: $p, trendPeriods: 3) {
  agent { id name } period { grain start }
  score { total components { metric status } guardrails { key count }
          metrics { key value sampleSize } }
  qaScore qaReviews reviewsGiven
  recentReviews { score reviewer { id } ticket { externalId } }
  values { value { key } mean ratings { rating rater { id } } }
  trend { period { start } total qaScore }
} }"""
VALUES = [
    {"key": "empathy", "label": "Connects with empathy"},
    {"key": "pressure", "label": "Thrives under pressure"},
]


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    desk = open_desk(container, tenant)
    desk.data(SET_VALUES, values=VALUES)
    return desk


def rate(desk: Desk, agent: str, rater: str, rating: int, key: str = "empathy") -> dict[str, Any]:
    given = {
        "agentId": desk.agents[agent],
        "raterId": desk.agents[rater],
        "valueKey": key,
        "period": current_period(),
        "rating": rating,
    }
    return dict(desk.data(RATE, input=given)["rateValue"])


def test_a_manager_rates_an_agent_on_a_value_and_rating_again_replaces_it(desk: Desk) -> None:
    first = rate(desk, "ann", "lead", 2)
    again = rate(desk, "ann", "lead", 4)
    assert first["__typename"] == again["__typename"] == "ValueRating"
    found = desk.data(
        "query($id: ID!, $p: PeriodInput!) { valueRatings(agentId: $id, period: $p) { rating } }",
        id=desk.agents["ann"],
        p=current_period(),
    )["valueRatings"]
    assert found == [{"rating": 4}]


def test_value_ratings_are_1_to_5_of_a_tenant_value_and_never_of_oneself(desk: Desk) -> None:
    assert rate(desk, "ann", "lead", 6)["field"] == "rating"
    assert rate(desk, "ann", "ann", 3)["field"] == "raterId"
    unknown = rate(desk, "ann", "lead", 3, key="speed")
    assert unknown["__typename"] == "NotFoundError"


def test_the_profile_shows_score_qa_reviews_values_guardrails_and_trend(desk: Desk) -> None:
    card = desk.scorecard()
    desk.submit(
        scorecardId=card["id"],
        ticket={"externalId": "T-ANN"},
        reviewerId=desk.agents["lead"],
        ratings=ratings(5, 3, 1),
    )
    rate(desk, "ann", "lead", 4)
    rate(desk, "ann", "bob", 2)
    period = current_period()

    profile = desk.data(PROFILE, id=desk.agents["ann"], p=period)["agentProfile"]

    assert profile["agent"]["name"] == "Ann"
    assert profile["qaScore"] == 100.0
    assert profile["qaReviews"] == 1
    assert profile["reviewsGiven"] == 0
    assert [r["ticket"]["externalId"] for r in profile["recentReviews"]] == ["T-ANN"]
    values = {v["value"]["key"]: v for v in profile["values"]}
    assert values["empathy"]["mean"] == 3.0
    assert values["pressure"] == {"value": {"key": "pressure"}, "mean": None, "ratings": []}
    metrics = {m["key"]: m["value"] for m in profile["score"]["metrics"]}
    assert metrics["qa_score"] == 100.0
    assert {g["key"] for g in profile["score"]["guardrails"]} >= {"quick_reopen"}
    assert len(profile["trend"]) == 3
    assert profile["trend"][-1]["qaScore"] == 100.0
    assert profile["trend"][0]["qaScore"] is None
    starts = [t["period"]["start"] for t in profile["trend"]]
    assert starts == sorted(starts)
    assert starts[-1] == profile["period"]["start"]


def test_value_ratings_never_change_the_kpi_score(desk: Desk) -> None:
    desk.submit(
        scorecardId=desk.scorecard()["id"],
        ticket={"externalId": "T-BOB"},
        reviewerId=desk.agents["lead"],
        ratings=ratings(3, 2, 1),
    )
    period = current_period()
    before = desk.data(PROFILE, id=desk.agents["bob"], p=period)["agentProfile"]["score"]
    assert any(m["value"] is not None for m in before["metrics"])
    rate(desk, "bob", "lead", 1)
    after = desk.data(PROFILE, id=desk.agents["bob"], p=period)["agentProfile"]
    assert after["score"] == before
    assert after["values"][0]["mean"] == 1.0


def test_the_profile_of_an_unknown_agent_is_null(desk: Desk) -> None:
    assert desk.data(PROFILE, id="ghost", p=current_period())["agentProfile"] is None


def test_dropping_a_value_keeps_its_ratings_in_the_profile(desk: Desk) -> None:
    rate(desk, "ann", "lead", 5, key="pressure")
    desk.data(SET_VALUES, values=VALUES[:1])
    assert [v["key"] for v in desk.data("{ supportValues { key } }")["supportValues"]] == [
        "empathy"
    ]
    profile = desk.data(PROFILE, id=desk.agents["ann"], p=current_period())["agentProfile"]
    assert [v["value"]["key"] for v in profile["values"]] == ["empathy", "pressure"]


def test_the_trend_reads_its_snapshots_in_one_query(desk: Desk) -> None:
    query = """query($id: ID!, $p: PeriodInput!) { agentProfile(agentId: $id, period: $p,
      trendPeriods: 12) { score { metrics { key sampleSize } } trend { period { start } } } }"""
    march = {"grain": "WEEK", "start": "2026-03-02"}

    with statements(desk.container, r"FROM score_snapshot") as reads:
        profile = desk.data(query, id=desk.agents["ann"], p=march)["agentProfile"]

    assert [p["period"]["start"] for p in profile["trend"]][-2:] == ["2026-02-23", "2026-03-02"]
    solved = {m["key"]: m["sampleSize"] for m in profile["score"]["metrics"]}["tickets_solved"]
    assert solved == 4  # the week's snapshot came with the batch (ann solved 4)
    assert len(reads) == 1
