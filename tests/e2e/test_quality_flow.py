"""End to end on the full stack (`fairscore serve` + `fairscore worker`, PostgreSQL, Redis):
an admin creates a scorecard and a sampling rule, the weekly assignment job runs on the
RQ worker, a reviewer completes an assignment, and the agent's `qa_score` and the
reviewer's `reviews_given` change in `agentScores`."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.harness import Stack
from tests.factories import agent_profile
from tests.support.quality import EMAIL_QA, ratings, solved

pytestmark = pytest.mark.e2e
TZ = "Europe/Berlin"
WEEK = "2026-03-02"  # the tickets below are first solved in this ISO week
T = TypeVar("T")

SCORECARD = """mutation($input: ScorecardInput!) { createScorecard(input: $input) {
  __typename ... on Scorecard { id version } } }"""
RULE = """mutation($input: SamplingRuleInput!) { setSamplingRule(input: $input) {
  __typename ... on SamplingRule { perAgentPerWeek } } }"""
GENERATE = """mutation($week: Date!) { generateReviewAssignments(weekStart: $week) {
  __typename ... on AssignmentsRequested { queued } } }"""
ASSIGNMENTS = """query($week: Date!) { reviewAssignments(weekStart: $week) {
  id status agent { id externalId } reviewer { id } ticket { externalId } } }"""
REPORT = """query($week: Date!) { reviewAssignmentReport(weekStart: $week) {
  total { due done } } }"""
SUBMIT = """mutation($input: SubmitReviewInput!) { submitReview(input: $input) {
  __typename ... on Review { id score reviewee { externalId } } } }"""
TICKET = "query($id: String!) { ticket(externalId: $id) { status } }"
SCORES = """query($p: PeriodInput!) { agentScores(period: $p) {
  agent { externalId } metrics { key value sampleSize } } }"""


def eventually(probe: Callable[[], T | None], what: str, timeout: float = 120) -> T:
    """Poll until `probe` returns something truthy: the worker runs asynchronously."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def history() -> list[dict[str, Any]]:
    return [
        agent_profile("ann", team="tier1", name="Ann"),
        agent_profile("bob", team="tier1", name="Bob"),
        agent_profile("lead", team="leads", name="Lea Lead"),
        *solved("Q-ANN-1", "ann").events,
        *solved("Q-ANN-2", "ann").events,
        *solved("Q-BOB-1", "bob").events,
    ]


def metric(stack: Stack, token: str, agent: str, key: str) -> Any:
    today = datetime.now(UTC).astimezone(ZoneInfo(TZ)).date().isoformat()
    rows = stack.graphql(token, SCORES, p={"grain": "MONTH", "start": today})["agentScores"]
    row = next(r for r in rows if r["agent"]["externalId"] == agent)
    return next(m["value"] for m in row["metrics"] if m["key"] == key)


def open_desk(stack: Stack) -> tuple[str, dict[str, str]]:
    """A tenant, a client with every scope, and the history processed by the worker."""
    token, hook = stack.open_tenant(scopes="read admin reviews:write", timezone=TZ)
    stack.post_webhooks(hook["webhook_path"], hook["secret"], history(), seed=3, max_batch=5)
    for ticket in ("Q-ANN-1", "Q-ANN-2", "Q-BOB-1"):
        eventually(
            lambda t=ticket: (
                (stack.graphql(token, TICKET, id=t)["ticket"] or {}).get("status") == "solved"
            ),
            f"ticket {ticket} processed by the worker",
        )
    rows = stack.graphql(token, "{ agents { id externalId } }")["agents"]
    return token, {a["externalId"]: a["id"] for a in rows}


def test_the_weekly_job_assigns_a_reviewer_completes_one_and_agent_scores_move(
    stack: Stack,
) -> None:
    token, agents = open_desk(stack)

    card = stack.graphql(token, SCORECARD, input=EMAIL_QA)["createScorecard"]
    assert card["__typename"] == "Scorecard"
    rule = {"perAgentPerWeek": 1, "reviewerIds": [agents["lead"]], "seed": 11}
    assert stack.graphql(token, RULE, input=rule)["setSamplingRule"]["perAgentPerWeek"] == 1
    queued = stack.graphql(token, GENERATE, week=WEEK)["generateReviewAssignments"]
    assert queued == {"__typename": "AssignmentsRequested", "queued": True}

    assignments = eventually(
        lambda: stack.graphql(token, ASSIGNMENTS, week=WEEK)["reviewAssignments"],
        "the worker to generate the week's assignments",
    )
    assert sorted(a["agent"]["externalId"] for a in assignments) == ["ann", "bob"]
    assert {a["reviewer"]["id"] for a in assignments} == {agents["lead"]}
    assert metric(stack, token, "ann", "qa_score") is None
    assert metric(stack, token, "lead", "reviews_given") == 0  # a count: 0, never null

    anns = next(a for a in assignments if a["agent"]["externalId"] == "ann")
    review = stack.graphql(
        token,
        SUBMIT,
        input={
            "assignmentId": anns["id"],
            "scorecardId": card["id"],
            "reviewerId": agents["lead"],
            "ratings": ratings(4, 3, 1),
        },
    )["submitReview"]

    assert review["__typename"] == "Review"
    assert review["reviewee"] == {"externalId": "ann"}
    # the worker's reconcile rolls the review's samples up into the scores
    eventually(lambda: metric(stack, token, "ann", "qa_score"), "ann's qa_score")
    assert metric(stack, token, "ann", "qa_score") == pytest.approx(review["score"])
    assert metric(stack, token, "lead", "reviews_given") == 1
    report = stack.graphql(token, REPORT, week=WEEK)["reviewAssignmentReport"]
    assert report["total"] == {"due": 2, "done": 1}
