"""A tenant with every kind of object the API exposes, built through the app's own paths
(signed webhooks, GraphQL mutations), and its rows read back from the database.

Every name and external id carries the tenant's tag, so another tenant's answer that
holds one of them is a leak found by a plain search.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, Text, cast, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlmodel import SQLModel
from starlette.testclient import TestClient

from domain.auth import ALL_SCOPES
from domain.ports import TenantId, TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, batch, graphql_data, post_webhook
from tests.support.derive import settle
from tests.support.owner import owner_engine
from tests.support.quality import EMAIL_QA, WEEK, ratings

MONTH = {"grain": "MONTH", "start": "2026-03-01"}
RESULT = "__typename ... on UserError { message }"

MUTATIONS = {
    "team": "mutation($n: String!, $e: String) { createTeam(name: $n, externalId: $e) {"
    " ... on Team { id } RESULT } }",
    "move": "mutation($i: UpdateAgentInput!) { updateAgent(input: $i) { RESULT } }",
    "model": "mutation($m: KpiModelInput!) { createKpiModel(model: $m) {"
    " ... on KpiModelVersion { id } RESULT } }",
    "activate": "mutation($id: ID!, $d: Date!) { activateKpiModel(id: $id, effectiveFrom: $d) {"
    " RESULT } }",
    "hours": "mutation($i: BusinessHoursInput!) { setBusinessHours(input: $i) { RESULT } }",
    "sla": "mutation($i: SlaTargetsInput!) { setSlaTargets(input: $i) { RESULT } }",
    "users": "mutation($p: PeriodInput!) { setActiveUsers(period: $p, count: 40) { RESULT } }",
    "scorecard": "mutation($i: ScorecardInput!) { createScorecard(input: $i) {"
    " ... on Scorecard { id } RESULT } }",
    "review": "mutation($i: SubmitReviewInput!) { submitReview(input: $i) {"
    " ... on Review { id } RESULT } }",
    "rule": "mutation($i: SamplingRuleInput!) { setSamplingRule(input: $i) { RESULT } }",
    "assign": "mutation($w: Date!) { generateReviewAssignments(weekStart: $w) { RESULT } }",
    "calibration": "mutation($i: CalibrationSessionInput!) { createCalibrationSession(input: $i) {"
    " ... on CalibrationSession { id } RESULT } }",
    "values": "mutation($v: [SupportValueInput!]!) { setSupportValues(values: $v) { RESULT } }",
    "rate": "mutation($i: ValueRatingInput!) { rateValue(input: $i) { RESULT } }",
    "survey": "mutation($i: PulseSurveyInput!) { createPulseSurvey(input: $i) {"
    " ... on PulseSurvey { id } RESULT } }",
    "respond": "mutation($i: SurveyResponseInput!) { submitSurveyResponse(input: $i) { RESULT } }",
    "client": 'mutation($n: String!) { createApiClient(scopes: ["read"], name: $n) { RESULT } }',
    "integration": 'mutation { createIntegration(source: "zendesk") { RESULT } }',
    "merge": "mutation($s: ID!, $t: ID!) { mergeAgents(sourceAgentId: $s, targetAgentId: $t) {"
    " RESULT } }",
    "track": "mutation($i: CareerTrackInput!) { createCareerTrack(input: $i) {"
    " ... on CareerTrack { id levels { id } } RESULT } }",
    "level": "mutation($i: SetAgentLevelInput!) { setAgentLevel(input: $i) { RESULT } }",
    "meeting": "mutation($i: CreateOneOnOneInput!) { createOneOnOne(input: $i) { RESULT } }",
    "goal": "mutation($i: CreateGoalInput!) { createGoal(input: $i) {"
    " ... on Goal { id } RESULT } }",
    "progress": "mutation($id: ID!, $i: UpdateGoalInput!) { updateGoal(id: $id, input: $i) {"
    " RESULT } }",
    "cycle": "mutation($i: ReviewCycleInput!) { createReviewCycle(input: $i) {"
    " ... on ReviewCycle { id } RESULT } }",
    "run_cycle": "mutation($c: ID!, $d: Date!) { runReviewCycle(cycleId: $c, periodStart: $d) {"
    " RESULT } }",
}
REVIEWS = "query($c: ID!) { performanceReviews(cycleId: $c) { edges { node { id } } } }"
SHARE = 'mutation($id: ID!) { sharePerformanceReview(id: $id, actorName: "Lea") { RESULT } }'


@dataclass
class ProbeTenant:
    """A tenant, a token of it holding every scope, and its tag."""

    profile: TenantProfile
    token: str
    tag: str

    @property
    def id(self) -> TenantId:
        return self.profile.id


def history(tag: str) -> list[dict[str, Any]]:
    """Four agents in two teams (`dup` is the same person as `ann`, merged later); five
    tickets first solved in the week of WEEK, one rated."""

    def solved(n: int, *repliers: str) -> Ticket:
        t = Ticket(f"T-{tag}-{n}").created(0, assignee=repliers[0], team=f"tier-{tag}")
        t.customer(1)
        for i, agent in enumerate(repliers):
            t.agent(10 + i, agent)
        return t.solve(60)

    ann, bob, lea, dup = (f"{name}-{tag}" for name in ("ann", "bob", "lea", "dup"))
    return [
        agent_profile(ann, team=f"tier-{tag}", name=f"Ann {tag}"),
        agent_profile(bob, team=f"tier-{tag}", name=f"Bob {tag}"),
        agent_profile(lea, team=f"lead-{tag}", name=f"Lea {tag}"),
        agent_profile(dup, team=f"tier-{tag}", name=f"Dup {tag}"),
        *solved(1, ann).events,
        *solved(2, bob).events,
        *solved(3, ann, bob).events,
        *solved(4, lea).events,
        *solved(5, dup).rate(70, 5).events,
    ]


def build_tenant(client: TestClient, container: Container, slug_prefix: str) -> ProbeTenant:
    """A tenant holding agents, teams, tickets, deliveries, a live model, business hours,
    reviews, assignments, a calibration session, value ratings, a pulse survey with a
    response, a review cycle with performance reviews (one shared), API clients,
    integrations and an agent merge."""
    tag = uuid.uuid4().hex[:8]
    profile = admin.create_tenant(
        container, slug=f"{slug_prefix}-{tag}", name=f"Tenant {tag}", timezone="Europe/Berlin"
    )
    token = access_token(client, container, profile.id, scopes=ALL_SCOPES)
    integration = admin.create_integration(
        container, tenant=profile.id, source="generic", secret=None
    )
    assert post_webhook(client, integration, batch(history(tag))).status_code == 202
    settle(container)

    def run(name: str, **variables: Any) -> dict[str, Any]:
        document = MUTATIONS[name].replace("RESULT", RESULT)
        [answer] = graphql_data(client, token, document, **variables).values()
        assert "message" not in answer, (name, answer)
        settle(container)
        return dict(answer)

    agents = {
        a["externalId"].split("-")[0]: a["id"]
        for a in graphql_data(client, token, "{ agents { id externalId } }")["agents"]
    }
    team = run("team", n=f"Team {tag}", e=f"ext-team-{tag}")["id"]
    run("move", i={"agentId": agents["bob"], "teamId": team, "from": "2026-03-04"})
    model = run("model", m=kpi_model(tag, team))["id"]
    run("activate", id=model, d="2026-03-02")
    weekly = [{"day": "MON", "intervals": [{"start": "09:00", "end": "17:00"}]}]
    run("hours", i={"effectiveFrom": "2026-01-01", "weekly": weekly, "teamId": team})
    run("sla", i={"firstResponse": [{"channel": "email", "seconds": 3600}]})
    run("users", p=MONTH)
    card = run("scorecard", i={**EMAIL_QA, "name": f"QA {tag}"})["id"]
    review_of = {"reviewerId": agents["lea"], "ratings": ratings(4, 2, 1), "scorecardId": card}
    run("review", i={**review_of, "ticket": {"externalId": f"T-{tag}-1"}})
    run("rule", i={"perAgentPerWeek": 1, "reviewerIds": [agents["lea"]]})
    run("assign", w=WEEK.isoformat())
    session = run(
        "calibration",
        i={
            "name": f"Calibration {tag}",
            "scorecardId": card,
            "tickets": [{"externalId": f"T-{tag}-2"}],
        },
    )["id"]
    run(
        "review",
        i={**review_of, "ticket": {"externalId": f"T-{tag}-2"}, "calibrationSessionId": session},
    )
    run("values", v=[{"key": f"care-{tag}", "label": f"Care {tag}"}])
    rating = {"agentId": agents["ann"], "raterId": agents["lea"], "valueKey": f"care-{tag}"}
    run("rate", i={**rating, "period": MONTH, "rating": 4})
    survey = {"title": f"Pulse {tag}", "questions": [{"key": "load", "text": f"Load {tag}"}]}
    survey_id = run("survey", i={**survey, "enps": True})["id"]
    run("respond", i={"surveyId": survey_id, "respondentId": agents["ann"], "enps": 9})
    run("client", n=f"Client {tag}")
    run("integration")
    career_track(run, tag, agents["ann"])
    items = [{"text": f"Shadow billing {tag}"}]
    meeting = {"agentId": agents["ann"], "managerId": agents["lea"], "heldOn": "2026-03-05"}
    run("meeting", i={**meeting, "agenda": f"Agenda {tag}", "actionItems": items})
    goals(run, tag, agents, team)
    performance_review(run, client, token, tag, agents, team)
    run("merge", s=agents["dup"], t=agents["ann"])
    return ProbeTenant(profile, token, tag)


def career_track(run: Callable[..., dict[str, Any]], tag: str, agent: str) -> None:
    """A career track of two levels (the second with evidence), the agent placed on it."""
    evidence = {"qaScore": {"minScore": 80}}
    levels = [
        {"name": f"Associate {tag}"},
        {
            "name": f"Senior {tag}",
            "expectations": [{"description": f"QA {tag}", "evidence": evidence}],
        },
    ]
    track = run("track", i={"name": f"Track {tag}", "kind": "TECHNICAL", "levels": levels})
    low, high = (level["id"] for level in track["levels"])
    placed = {"agentId": agent, "trackId": track["id"], "levelId": low, "targetLevelId": high}
    run("level", i={**placed, "note": f"Placed {tag}"})


def goals(run: Callable[..., dict[str, Any]], tag: str, agents: dict[str, str], team: str) -> None:
    """A tenant objective, a team goal under it and two agent goals (one metric-linked, one
    manual with its progress set): computed states and progress history."""
    days = {"startDate": "2026-03-01", "endDate": "2026-03-31"}
    solved = {"metric": "tickets_solved", "target": 3, "direction": "HIGHER_IS_BETTER"}
    company = run(
        "goal", i={"title": f"Company {tag}", "ownerKind": "TENANT", "kind": "MANUAL", **days}
    )
    team_goal = {"title": f"Team {tag}", "ownerKind": "TEAM", "ownerId": team, "kind": "METRIC"}
    under = run("goal", i={**team_goal, "metric": solved, "parentId": company["id"], **days})
    mine = {"ownerKind": "AGENT", "parentId": under["id"], **days}
    run(
        "goal",
        i={
            **mine,
            "title": f"Ann {tag}",
            "ownerId": agents["ann"],
            "kind": "METRIC",
            "metric": solved,
        },
    )
    dup = run("goal", i={**mine, "title": f"Dup {tag}", "ownerId": agents["dup"], "kind": "MANUAL"})
    run("progress", id=dup["id"], i={"progress": 0.5, "description": f"Halfway {tag}"})


def performance_review(
    run: Callable[..., dict[str, Any]],
    client: TestClient,
    token: str,
    tag: str,
    agents: dict[str, str],
    team: str,
) -> None:
    """A monthly review cycle run for March, and one of its reviews shared."""
    cycle = {
        "name": f"Monthly {tag}",
        "cadence": "MONTHLY",
        "reviewerId": agents["lea"],
        "agentIds": [agents["ann"], agents["bob"]],
        "teamReviewers": [{"teamId": team, "reviewerId": agents["lea"]}],
        "ratingScale": [f"Below {tag}", f"Meets {tag}"],
    }
    cycle_id = run("cycle", i=cycle)["id"]
    run("run_cycle", c=cycle_id, d=MONTH["start"])
    [review, *_] = graphql_data(client, token, REVIEWS, c=cycle_id)["performanceReviews"]["edges"]
    [shared] = graphql_data(
        client, token, SHARE.replace("RESULT", RESULT), id=review["node"]["id"]
    ).values()
    assert "message" not in shared, shared


def kpi_model(tag: str, team: str) -> dict[str, Any]:
    component = {
        "metric": "tickets_solved",
        "weight": 1,
        "target": 5,
        "direction": "HIGHER_IS_BETTER",
        "minSample": 1,
    }
    return {"name": f"Model {tag}", "components": [component], "level": "TEAM", "teamId": team}


# --- the tenant's rows, read directly --------------------------------------------------------


def tenant_tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if "tenant_id" in t.c]


def snapshot(container: Container, tenant: TenantId) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the tenant owns, table by table, in a stable order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with owner_engine(container).connect() as conn:
        for table in tenant_tables():
            stmt = select(table).where(table.c.tenant_id == tenant)
            found = conn.execute(stmt.order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(r) for r in found]
    return rows


def fingerprint(container: Container, tenant: TenantId) -> dict[str, str]:
    """A digest of the tenant's rows per table, in one statement: cheap enough to take after
    every call (PostgreSQL: md5 of the rows' text forms in order)."""
    parts = []
    for table in tenant_tables():
        row = cast(table.table_valued(), Text)
        rows = func.coalesce(func.string_agg(row, aggregate_order_by(literal(","), row)), "")
        digest = select(literal(table.name), func.md5(rows))
        parts.append(digest.where(table.c.tenant_id == tenant))
    with owner_engine(container).connect() as conn:
        return {name: value for name, value in conn.execute(union_all(*parts))}


def strings_of(rows: dict[str, list[tuple[Any, ...]]]) -> set[str]:
    """The string values of a snapshot (ids, names, external ids, keys …)."""
    return {v for table in rows.values() for row in table for v in row if isinstance(v, str)}
