"""An agent's §7 records over GraphQL for the erasure tests: make some, read them all back.

Each §7 package adds what it stores to `give_people_data` and `people_data_of`, so the
erasure tests cover it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support.careers import ERRORS, CareerDesk, expect, level
from tests.support.derive import settle
from tests.support.goals import GoalsClient, goal_days

CREATE_ONE_ON_ONE = f"""mutation($input: CreateOneOnOneInput!) {{
  createOneOnOne(input: $input) {{ __typename ... on OneOnOne {{ id }} {ERRORS} }} }}"""
READ = """query($id: ID!) {
  agentCareerLevels(agentId: $id) { track { id } level { name } targetLevel { name }
    history { fromLevel { name } toLevel { name } note } }
  goals(ownerKind: AGENT, ownerId: $id) { id title progress parentId }
  performanceReviews(agentId: $id) { totalCount edges { node { id status reviewer { id }
    selfAssessment overallRating feedback { section text } } } }
  oneOnOnes(agentId: $id, first: 50) { totalCount edges { node { id heldOn notes
    manager { id } actionItems { text } } } } }"""
TEAMS = "{ teams { id externalId } }"
GOAL = "query($id: ID!) { goal(id: $id) { progress } }"
CYCLE = f"""mutation($input: ReviewCycleInput!) {{ createReviewCycle(input: $input) {{
  __typename ... on ReviewCycle {{ id }} {ERRORS} }} }}"""
RUN = """mutation($id: ID!) { runReviewCycle(cycleId: $id, periodStart: "2026-03-01") {
  __typename } }"""
REVIEWS = """query($id: ID!) { performanceReviews(cycleId: $id) { edges { node { id agent { id }
  } } } }"""
FEEDBACK = """mutation($id: ID!, $t: String!) {
  setPerformanceReviewFeedback(id: $id, section: SCORE, text: $t) { __typename } }"""
SELF = """mutation($id: ID!, $t: String!) {
  setPerformanceReviewSelfAssessment(id: $id, text: $t) { __typename } }"""
ERASE = """mutation($id: ID!) { eraseAgentPeopleData(agentId: $id) { __typename
  ... on AgentPeopleDataErased { agentId total auditEventId erased { kind count } }
  ... on NotFoundError { message } } }"""


def team_goals(people: CareerDesk) -> dict[str, str]:
    """Two manual goals of team tier1 (their own progress 0.2), "solo" and "shared"."""
    tier1 = _tier1(people)
    goals = GoalsClient(people.desk.client, people.token)
    made = {
        name: goals.create(
            title=f"Team {name}", ownerKind="TEAM", ownerId=tier1, kind="MANUAL", progress=0.2,
            **_days(),
        )
        for name in ("solo", "shared")
    }  # fmt: skip
    assert all(g["__typename"] == "Goal" for g in made.values()), made
    return {name: g["id"] for name, g in made.items()}


def give_people_data(
    people: CareerDesk, agent: str, *, manager: str, goals: dict[str, float]
) -> None:
    """Career levels with a history and a target, two one-on-ones, and a manual goal under
    each parent goal of `goals` (id → its progress), for `agent`."""
    agents = people.desk.agents
    client = GoalsClient(people.desk.client, people.token)
    for parent, progress in goals.items():
        made = client.create(
            title=f"{agent}'s part", ownerKind="AGENT", ownerId=agents[agent], kind="MANUAL",
            progress=progress, parentId=parent, **_days(),
        )  # fmt: skip
        assert made["__typename"] == "Goal", made
    track = people.track(
        f"Technical for {agent}",
        level("Associate"),
        level("Specialist", expect("Owns a queue")),
        level("Senior"),
    )
    people.place(agent, track, "Associate", note=f"{agent} joins")
    people.place(agent, track, "Specialist", target="Senior", note=f"{agent} grows")
    for day in ("2026-02-05", "2026-03-05"):
        made = people.call(
            CREATE_ONE_ON_ONE,
            input={
                "agentId": agents[agent],
                "managerId": agents[manager],
                "heldOn": day,
                "notes": f"private notes about {agent}",
                "actionItems": [{"text": f"{agent} shadows billing"}],
            },
        )
        assert made["__typename"] == "OneOnOne", made
    settle(people.desk.container)  # the goals' progress and roll-up


def review_march(people: CareerDesk) -> None:
    """March 2026 reviewed: team tier1 (Ann, Bob) by Lea, and Lea by Ann; each review has
    the reviewer's feedback and the agent's self-assessment."""
    agents = people.desk.agents
    _review(people, {"teamIds": [_tier1(people)], "reviewerId": agents["lead"]}, count=2)
    _review(people, {"agentIds": [agents["lead"]], "reviewerId": agents["ann"]}, count=1)


def _review(people: CareerDesk, who: dict[str, Any], *, count: int) -> None:
    scale = ["Below", "Meets", "Exceeds"]
    cycle = people.call(
        CYCLE, input={"name": f"Monthly {who}", "cadence": "MONTHLY", "ratingScale": scale, **who}
    )
    assert cycle["__typename"] == "ReviewCycle", cycle
    assert people.call(RUN, id=cycle["id"])["__typename"] == "ReviewCycleRun"
    settle(people.desk.container)  # the job that creates the reviews
    found = people.call(REVIEWS, id=cycle["id"])["edges"]
    assert len(found) == count, found
    for edge in found:
        review, agent = edge["node"]["id"], edge["node"]["agent"]["id"]
        said = people.call(FEEDBACK, id=review, t=f"feedback on {agent}")
        own = people.call(SELF, id=review, t=f"private self-assessment of {agent}")
        assert said["__typename"] == own["__typename"] == "PerformanceReview", (said, own)


def _tier1(people: CareerDesk) -> str:
    [tier1] = [t["id"] for t in people.desk.data_now(TEAMS)["teams"] if t["externalId"] == "tier1"]
    return str(tier1)


def goal_progress(people: CareerDesk, goal_id: str) -> float | None:
    return people.desk.body(GOAL, token=people.token, id=goal_id)["data"]["goal"]["progress"]


def _days() -> dict[str, str]:
    return goal_days(datetime.now(UTC).date(), before=10, after=20)


def people_data_of(people: CareerDesk, agent_id: str) -> dict[str, Any]:
    """Everything §7 holds about the agent, as the API reads it back."""
    body = people.desk.body(READ, token=people.token, id=agent_id)
    assert not body.get("errors"), body["errors"]
    return dict(body["data"])


def is_empty(data: dict[str, Any]) -> bool:
    return (
        data["agentCareerLevels"] == []
        and data["oneOnOnes"]["totalCount"] == 0
        and data["goals"] == []
        and data["performanceReviews"]["totalCount"] == 0
    )
