"""Scorecards and reviews over GraphQL: versions, scoring, the refusals, and the review
metrics (`qa_score`, `reviews_given`) moving in `agentScores` as soon as a review lands."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import METRIC_SAMPLE
from tests.support.api import access_token, count_rows
from tests.support.derive import apply_and_settle
from tests.support.quality import (
    ALL_SCOPES,
    CREATE_SCORECARD,
    EMAIL_QA,
    SUBMIT,
    Desk,
    desk_history,
    open_desk,
    ratings,
)

REVISE = """mutation($id: ID!, $input: ScorecardRevisionInput!) {
  reviseScorecard(id: $id, input: $input) {
    __typename
    ... on Scorecard { id version name categories { key } }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
SCORECARDS = "{ scorecards { id version versions name } }"
SCORECARD = """query($id: ID!, $v: Int) { scorecard(id: $id, version: $v) {
  version name categories { key } } }"""
REVIEW = """query($id: ID!) { review(id: $id) {
  score scorecardVersion scorecard { version categories { key } } reviewee { id } } }"""
DELETE = """mutation($id: ID!) { deleteReview(id: $id) {
  __typename ... on DeletedReview { id } ... on NotFoundError { message } } }"""


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    return open_desk(container, tenant)


def review_of(desk: Desk, card: dict[str, Any], ticket: str, **fields: Any) -> dict[str, Any]:
    fields.setdefault("reviewerId", desk.agents["lead"])
    fields.setdefault("ratings", ratings(5, 2, 1))
    return desk.submit(scorecardId=card["id"], ticket={"externalId": ticket}, **fields)


def test_an_admin_creates_a_scorecard_with_weights_scales_groups_and_critical_categories(
    desk: Desk,
) -> None:
    card = desk.scorecard()

    assert card["version"] == 1
    assert card["groups"] == ["accuracy", "tone"]
    privacy = card["categories"][2]
    assert privacy == {
        "key": "privacy",
        "scale": "BINARY",
        "points": [0, 1],
        "critical": True,
        "allowNa": True,
    }


def test_an_invalid_scorecard_is_a_validation_error_naming_the_category(desk: Desk) -> None:
    broken = {**EMAIL_QA, "categories": [{**EMAIL_QA["categories"][0], "weight": 0}]}
    result = desk.body(
        "mutation($i: ScorecardInput!) { createScorecard(input: $i) { __typename "
        "... on ValidationError { message field } } }",
        i=broken,
    )["data"]["createScorecard"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "categories[0]"
    assert "weights must be positive" in result["message"]


def test_editing_a_scorecard_creates_a_new_version_and_reviews_keep_theirs(desk: Desk) -> None:
    card = desk.scorecard()
    first = review_of(desk, card, "T-ANN")

    revised = desk.data(REVISE, id=card["id"], input={"name": "Email QA 2"})["reviseScorecard"]

    assert revised["version"] == 2
    assert desk.data(SCORECARDS)["scorecards"] == [
        {"id": card["id"], "version": 2, "versions": 2, "name": "Email QA 2"}
    ]
    assert desk.data(SCORECARD, id=card["id"], v=1)["scorecard"]["name"] == "Email QA"
    kept = desk.data(REVIEW, id=first["id"])["review"]
    assert kept["scorecardVersion"] == 1
    assert kept["scorecard"]["version"] == 1
    second = review_of(desk, card, "T-ANN-2")
    assert second["scorecardVersion"] == 2


def test_revising_an_unknown_scorecard_is_not_found(desk: Desk) -> None:
    result = desk.data(REVISE, id="nope", input={"name": "x"})["reviseScorecard"]
    assert result == {"__typename": "NotFoundError", "message": "no scorecard 'nope'"}


def test_a_review_is_scored_per_spec_with_comments_per_category(desk: Desk) -> None:
    card = desk.scorecard()
    result = review_of(
        desk, card, "T-ANN", ratings=ratings(5, 2, 1, comments={"tone": "a bit curt"})
    )

    assert result["__typename"] == "Review"
    assert result["score"] == pytest.approx(100 * (2 * 1 + 1 * 0.5 + 1 * 1) / 4)
    assert result["reviewee"]["id"] == desk.agents["ann"]  # the only public replier
    assert result["ticket"] == {"source": "generic", "externalId": "T-ANN"}
    assert [c["comment"] for c in result["categories"]] == [None, "a bit curt", None]
    assert result["groups"] == [
        {"group": "accuracy", "score": 100.0},
        {"group": "tone", "score": 50.0},
    ]


def test_n_a_leaves_the_sums_and_a_failed_critical_category_scores_0(desk: Desk) -> None:
    card = desk.scorecard()
    na = review_of(desk, card, "T-ANN", ratings=ratings(4, 3, None))
    failed = review_of(desk, card, "T-BOB", ratings=ratings(5, 3, 0))

    assert na["score"] == pytest.approx(100 * (2 * 0.75 + 1) / 3)
    assert failed["score"] == 0.0
    assert failed["weightedScore"] == pytest.approx(75.0)
    assert failed["failedCritical"] == ["privacy"]


def test_a_review_moves_qa_score_and_reviews_given_in_agent_scores(desk: Desk) -> None:
    card = desk.scorecard()
    before_ann, before_lead = desk.metrics("ann"), desk.metrics("lead")
    assert before_ann["qa_score"]["value"] is None
    assert before_lead["reviews_given"]["value"] == 0  # a count: 0, never null

    review_of(desk, card, "T-ANN", ratings=ratings(5, 3, 1))
    review_of(desk, card, "T-ANN-2", ratings=ratings(1, 1, 1))

    ann, lead = desk.metrics("ann"), desk.metrics("lead")
    assert ann["qa_score"]["value"] == pytest.approx((100 + 25) / 2)
    assert ann["qa_score"]["sampleSize"] == 2
    assert lead["reviews_given"]["value"] == 2
    assert ann["reviews_given"]["value"] == 0  # a count: 0, never null


def test_deleting_a_review_withdraws_its_metrics(desk: Desk) -> None:
    card = desk.scorecard()
    review = review_of(desk, card, "T-ANN")

    deleted = desk.data(DELETE, id=review["id"])["deleteReview"]

    assert deleted == {"__typename": "DeletedReview", "id": review["id"]}
    assert desk.metrics("ann")["qa_score"]["value"] is None
    assert desk.metrics("lead")["reviews_given"]["value"] == 0  # a count: 0, never null
    assert count_rows(desk.container, METRIC_SAMPLE, desk.tenant.id) > 0  # ticket samples stay
    again = desk.data(DELETE, id=review["id"])["deleteReview"]
    assert again["__typename"] == "NotFoundError"


def test_a_self_review_is_refused(desk: Desk) -> None:
    card = desk.scorecard()
    result = review_of(desk, card, "T-LEAD")  # lead is the only replier
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "revieweeId"
    assert "cannot review their own conversation" in result["message"]
    assert desk.metrics("lead")["reviews_given"]["value"] == 0  # a count: 0, never null


def test_with_several_repliers_the_reviewer_must_pick_one_who_replied(desk: Desk) -> None:
    card = desk.scorecard()
    ambiguous = review_of(desk, card, "T-BOTH")
    not_on_ticket = review_of(desk, card, "T-BOTH", revieweeId=desk.agents["lead"])
    picked = review_of(desk, card, "T-BOTH", revieweeId=desk.agents["bob"])

    assert ambiguous["__typename"] == "ValidationError"
    assert "choose the reviewee" in ambiguous["message"]
    assert not_on_ticket["__typename"] == "ValidationError"
    assert "did not reply publicly" in not_on_ticket["message"]
    assert picked["reviewee"]["id"] == desk.agents["bob"]


def test_a_ticket_without_public_agent_replies_has_nobody_to_review(desk: Desk) -> None:
    result = review_of(desk, desk.scorecard(), "T-SILENT")
    assert result["__typename"] == "ValidationError"
    assert "nobody to review" in result["message"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (ratings(6, 2, 1), "rating 6 is not one of (1, 2, 3, 4, 5)"),
        (ratings(5, None, 1), "'tone' does not allow N/A"),
        (ratings(5, 2, 1)[:2], "missing ratings for ['privacy']"),
        ([*ratings(5, 2, 1), {"category": "speed", "rating": 1}], "no categories ['speed']"),
        ([*ratings(5, 2, 1), {"category": "tone", "rating": 1}], "categories rated twice"),
    ],
)
def test_invalid_ratings_are_a_validation_error_on_ratings(
    desk: Desk, given: list[dict[str, Any]], message: str
) -> None:
    result = review_of(desk, desk.scorecard(), "T-ANN", ratings=given)
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "ratings"
    assert message in result["message"]


def test_unknown_scorecard_ticket_or_reviewer_are_not_found(desk: Desk) -> None:
    card = desk.scorecard()
    assert review_of(desk, {"id": "nope"}, "T-ANN")["message"] == "no scorecard 'nope'"
    assert review_of(desk, card, "T-404")["message"] == "no ticket 'T-404'"
    unknown = review_of(desk, card, "T-ANN", reviewerId="ghost")
    assert unknown == {"__typename": "NotFoundError", "message": "no agent 'ghost'"}


def test_on_a_shared_ticket_each_replier_can_be_reviewed_once(desk: Desk) -> None:
    card = desk.scorecard()
    ann = review_of(desk, card, "T-BOTH", revieweeId=desk.agents["ann"])
    bob = review_of(desk, card, "T-BOTH", revieweeId=desk.agents["bob"])
    ann_again = review_of(desk, card, "T-BOTH", revieweeId=desk.agents["ann"])

    assert (ann["__typename"], bob["__typename"]) == ("Review", "Review")
    assert ann_again["__typename"] == "ValidationError"
    assert desk.metrics("lead")["reviews_given"]["value"] == 2


def test_a_reviewer_reviews_a_ticket_once(desk: Desk) -> None:
    card = desk.scorecard()
    review_of(desk, card, "T-ANN")
    again = review_of(desk, card, "T-ANN")
    assert again["__typename"] == "ValidationError"
    assert again["field"] == "ticket"
    assert desk.metrics("lead")["reviews_given"]["value"] == 1


def test_writing_reviews_needs_reviews_write_and_scorecards_need_admin(desk: Desk) -> None:
    card = desk.scorecard()
    reader = desk.token_with("read")
    reviewer = desk.token_with("read", "reviews:write")
    variables = {
        "input": {
            "scorecardId": card["id"],
            "ticket": {"externalId": "T-ANN"},
            "reviewerId": desk.agents["lead"],
            "ratings": ratings(5, 2, 1),
        }
    }
    denied = desk.body(SUBMIT, token=reader, **variables)
    assert "'reviews:write' scope" in denied["errors"][0]["message"]
    no_admin = desk.body(CREATE_SCORECARD, token=reviewer, input=EMAIL_QA)
    assert "'admin' scope" in no_admin["errors"][0]["message"]
    allowed = desk.body(SUBMIT, token=reviewer, **variables)
    assert allowed["data"]["submitReview"]["__typename"] == "Review"


def test_another_tenants_token_sees_none_of_it_and_cannot_use_its_scorecard(
    desk: Desk, container: Container
) -> None:
    card = desk.scorecard()
    review = review_of(desk, card, "T-ANN")
    other = admin.create_tenant(
        container, slug=f"o-{uuid.uuid4().hex[:8]}", name="Other", timezone="UTC"
    )
    apply_and_settle(container, other.id, source="generic", events=desk_history())
    stranger = access_token(desk.client, container, other.id, scopes=ALL_SCOPES)
    their_lead = next(
        a["id"]
        for a in desk.body("{ agents { id externalId } }", token=stranger)["data"]["agents"]
        if a["externalId"] == "lead"
    )

    assert desk.body(SCORECARDS, token=stranger)["data"]["scorecards"] == []
    assert desk.body(REVIEW, token=stranger, id=review["id"])["data"]["review"] is None
    borrowed = desk.body(
        SUBMIT,
        token=stranger,
        input={
            "scorecardId": card["id"],
            "ticket": {"externalId": "T-ANN"},
            "reviewerId": their_lead,
            "ratings": ratings(5, 2, 1),
        },
    )["data"]["submitReview"]
    assert borrowed["__typename"] == "NotFoundError"


@pytest.mark.parametrize("limit", [0, -1])
def test_listing_reviews_needs_a_positive_limit(desk: Desk, limit: int) -> None:
    body = desk.body("query($n: Int!) { reviews(limit: $n) { id } }", n=limit)

    assert body["data"] is None
    assert body["errors"][0]["message"] == f"limit must be at least 1, got {limit}"
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
