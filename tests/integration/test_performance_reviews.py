"""Review cycles and performance reviews (SPEC §7) through GraphQL, jobs in-process: a
cycle's run freezes one DRAFT review per agent with the month's numbers as agentScores
gives them; the review's life and its typed refusals; a rerun adds nothing; late events
show beside the frozen figures; `people:*` scopes guard every field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.performance_reviews.cycles import Cadence, review_period
from domain.performance_reviews.gather import Reviewed, gather_evidence
from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.factories import Ticket
from tests.support.derive import apply_and_settle
from tests.support.kpi_models import ACTIVATE, CREATE, solves
from tests.support.quality import Desk, current_period, open_desk
from tests.support.sql import statements

MARCH = {"grain": "MONTH", "start": "2026-03-01"}
PEOPLE = ("read", "admin", "people:read", "people:write")
CREATE_CYCLE = """mutation($input: ReviewCycleInput!) { createReviewCycle(input: $input) {
  __typename ... on ReviewCycle { id name cadence ratingScale teamIds reviewer { id } }
  ... on UserError { message } ... on ValidationError { field } } }"""
RUN = """mutation($id: ID!, $day: Date!) { runReviewCycle(cycleId: $id, periodStart: $day) {
  __typename ... on ReviewCycleRun { periodStart queued } ... on UserError { message }
  ... on ValidationError { field } } }"""
EVIDENCE = """evidence { changed total { frozen current changed } teamId
  periods { period { start } modelVersion components { metric points }
    metrics { key value sampleSize teamMedian current changed }
    qaScore { frozen } qaReviews { frozen } guardrails { key count current } }
  trend { period { start } total } values { key mean }
  goals { title progress status completed } }"""
REVIEW_FIELDS = f"""id status agent {{ id }} reviewer {{ id }} period {{ cadence start end }}
  overallRating selfAssessment feedback {{ section text }}
  shared {{ clientId name at }} acknowledged {{ clientId name at }} {EVIDENCE}"""
REVIEWS = f"""query($cycle: ID, $status: PerformanceReviewStatus) {{
  performanceReviews(cycleId: $cycle, status: $status) {{
    totalCount edges {{ node {{ {REVIEW_FIELDS} }} }} }} }}"""
RESULT = f"""__typename ... on PerformanceReview {{ {REVIEW_FIELDS} }}
  ... on UserError {{ message }} ... on InvalidTransitionError {{ status }}"""
SHARE = f'mutation($id: ID!) {{ sharePerformanceReview(id: $id, actorName: "Lea") {{ {RESULT} }} }}'
ACK = f"mutation($id: ID!) {{ acknowledgePerformanceReview(id: $id) {{ {RESULT} }} }}"
FEEDBACK = f"""mutation($id: ID!, $s: ReviewSection!, $t: String!) {{
  setPerformanceReviewFeedback(id: $id, section: $s, text: $t) {{ {RESULT} }} }}"""
RATE = f"""mutation($id: ID!, $r: String) {{ ratePerformanceReview(id: $id, rating: $r) {{
  {RESULT} }} }}"""
SELF = f"""mutation($id: ID!, $t: String!) {{
  setPerformanceReviewSelfAssessment(id: $id, text: $t) {{ {RESULT} }} }}"""
SCORES = """query($p: PeriodInput!) { agentScores(period: $p) {
  agent { id } total metrics { key value sampleSize } } }"""
MODEL = solves(target=2)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    desk = open_desk(container, tenant)
    desk.token = desk.token_with(*PEOPLE)
    model = desk.data(CREATE, model=MODEL)["createKpiModel"]["id"]
    desk.data(ACTIVATE, id=model, **{"from": "2026-01-01"})
    return desk


def team_of(desk: Desk, agent: str) -> str:
    rows = desk.data("{ agents { id team { id } } }")["agents"]
    return str(next(a["team"]["id"] for a in rows if a["id"] == desk.agents[agent]))


def monthly_cycle(desk: Desk) -> str:
    cycle = desk.data(
        CREATE_CYCLE,
        input={
            "name": "Monthly 1:1",
            "cadence": "MONTHLY",
            "teamIds": [team_of(desk, "ann")],
            "reviewerId": desk.agents["lead"],
            "ratingScale": ["Below", "Meets", "Exceeds"],
        },
    )["createReviewCycle"]
    assert cycle["__typename"] == "ReviewCycle", cycle
    return str(cycle["id"])


def reviews(desk: Desk, **variables: Any) -> list[dict[str, Any]]:
    found = desk.data(REVIEWS, **variables)["performanceReviews"]
    nodes = [e["node"] for e in found["edges"]]
    assert found["totalCount"] == len(nodes)
    return nodes


def test_a_run_freezes_one_draft_per_agent_equal_to_agent_scores(desk: Desk) -> None:
    cycle = monthly_cycle(desk)

    run = desk.data(RUN, id=cycle, day="2026-03-17")["runReviewCycle"]

    assert run == {"__typename": "ReviewCycleRun", "periodStart": "2026-03-01", "queued": True}
    found = reviews(desk, cycle=cycle)
    ids = {desk.agents["ann"], desk.agents["bob"]}
    assert {r["agent"]["id"] for r in found} == ids  # tier1 only: lead is in leads
    scores = {r["agent"]["id"]: r for r in desk.data(SCORES, p=MARCH)["agentScores"]}
    for review in found:
        assert review["status"] == "DRAFT"
        assert review["reviewer"] == {"id": desk.agents["lead"]}
        assert review["period"] == {
            "cadence": "MONTHLY",
            "start": "2026-03-01",
            "end": "2026-04-01",
        }
        [period] = review["evidence"]["periods"]
        score = scores[review["agent"]["id"]]
        assert review["evidence"]["total"]["frozen"] == score["total"] is not None
        frozen = {m["key"]: (m["value"], m["sampleSize"]) for m in period["metrics"]}
        assert frozen == {m["key"]: (m["value"], m["sampleSize"]) for m in score["metrics"]}
        assert review["evidence"]["changed"] is False
        assert [t["period"]["start"] for t in review["evidence"]["trend"]][-1] == "2026-03-01"
        solved = next(m for m in period["metrics"] if m["key"] == "tickets_solved")
        assert solved["teamMedian"] == 2.5  # ann solved 4, bob 1


GOAL = """mutation($i: CreateGoalInput!) { createGoal(input: $i) { __typename } }"""


def test_a_review_freezes_the_agents_goals_that_overlap_its_period(desk: Desk) -> None:
    ann = {"ownerKind": "AGENT", "ownerId": desk.agents["ann"], "kind": "MANUAL"}
    march = {"startDate": "2026-03-10", "endDate": "2026-04-20", "progress": 0.4}
    may = {"startDate": "2026-05-01", "endDate": "2026-05-31", "progress": 0.9}
    for title, days in (("Macros", march), ("Later", may)):
        assert (
            desk.data(GOAL, i={**ann, **days, "title": title})["createGoal"]["__typename"] == "Goal"
        )
    cycle = monthly_cycle(desk)

    desk.data(RUN, id=cycle, day="2026-03-01")

    by_agent = {r["agent"]["id"]: r["evidence"]["goals"] for r in reviews(desk, cycle=cycle)}
    [goal] = by_agent[desk.agents["ann"]]
    assert (goal["title"], goal["progress"], goal["completed"]) == ("Macros", 0.4, False)
    assert by_agent[desk.agents["bob"]] == []


def test_gathering_evidence_sends_as_many_statements_for_two_agents_as_for_one(
    desk: Desk,
) -> None:
    """A cycle's run reads each kind of evidence (snapshots, trend, values, goals) for all
    its agents at once, not once per agent."""
    period = review_period(Cadence.MONTHLY, date(2026, 3, 1))
    with desk.container.uow(desk.tenant.id) as uow:

        def sent(*agents: str) -> int:
            reviewed = Reviewed({desk.agents[a]: None for a in agents}, {})
            with statements(desk.container, r"^\s*SELECT") as seen:
                gather_evidence(uow.reads, period, reviewed, uow.goals)
            return len(seen)

        sent("ann")  # warms the unit of work's caches (the model versions)
        assert sent("ann", "bob") == sent("ann")


def test_a_cycle_of_a_team_the_tenant_lacks_is_refused(desk: Desk) -> None:
    cycle = {
        "name": "Monthly",
        "cadence": "MONTHLY",
        "teamIds": [team_of(desk, "ann"), "nope"],
        "reviewerId": desk.agents["lead"],
        "ratingScale": ["Below", "Meets"],
    }

    refused = desk.data(CREATE_CYCLE, input=cycle)["createReviewCycle"]

    assert refused == {"__typename": "NotFoundError", "message": "no team 'nope'"}


def test_running_a_period_again_adds_nothing(desk: Desk) -> None:
    cycle = monthly_cycle(desk)
    desk.data(RUN, id=cycle, day="2026-03-01")
    first = {r["id"] for r in reviews(desk, cycle=cycle)}

    desk.data(RUN, id=cycle, day="2026-03-31")

    assert {r["id"] for r in reviews(desk, cycle=cycle)} == first


def test_a_period_not_over_yet_is_refused(desk: Desk) -> None:
    cycle = monthly_cycle(desk)
    run = desk.data(RUN, id=cycle, day=current_period()["start"])["runReviewCycle"]
    assert run["__typename"] == "ValidationError" and run["field"] == "periodStart"


def test_draft_then_shared_then_acknowledged_and_the_steps_out_of_order_are_typed(
    desk: Desk,
) -> None:
    cycle = monthly_cycle(desk)
    desk.data(RUN, id=cycle, day="2026-03-01")
    review = reviews(desk, cycle=cycle)[0]["id"]

    early = desk.data(ACK, id=review)["acknowledgePerformanceReview"]
    off_scale = desk.data(RATE, id=review, r="Stellar")["ratePerformanceReview"]
    desk.data(FEEDBACK, id=review, s="SCORE", t="Solid month.")
    desk.data(RATE, id=review, r="Exceeds")
    shared = desk.data(SHARE, id=review)["sharePerformanceReview"]
    late_edit = desk.data(FEEDBACK, id=review, s="SCORE", t="changed")
    own_words = desk.data(SELF, id=review, t="Proud of it.")["setPerformanceReviewSelfAssessment"]
    acked = desk.data(ACK, id=review)["acknowledgePerformanceReview"]

    assert early["__typename"] == "InvalidTransitionError" and early["status"] == "DRAFT"
    assert off_scale["__typename"] == "ValidationError"
    assert shared["status"] == "SHARED" and shared["shared"]["name"] == "Lea"
    assert shared["shared"]["clientId"]
    assert late_edit["setPerformanceReviewFeedback"]["__typename"] == "InvalidTransitionError"
    assert own_words["selfAssessment"] == "Proud of it."
    assert acked["status"] == "ACKNOWLEDGED" and acked["acknowledged"]["at"]
    assert acked["feedback"] == [{"section": "SCORE", "text": "Solid month."}]
    assert acked["overallRating"] == "Exceeds"
    again = desk.data(SHARE, id=review)["sharePerformanceReview"]
    assert again["__typename"] == "InvalidTransitionError" and again["status"] == "ACKNOWLEDGED"
    assert [r["id"] for r in reviews(desk, status="ACKNOWLEDGED")] == [review]


def test_a_late_event_shows_beside_the_frozen_figures(desk: Desk) -> None:
    cycle = monthly_cycle(desk)
    desk.data(RUN, id=cycle, day="2026-03-01")
    late = Ticket("T-LATE").created(0, assignee="bob").customer(1).agent(5, "bob").solve(9)
    apply_and_settle(desk.container, desk.tenant.id, source="generic", events=late.events)

    bobs = next(r for r in reviews(desk, cycle=cycle) if r["agent"]["id"] == desk.agents["bob"])

    solved = next(
        m for m in bobs["evidence"]["periods"][0]["metrics"] if m["key"] == "tickets_solved"
    )
    assert (solved["value"], solved["current"], solved["changed"]) == (1, 2, True)
    assert bobs["evidence"]["changed"] is True
    total = bobs["evidence"]["total"]
    assert total["changed"] and total["current"] > total["frozen"]


MERGE = """mutation($s: ID!, $t: ID!) { mergeAgents(sourceAgentId: $s, targetAgentId: $t) {
  __typename } }"""


def test_an_agent_merged_away_keeps_their_reviews(desk: Desk) -> None:
    cycle = monthly_cycle(desk)
    desk.data(RUN, id=cycle, day="2026-03-01")
    before = {r["agent"]["id"]: r["id"] for r in reviews(desk, cycle=cycle)}

    desk.data(MERGE, s=desk.agents["bob"], t=desk.agents["ann"])

    after = {r["agent"]["id"]: r["id"] for r in reviews(desk, cycle=cycle)}
    assert after == before  # Bob's review hangs off Bob's id, merged away or not
    bobs = desk.data("query($id: ID!) { performanceReview(id: $id) { agent { active } } }",
                     id=before[desk.agents["bob"]])["performanceReview"]  # fmt: skip
    assert bobs["agent"] == {"active": False}


ERASE = """mutation($id: ID!) { eraseAgentPeopleData(agentId: $id) {
  __typename ... on AgentPeopleDataErased { erased { kind count } } } }"""


def test_erasing_an_agents_people_data_removes_their_reviews_only(desk: Desk) -> None:
    ann, bob = desk.agents["ann"], desk.agents["bob"]
    cycle = desk.data(
        CREATE_CYCLE,
        input={"name": "Listed", "cadence": "MONTHLY", "agentIds": [ann, bob],
               "reviewerId": desk.agents["lead"], "ratingScale": ["Below", "Meets"]},
    )["createReviewCycle"]["id"]  # fmt: skip
    desk.data(RUN, id=cycle, day="2026-03-01")

    erased = desk.data(ERASE, id=ann)["eraseAgentPeopleData"]

    counts = {e["kind"]: e["count"] for e in erased["erased"]}
    assert (counts["performance_reviews"], counts["review_cycle_memberships"]) == (1, 1)
    assert [r["agent"]["id"] for r in reviews(desk, cycle=cycle)] == [bob]
    [listed] = desk.data("{ reviewCycles { agentIds } }")["reviewCycles"]
    assert listed["agentIds"] == [bob]


FIELDS = {
    "reviewCycles": "{ reviewCycles { id } }",
    "performanceReviews": "{ performanceReviews { totalCount } }",
    "performanceReview": '{ performanceReview(id: "x") { id } }',
}
WRITES = {
    "createReviewCycle": CREATE_CYCLE,
    "sharePerformanceReview": SHARE,
}


@pytest.mark.parametrize("scopes", [("read", "admin", "reviews:write"), ("people:write",)])
def test_without_people_read_nothing_of_reviews_is_read(
    desk: Desk, scopes: tuple[str, ...]
) -> None:
    token = desk.token_with(*scopes)
    for name, query in FIELDS.items():
        body = desk.body(query, token=token)
        assert body.get("data") is None or body["data"].get(name) is None, name
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", name


@pytest.mark.parametrize("scopes", [("read", "admin", "reviews:write", "people:read")])
def test_without_people_write_nothing_of_reviews_is_written(
    desk: Desk, scopes: tuple[str, ...]
) -> None:
    token = desk.token_with(*scopes)
    variables = {"input": {"name": "x", "cadence": "WEEKLY", "reviewerId": "x",
                           "ratingScale": ["a", "b"], "agentIds": ["x"]}}  # fmt: skip
    created = desk.body(CREATE_CYCLE, token=token, **variables)
    shared = desk.body(SHARE, token=token, id="x")
    for body in (created, shared):
        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert desk.data("{ reviewCycles { id } }")["reviewCycles"] == []
