"""A token only ever sees its own tenant (SPEC §6), by every query, and a webhook
integration only accepts its own tenant's signatures.

The tenants deliberately share external ids (agent `a1`, team `tier1`, ticket `SHARED`)
with different facts, so a leak shows up in the values, not only as an extra row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import TICKET_EVENT, WEBHOOK_DELIVERY
from tests.factories import Ticket, agent_profile
from tests.support.api import (
    access_token,
    api_client,
    batch,
    count_rows,
    graphql_data,
    post_webhook,
)
from tests.support.derive import apply_and_settle

# Every statement of every unit of work here names its tenant (issue 11).
pytestmark = pytest.mark.usefixtures("only_scoped_statements")

WEEK = {"grain": "WEEK", "start": "2026-03-02"}
SCORED = "metrics { key value sampleSize }"
AGENTS = "{ agents { id name externalId team { id name } } }"
TEAMS = "{ teams { id name } }"
AGENT = "query ($id: ID!) { agent(id: $id) { id name } }"
TICKET = """query ($id: String!) {
  ticket(externalId: $id) { externalId status publicAgentReplyCount eventCount
                            assignee { id name } }
}"""
AGENT_SCORES = f"""query ($p: PeriodInput!) {{
  agentScores(period: $p) {{ agent {{ id name }} {SCORED} }}
}}"""
TEAM_SCORES = f"query ($p: PeriodInput!) {{ teamScores(period: $p) {{ team {{ id }} {SCORED} }} }}"
TENANT_METRICS = f"query ($p: PeriodInput!) {{ tenantMetrics(period: $p) {{ {SCORED} }} }}"


def solved(ticket_id: str, agent: str, team: str, *, replies: int = 1) -> list[dict[str, Any]]:
    t = Ticket(ticket_id).created(0, assignee=agent, team=team).customer(1)
    for i in range(replies):
        t.agent(30 + i, agent)
    return t.solve(60).events


def tenant_a_history() -> list[dict[str, Any]]:
    """Two agents in one team; three tickets created and solved, one reply each."""
    return [
        agent_profile("a1", team="tier1", name="Ada (A)"),
        agent_profile("a2", team="tier1", name="Abe (A)"),
        *solved("A-1", "a1", "tier1"),
        *solved("A-2", "a2", "tier1"),
        *solved("SHARED", "a1", "tier1"),
    ]


def tenant_b_history() -> list[dict[str, Any]]:
    """Same external ids where possible, other names, other numbers: 5 created, 4 solved."""
    shared = Ticket("SHARED").created(0, assignee="a1", team="tier1").customer(1)
    shared.agent(10, "a1").agent(20, "a1").agent(30, "a1")  # three replies, never solved
    return [
        agent_profile("a1", team="tier1", name="Bea (B)"),
        agent_profile("b9", team="tier9", name="Bo (B)"),
        *solved("B-1", "a1", "tier1"),
        *solved("B-2", "a1", "tier1"),
        *solved("B-3", "b9", "tier9"),
        *solved("B-4", "b9", "tier9"),
        *shared.events,
    ]


@dataclass
class Tenants:
    client: TestClient
    container: Container
    a: TenantProfile
    b: TenantProfile
    token_a: str
    token_b: str

    def as_a(self, query: str, **variables: Any) -> dict[str, Any]:
        return graphql_data(self.client, self.token_a, query, **variables)

    def as_b(self, query: str, **variables: Any) -> dict[str, Any]:
        return graphql_data(self.client, self.token_b, query, **variables)


@pytest.fixture
def tenants(container: Container, tenant: TenantProfile) -> Tenants:
    other = admin.create_tenant(
        container, slug=f"b-{uuid.uuid4().hex[:8]}", name="Other Co", timezone="Europe/Berlin"
    )
    apply_and_settle(container, tenant.id, source="generic", events=tenant_a_history())
    apply_and_settle(container, other.id, source="generic", events=tenant_b_history())
    client = api_client(container)
    return Tenants(
        client,
        container,
        tenant,
        other,
        access_token(client, container, tenant.id),
        access_token(client, container, other.id),
    )


def ids(rows: list[dict[str, Any]], key: str | None = None) -> set[str]:
    return {(row[key] if key else row)["id"] for row in rows}


def metric(scored: dict[str, Any], key: str) -> float | None:
    return next(m["value"] for m in scored["metrics"] if m["key"] == key)


# --- people --------------------------------------------------------------------------------


def test_agents_lists_only_the_tokens_tenant(tenants: Tenants) -> None:
    mine = tenants.as_a(AGENTS)["agents"]
    theirs = tenants.as_b(AGENTS)["agents"]

    assert {a["name"] for a in mine} == {"Ada (A)", "Abe (A)"}
    assert {a["name"] for a in theirs} == {"Bea (B)", "Bo (B)"}
    assert not ids(mine) & ids(theirs)
    assert {a["team"]["id"] for a in mine} <= ids(tenants.as_a(TEAMS)["teams"])


def test_teams_lists_only_the_tokens_tenant(tenants: Tenants) -> None:
    mine = tenants.as_a(TEAMS)["teams"]
    theirs = tenants.as_b(TEAMS)["teams"]

    assert len(mine) == 1
    assert len(theirs) == 2
    assert not ids(mine) & ids(theirs)


def test_another_tenants_agent_is_null_by_id(tenants: Tenants) -> None:
    [own, *_] = tenants.as_a(AGENTS)["agents"]
    foreign = ids(tenants.as_b(AGENTS)["agents"])

    assert tenants.as_a(AGENT, id=own["id"])["agent"]["name"] == own["name"]
    for agent_id in foreign:
        assert tenants.as_a(AGENT, id=agent_id) == {"agent": None}


# --- tickets -------------------------------------------------------------------------------


def test_another_tenants_ticket_is_null_by_external_id(tenants: Tenants) -> None:
    assert tenants.as_a(TICKET, id="A-1")["ticket"]["externalId"] == "A-1"
    assert tenants.as_b(TICKET, id="B-1")["ticket"]["externalId"] == "B-1"

    assert tenants.as_a(TICKET, id="B-1") == {"ticket": None}
    assert tenants.as_b(TICKET, id="A-1") == {"ticket": None}


def test_a_ticket_id_both_tenants_use_shows_each_its_own_facts(tenants: Tenants) -> None:
    mine = tenants.as_a(TICKET, id="SHARED")["ticket"]
    theirs = tenants.as_b(TICKET, id="SHARED")["ticket"]

    assert (mine["status"], mine["publicAgentReplyCount"], mine["eventCount"]) == ("solved", 1, 4)
    assert (theirs["status"], theirs["publicAgentReplyCount"], theirs["eventCount"]) == (
        "open",
        3,
        5,
    )
    assert mine["assignee"]["name"] == "Ada (A)"
    assert theirs["assignee"]["name"] == "Bea (B)"


# --- scores and metrics --------------------------------------------------------------------


def test_agent_scores_hold_only_the_tokens_agents_and_numbers(tenants: Tenants) -> None:
    scores = tenants.as_a(AGENT_SCORES, p=WEEK)["agentScores"]

    assert ids(scores, "agent") == ids(tenants.as_a(AGENTS)["agents"])
    solved_by = {s["agent"]["name"]: metric(s, "tickets_solved") for s in scores}
    assert solved_by == {"Ada (A)": 2, "Abe (A)": 1}


def test_team_scores_hold_only_the_tokens_teams_and_numbers(tenants: Tenants) -> None:
    mine = tenants.as_a(TEAM_SCORES, p=WEEK)["teamScores"]
    theirs = tenants.as_b(TEAM_SCORES, p=WEEK)["teamScores"]

    assert ids(mine, "team") == ids(tenants.as_a(TEAMS)["teams"])
    assert [metric(t, "tickets_solved") for t in mine] == [3]
    assert sorted(metric(t, "tickets_solved") or 0 for t in theirs) == [2, 2]


def test_tenant_metrics_count_only_the_tokens_tenant(tenants: Tenants) -> None:
    mine = tenants.as_a(TENANT_METRICS, p=WEEK)["tenantMetrics"]
    theirs = tenants.as_b(TENANT_METRICS, p=WEEK)["tenantMetrics"]

    assert (metric(mine, "tickets_created"), metric(mine, "tickets_solved")) == (3, 3)
    assert (metric(theirs, "tickets_created"), metric(theirs, "tickets_solved")) == (5, 4)


# --- webhooks ------------------------------------------------------------------------------


def test_a_webhook_to_one_tenants_integration_signed_with_anothers_secret_is_401(
    tenants: Tenants,
) -> None:
    c = tenants.container
    integration_a = admin.create_integration(c, tenant=tenants.a.id, source="generic", secret=None)
    integration_b = admin.create_integration(c, tenant=tenants.b.id, source="generic", secret=None)
    events_before = count_rows(c, TICKET_EVENT, tenants.b.id)
    body = batch(solved("B-99", "a1", "tier1"))

    forged = post_webhook(tenants.client, integration_b, body, secret=integration_a.secret)
    c.queue.join()

    assert forged.status_code == 401
    assert count_rows(c, WEBHOOK_DELIVERY, tenants.b.id) == 0
    assert count_rows(c, WEBHOOK_DELIVERY, tenants.a.id) == 0
    assert count_rows(c, TICKET_EVENT, tenants.b.id) == events_before
    # Control: B's own secret is accepted, and the ticket lands in B only.
    assert post_webhook(tenants.client, integration_b, body).status_code == 202
    c.queue.join()
    assert tenants.as_b(TICKET, id="B-99")["ticket"] is not None
    assert tenants.as_a(TICKET, id="B-99") == {"ticket": None}
