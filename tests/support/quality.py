"""A small support desk for the quality tests: agents, tickets, a token, GraphQL calls.

Agents `ann` and `bob` work in team `tier1`, `lead` in team `leads`. Tickets are first
solved in the ISO week of Monday 2026-03-02; reviews are dated when they are submitted,
so their metrics land in the current period (`current_period`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, api_client, graphql, graphql_data
from tests.support.derive import apply_and_settle, settle

WEEK = date(2026, 3, 2)
ALL_SCOPES = ("read", "admin", "reviews:write")

EMAIL_QA = {
    "name": "Email QA",
    "categories": [
        {"key": "solution", "label": "Solution", "weight": 2, "scale": "FIVE_POINT",
         "group": "accuracy"},
        {"key": "tone", "label": "Tone", "weight": 1, "scale": "THREE_POINT", "group": "tone"},
        {"key": "privacy", "label": "Privacy", "weight": 1, "scale": "BINARY",
         "critical": True, "allowNa": True},
    ],
}  # fmt: skip

CREATE_SCORECARD = """mutation($input: ScorecardInput!) {
  createScorecard(input: $input) {
    __typename
    ... on Scorecard { id version name groups categories { key scale points critical allowNa } }
    ... on ValidationError { message field }
  }
}"""

SUBMIT = """mutation($input: SubmitReviewInput!) {
  submitReview(input: $input) {
    __typename
    ... on Review {
      id score weightedScore failedCritical kind reviewedAt scorecardVersion
      reviewee { id } reviewer { id } ticket { source externalId }
      categories { key rating normalised comment } groups { group score }
    }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""

AGENT_SCORES = """query($p: PeriodInput!) {
  agentScores(period: $p) { agent { id } metrics { key value sampleSize } }
}"""


def solved(ticket_id: str, *repliers: str, assignee: str | None = None, **kw: Any) -> Ticket:
    """A ticket created, answered by each replier in turn, then solved (week of WEEK)."""
    t = Ticket(ticket_id).created(0, assignee=assignee or (repliers[0] if repliers else None), **kw)
    t.customer(1)
    for n, agent in enumerate(repliers):
        t.agent(10 + n, agent)
    return t.solve(60)


def desk_history() -> list[dict[str, Any]]:
    return [
        agent_profile("ann", team="tier1", name="Ann"),
        agent_profile("bob", team="tier1", name="Bob"),
        agent_profile("lead", team="leads", name="Lea Lead"),
        *solved("T-ANN", "ann").events,
        *solved("T-ANN-2", "ann").events,
        *solved("T-BOB", "bob").events,
        *solved("T-BOTH", "ann", "bob").events,
        *solved("T-LEAD", "lead").events,
        *Ticket("T-SILENT").created(0, assignee="ann").customer(1).solve(60).events,
    ]


def current_period(grain: str = "MONTH", timezone: str = "Europe/Berlin") -> dict[str, str]:
    today = datetime.now(UTC).astimezone(ZoneInfo(timezone)).date()
    return {"grain": grain, "start": today.isoformat()}


@dataclass
class Desk:
    client: TestClient
    container: Container
    tenant: TenantProfile
    token: str
    agents: dict[str, str]  # external id → agent id

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """A GraphQL call, then the derivation its commit requested (scores follow the
        reconciler, a job after the commit)."""
        found = self.data_now(query, **variables)
        settle(self.container)
        return found

    def data_now(self, query: str, **variables: Any) -> dict[str, Any]:
        """A GraphQL call that does not wait for the derivation it requested."""
        return graphql_data(self.client, self.token, query, **variables)

    def body(self, query: str, *, token: str | None = None, **variables: Any) -> dict[str, Any]:
        response = graphql(self.client, token or self.token, query, **variables)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def token_with(self, *scopes: str) -> str:
        return access_token(self.client, self.container, self.tenant.id, scopes=scopes)

    def scorecard(self, card: dict[str, Any] | None = None) -> dict[str, Any]:
        created = self.data(CREATE_SCORECARD, input=card or EMAIL_QA)["createScorecard"]
        assert created["__typename"] == "Scorecard", created
        return dict(created)

    def submit(self, **fields: Any) -> dict[str, Any]:
        return dict(self.data(SUBMIT, input=fields)["submitReview"])

    def metrics(self, agent: str, period: dict[str, str] | None = None) -> dict[str, Any]:
        rows = self.data(AGENT_SCORES, p=period or current_period())["agentScores"]
        row = next(r for r in rows if r["agent"]["id"] == self.agents[agent])
        return {m["key"]: m for m in row["metrics"]}


def ratings(
    solution: int, tone: int | None, privacy: int | None, *, comments: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Ratings of the EMAIL_QA categories (None = N/A), with optional comments."""
    comments = comments or {}
    given = {"solution": solution, "tone": tone, "privacy": privacy}
    return [
        {
            "category": key,
            "rating": value,
            **({"comment": comments[key]} if key in comments else {}),
        }
        for key, value in given.items()
    ]


def open_desk(container: Container, tenant: TenantProfile) -> Desk:
    apply_and_settle(container, tenant.id, source="generic", events=desk_history())
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=ALL_SCOPES)
    rows = graphql_data(client, token, "{ agents { id externalId } }")["agents"]
    return Desk(client, container, tenant, token, {a["externalId"]: a["id"] for a in rows})
