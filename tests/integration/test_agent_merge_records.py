"""Merging two agents that are one person moves more than helpdesk identities: reviews
(with the qa_score and reviews_given they feed), review assignments, value ratings and
the sampling rule's reviewers follow, so the person's scores include their reviews. The
re-folding and re-scoring run in a background job after the merge commits."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.factories import agent_profile
from tests.support.derive import apply_and_settle
from tests.support.quality import (
    AGENT_SCORES,
    WEEK,
    Desk,
    current_period,
    open_desk,
    ratings,
    solved,
)

MERGE = """mutation($source: ID!, $target: ID!) {
  mergeAgents(sourceAgentId: $source, targetAgentId: $target) { __typename } }"""
RULE = """mutation($input: SamplingRuleInput!) { setSamplingRule(input: $input) { __typename } }"""
GENERATE = "mutation($w: Date!) { generateReviewAssignments(weekStart: $w) { __typename } }"
ASSIGNMENTS = """query($w: Date!) { reviewAssignments(weekStart: $w) {
  ticket { externalId } agent { id } reviewer { id } } }"""
VALUES = """mutation { setSupportValues(values: [{key: "empathy", label: "Empathy"}]) {
  __typename } }"""
RATE = """mutation($input: ValueRatingInput!) { rateValue(input: $input) { __typename } }"""
RATINGS = """query($id: ID!, $p: PeriodInput!) {
  valueRatings(agentId: $id, period: $p) { rating rater { id } } }"""
REVIEWS_OF = "query($id: ID!) { reviews(filter: {revieweeId: $id}) { ticket { externalId } } }"
WEEK_PERIOD = {"grain": "WEEK", "start": WEEK.isoformat()}

gate = threading.Event()


def hold_the_queue() -> None:
    """A job that keeps the in-process queue busy until the test lets it go."""
    gate.wait(30)


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    """The quality desk, plus Ann's Zendesk identity as an agent of its own (no e-mail
    joins them) who solved and answered Z-1."""
    desk = open_desk(container, tenant)
    zendesk = [agent_profile("zd-ann", team="tier1", name="Ann Z"), *solved("Z-1", "zd-ann").events]
    apply_and_settle(container, tenant.id, source="zendesk", events=zendesk)
    rows = desk.data("{ agents { id externalIds { source id } } }")["agents"]
    desk.agents["zd-ann"] = next(
        a["id"] for a in rows if {"source": "zendesk", "id": "zd-ann"} in a["externalIds"]
    )
    return desk


def review(desk: Desk, card: dict[str, Any], ticket: str, reviewer: str) -> None:
    made = desk.submit(
        scorecardId=card["id"],
        ticket={"externalId": ticket},
        reviewerId=desk.agents[reviewer],
        ratings=ratings(5, 3, 1),
    )
    assert made["__typename"] == "Review", made


def rate(desk: Desk, agent: str, rating: int) -> None:
    given = {
        "agentId": desk.agents[agent],
        "raterId": desk.agents["lead"],
        "valueKey": "empathy",
        "period": current_period(),
        "rating": rating,
    }
    assert desk.data(RATE, input=given)["rateValue"]["__typename"] == "ValueRating"


def sample_sizes(desk: Desk, agent: str, period: dict[str, str] | None = None) -> dict[str, int]:
    wanted = ("qa_score", "reviews_given", "tickets_solved")
    metrics = desk.metrics(agent, period)
    return {key: metrics[key]["sampleSize"] for key in wanted}


def test_a_merge_moves_reviews_assignments_ratings_and_reviewer_lists_to_the_person(
    desk: Desk,
) -> None:
    card = desk.scorecard()
    review(desk, card, "Z-1", "lead")  # of zd-ann
    review(desk, card, "T-ANN", "lead")  # of ann
    review(desk, card, "T-ANN-2", "zd-ann")  # ann "reviewed" by herself
    desk.data(VALUES)
    rate(desk, "ann", 2)
    rate(desk, "zd-ann", 4)  # later: after the merge it is the one rating that stays
    desk.data(RULE, input={"perAgentPerWeek": 10, "reviewerIds": [desk.agents["zd-ann"]]})
    desk.data(GENERATE, w=WEEK.isoformat())
    desk.container.queue.join()  # type: ignore[attr-defined]
    ann, zd = desk.agents["ann"], desk.agents["zd-ann"]
    assert sample_sizes(desk, "ann")["qa_score"] == 2

    merged = desk.data(MERGE, source=zd, target=ann)["mergeAgents"]
    desk.container.queue.join()  # type: ignore[attr-defined]

    assert merged["__typename"] == "AgentMerge"
    # Z-1 counts for ann now; her own review of T-ANN-2 counts for nothing.
    assert sample_sizes(desk, "ann") == {"qa_score": 2, "reviews_given": 0, "tickets_solved": 0}
    assert sample_sizes(desk, "ann", WEEK_PERIOD)["tickets_solved"] == 5
    reviewed = {r["ticket"]["externalId"] for r in desk.data(REVIEWS_OF, id=ann)["reviews"]}
    assert reviewed == {"Z-1", "T-ANN", "T-ANN-2"}
    assigned = desk.data(ASSIGNMENTS, w=WEEK.isoformat())["reviewAssignments"]
    assert {a["reviewer"]["id"] for a in assigned} == {ann}
    assert all(a["agent"]["id"] != ann for a in assigned)  # her own tickets: dropped
    kept = desk.data(RATINGS, id=ann, p=current_period())["valueRatings"]
    assert kept == [{"rating": 4, "rater": {"id": desk.agents["lead"]}}]
    rule = desk.data("{ samplingRule { reviewers { id } } }")["samplingRule"]
    assert rule["reviewers"] == [{"id": ann}]


def test_the_re_attribution_runs_after_the_merge_in_a_job(desk: Desk) -> None:
    gate.clear()
    queue = desk.container.queue
    queue.enqueue(f"{__name__}.hold_the_queue")
    ann, zd = desk.agents["ann"], desk.agents["zd-ann"]
    try:
        merged = desk.data_now(MERGE, source=zd, target=ann)["mergeAgents"]
        rows = desk.data_now(AGENT_SCORES, p=WEEK_PERIOD)["agentScores"]
        (row,) = (r for r in rows if r["agent"]["id"] == ann)
        waiting = next(m for m in row["metrics"] if m["key"] == "tickets_solved")["sampleSize"]
    finally:
        gate.set()
    queue.join()  # type: ignore[attr-defined]

    assert merged["__typename"] == "AgentMerge"
    assert waiting == 4  # the mutation answered before re-folding Z-1 …
    assert sample_sizes(desk, "ann", WEEK_PERIOD)["tickets_solved"] == 5  # … the job did it
