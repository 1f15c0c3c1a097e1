"""Issue 14's acceptance for performance reviews, end to end on PostgreSQL + Redis + a real
`fairscore worker`, with the `gql` client: an admin defines a MONTHLY cycle; a month's
events flow in; the cycle is run for that (past) month and the worker's job creates one
DRAFT review per agent of the cycle, its frozen score and metrics equal to `agentScores`
for the month; the reviewer shares it, the agent acknowledges; a late event then changes
the month, and the review shows its frozen and current values side by side."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.harness import GqlSession, Stack, wait_until_drained
from tests.factories import agent_profile
from tests.support.faults import wait_for
from tests.support.kpi_models import ACTIVATE, CREATE, solves
from tests.support.quality import solved

pytestmark = pytest.mark.e2e
MARCH = {"grain": "MONTH", "start": "2026-03-01"}
SCOPES = "read admin people:read people:write"
MODEL = solves(target=2)
CYCLE = """mutation($input: ReviewCycleInput!) { createReviewCycle(input: $input) {
  __typename ... on ReviewCycle { id cadence ratingScale } } }"""
RUN = """mutation($id: ID!, $day: Date!) { runReviewCycle(cycleId: $id, periodStart: $day) {
  __typename ... on ReviewCycleRun { periodStart queued } } }"""
NODE = """id status agent { id } reviewer { id } period { start end }
  shared { clientId name } acknowledged { clientId name }
  evidence { changed total { frozen current changed }
    periods { modelVersion components { metric points }
      metrics { key value sampleSize teamMedian current currentSampleSize changed } } }"""
REVIEWS = f"""query($cycle: ID!) {{ performanceReviews(cycleId: $cycle) {{
  totalCount edges {{ node {{ {NODE} }} }} }} }}"""
REVIEW = f"query($id: ID!) {{ performanceReview(id: $id) {{ {NODE} }} }}"
SHARE = """mutation($id: ID!, $who: String) { sharePerformanceReview(id: $id, actorName: $who) {
  __typename ... on PerformanceReview { status } } }"""
ACK = """mutation($id: ID!, $who: String) {
  acknowledgePerformanceReview(id: $id, actorName: $who) {
  __typename ... on PerformanceReview { status } } }"""
SCORES = """query($p: PeriodInput!) { agentScores(period: $p) {
  agent { id externalId } total modelVersion metrics { key value sampleSize } } }"""
AGENTS = "{ agents { id externalId team { id } } }"


def month() -> list[dict[str, Any]]:
    """March 2026: ann solves three tickets, bob one; the lead one (another team)."""
    return [
        agent_profile("ann", team="tier1", name="Ann"),
        agent_profile("bob", team="tier1", name="Bob"),
        agent_profile("lead", team="leads", name="Lea Lead"),
        *solved("M-ANN-1", "ann").events,
        *solved("M-ANN-2", "ann").events,
        *solved("M-ANN-3", "ann").events,
        *solved("M-BOB-1", "bob").events,
        *solved("M-LEAD-1", "lead").events,
    ]


@pytest.fixture
def desk(
    stack: Stack, database_url: str
) -> Iterator[tuple[GqlSession, GqlSession, dict[str, Any]]]:
    """The admin's session, the agent's (another API client), and the integration."""
    token, hook = stack.open_tenant(scopes=SCOPES)
    agent_client = json.loads(
        stack.cli("client", "create", "--tenant", "acme", "--scopes", "people:write", "--json")
    )
    agent_token = stack.token(agent_client["client_id"], agent_client["client_secret"])
    stack.post_webhooks(hook["webhook_path"], hook["secret"], month(), seed=5, max_batch=6)
    wait_until_drained(database_url)
    with GqlSession(stack, token) as admin, GqlSession(stack, agent_token) as agent:
        yield admin, agent, hook


def test_a_monthly_cycle_freezes_reviews_equal_to_agent_scores_and_shows_late_changes(
    stack: Stack, database_url: str, desk: tuple[GqlSession, GqlSession, dict[str, Any]]
) -> None:
    admin, agent, hook = desk
    model = admin.run(CREATE, model=MODEL)["createKpiModel"]["id"]
    admin.run(ACTIVATE, id=model, **{"from": "2026-01-01"})
    wait_until_drained(database_url)
    agents = {a["externalId"]: a for a in admin.run(AGENTS)["agents"]}
    cycle = admin.run(
        CYCLE,
        input={
            "name": "Monthly 1:1",
            "cadence": "MONTHLY",
            "teamIds": [agents["ann"]["team"]["id"]],
            "reviewerId": agents["lead"]["id"],
            "ratingScale": ["Below", "Meets", "Exceeds"],
        },
    )["createReviewCycle"]
    assert cycle["__typename"] == "ReviewCycle"

    run = admin.run(RUN, id=cycle["id"], day="2026-03-31")["runReviewCycle"]
    assert run == {"__typename": "ReviewCycleRun", "periodStart": "2026-03-01", "queued": True}
    wait_for(
        lambda: admin.run(REVIEWS, cycle=cycle["id"])["performanceReviews"]["totalCount"] == 2,
        timeout=120,
        what="the worker to create the month's reviews",
    )

    found = [
        e["node"] for e in admin.run(REVIEWS, cycle=cycle["id"])["performanceReviews"]["edges"]
    ]
    scores = {s["agent"]["id"]: s for s in admin.run(SCORES, p=MARCH)["agentScores"]}
    assert {r["agent"]["id"] for r in found} == {agents["ann"]["id"], agents["bob"]["id"]}
    for review in found:
        score = scores[review["agent"]["id"]]
        [period] = review["evidence"]["periods"]
        assert review["status"] == "DRAFT"
        assert review["reviewer"] == {"id": agents["lead"]["id"]}
        assert review["evidence"]["total"]["frozen"] == score["total"] is not None
        assert period["modelVersion"] == score["modelVersion"] and period["components"]
        frozen = {m["key"]: (m["value"], m["sampleSize"]) for m in period["metrics"]}
        assert frozen == {m["key"]: (m["value"], m["sampleSize"]) for m in score["metrics"]}
        assert not review["evidence"]["changed"]

    bobs = next(r for r in found if r["agent"]["id"] == agents["bob"]["id"])
    shared = admin.run(SHARE, id=bobs["id"], who="Lea Lead")["sharePerformanceReview"]
    acked = agent.run(ACK, id=bobs["id"], who="Bob")["acknowledgePerformanceReview"]
    assert shared == {"__typename": "PerformanceReview", "status": "SHARED"}
    assert acked == {"__typename": "PerformanceReview", "status": "ACKNOWLEDGED"}

    late = solved("M-BOB-LATE", "bob").events  # solved in March, delivered in April
    stack.post_webhooks(hook["webhook_path"], hook["secret"], late, seed=6)
    wait_until_drained(database_url)

    after = admin.run(REVIEW, id=bobs["id"])["performanceReview"]
    assert after["status"] == "ACKNOWLEDGED"
    assert after["shared"]["name"] == "Lea Lead" and after["acknowledged"]["name"] == "Bob"
    assert after["shared"]["clientId"] != after["acknowledged"]["clientId"]
    [period] = after["evidence"]["periods"]
    metrics = {m["key"]: m for m in period["metrics"]}
    solves = metrics["tickets_solved"]
    assert (solves["value"], solves["current"], solves["changed"]) == (1, 2, True)
    assert solves["teamMedian"] == 2  # frozen context: ann 3, bob 1
    total = after["evidence"]["total"]
    assert total["frozen"] == bobs["evidence"]["total"]["frozen"]
    assert total["changed"] and total["current"] > total["frozen"]
    assert after["evidence"]["changed"]
    now = {s["agent"]["id"]: s for s in admin.run(SCORES, p=MARCH)["agentScores"]}
    assert total["current"] == now[agents["bob"]["id"]]["total"]
