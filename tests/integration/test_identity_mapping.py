"""One person, several helpdesks: agents are matched by external id per source, then by
e-mail (whatever order the e-mail arrives in); admins merge and unmerge the rest, and the
metrics follow the people, not the ids."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.factories import Ticket, agent_profile
from tests.support.api import access_token, graphql, graphql_data
from tests.support.derive import apply_and_settle
from tests.support.vendor_payloads import LIFECYCLES, Lifecycle
from tests.support.vendors import Delivery, send

AGENTS = "{ agents { id name email active externalIds { source id } } }"
ALL_AGENTS = """{ active: agents(active: true) { id externalIds { source id } }
                  inactive: agents(active: false) { id externalIds { source id } } }"""
SCORES = """
query ($period: PeriodInput!) {
  agentScores(period: $period) { agent { id } metrics { key value sampleSize } }
}"""
MERGE = """
mutation ($source: ID!, $target: ID!) {
  mergeAgents(sourceAgentId: $source, targetAgentId: $target) {
    __typename
    ... on AgentMerge { action identities { source id } fromAgent { id active } toAgent { id } }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
UNMERGE = """
mutation ($agent: ID!, $source: String!, $external: String!) {
  unmergeAgent(agentId: $agent, source: $source, externalId: $external) {
    __typename
    ... on AgentMerge { action fromAgent { id } toAgent { id name active } }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
HISTORY = (
    "{ agentMerges { action actor identities { source id } fromAgent { id } toAgent { id } } }"
)
MARCH = {"grain": "MONTH", "start": "2026-03-01"}


@pytest.fixture
def token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    return access_token(client, container, tenant.id, scopes=("read", "admin"))


def by_identity(client: TestClient, token: str) -> dict[str, dict[str, Any]]:
    """Every agent, keyed by each of its 'source:id' identities."""
    agents = graphql_data(client, token, AGENTS)["agents"]
    return {f"{e['source']}:{e['id']}": a for a in agents for e in a["externalIds"]}


def solved(client: TestClient, token: str, period: dict[str, str]) -> dict[str, Any]:
    """tickets_solved and first_response_time (value, sample) per agent id."""
    scores = graphql_data(client, token, SCORES, period=period)["agentScores"]
    wanted = ("tickets_solved", "first_response_time")
    return {
        s["agent"]["id"]: {
            m["key"]: (m["value"], m["sampleSize"]) for m in s["metrics"] if m["key"] in wanted
        }
        for s in scores
    }


def send_life(
    client: TestClient, container: Container, tenant: TenantProfile, source: str, life: Lifecycle
) -> None:
    integration = admin.create_integration(
        container, tenant=tenant.id, source=source, secret="k-" + source
    )
    for delivery in life.deliveries:
        assert send(client, integration, delivery).status_code == 202
    container.queue.join()


def chatwoot_as(email: str) -> Lifecycle:
    """The Chatwoot lifecycle with its agent's e-mail changed."""
    life = LIFECYCLES["chatwoot"]()
    swapped = [
        Delivery(
            json.loads(json.dumps(d.payload).replace("person3@example.com", email)),
            d.event,
            d.headers,
        )
        for d in life.deliveries
    ]
    return Lifecycle(swapped, life.agent, life.month, life.first_response)


@pytest.mark.parametrize("zendesk_first", [True, False], ids=["zendesk first", "chatwoot first"])
def test_one_person_in_two_helpdesks_is_one_agent_matched_by_email(
    client: TestClient, container: Container, tenant: TenantProfile, token: str, zendesk_first: bool
) -> None:
    # Zendesk names agent 901 by id and name first, its e-mail comes with the rating;
    # Chatwoot names agent 3 as assignee first, its e-mail comes with its first reply.
    lives = [("zendesk", LIFECYCLES["zendesk"]()), ("chatwoot", chatwoot_as("person2@example.com"))]
    for source, life in lives if zendesk_first else reversed(lives):
        send_life(client, container, tenant, source, life)

    agents = by_identity(client, token)
    assert agents["zendesk:901"]["id"] == agents["chatwoot:3"]["id"]
    person = agents["zendesk:901"]["id"]
    assert [a["id"] for a in graphql_data(client, token, AGENTS)["agents"] if a["active"]] == [
        person
    ]
    for _, life in lives:  # each helpdesk's solve and reply count for the one person
        period = {"grain": "MONTH", "start": life.month.isoformat()}
        assert solved(client, token, period)[person]["tickets_solved"] == (1, 1)
    [merge] = graphql_data(client, token, HISTORY)["agentMerges"]
    assert (merge["action"], merge["actor"]) == ("MERGE", "e-mail match")


def test_different_emails_stay_different_agents(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    send_life(client, container, tenant, "zendesk", LIFECYCLES["zendesk"]())
    send_life(client, container, tenant, "chatwoot", chatwoot_as("someone.else@example.com"))

    agents = by_identity(client, token)

    assert agents["zendesk:901"]["id"] != agents["chatwoot:3"]["id"]
    assert graphql_data(client, token, HISTORY)["agentMerges"] == []


def two_agents(container: Container, tenant: TenantProfile) -> None:
    """a1 (generic) answers in 30 min, zd-7 (zendesk) in 10 min; each solves one ticket."""
    one = Ticket("G-1").created(0, assignee="a1").customer(0).agent(30, "a1").solve(40)
    two = Ticket("Z-1").created(0, assignee="zd-7").customer(0).agent(10, "zd-7").solve(20)
    apply_and_settle(container, tenant.id, source="generic", events=one.events)
    apply_and_settle(container, tenant.id, source="zendesk", events=two.events)


def test_merging_two_agents_moves_identities_and_metrics_and_can_be_undone(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    two_agents(container, tenant)
    agents = by_identity(client, token)
    keep, gone = agents["generic:a1"]["id"], agents["zendesk:zd-7"]["id"]

    merged = graphql_data(client, token, MERGE, source=gone, target=keep)["mergeAgents"]
    container.queue.join()  # type: ignore[attr-defined]  # the re-attribution job

    assert merged["identities"] == [{"source": "zendesk", "id": "zd-7"}]
    assert (merged["fromAgent"], merged["toAgent"]) == ({"id": gone, "active": False}, {"id": keep})
    after = solved(client, token, MARCH)
    assert after[keep] == {"tickets_solved": (2, 2), "first_response_time": (1200.0, 2)}
    assert gone not in after  # inactive agents are not scored
    listing = graphql_data(client, token, ALL_AGENTS)
    assert [a["id"] for a in listing["inactive"]] == [gone]

    undone = graphql_data(client, token, UNMERGE, agent=keep, source="zendesk", external="zd-7")
    container.queue.join()  # type: ignore[attr-defined]

    assert undone["unmergeAgent"]["toAgent"]["id"] == gone  # the same agent comes back
    restored = solved(client, token, MARCH)
    assert restored[keep]["tickets_solved"] == restored[gone]["tickets_solved"] == (1, 1)
    assert restored[gone]["first_response_time"] == (600.0, 1)
    history = graphql_data(client, token, HISTORY)["agentMerges"]
    assert [h["action"] for h in history] == ["UNMERGE", "MERGE"]


def test_unmerging_an_identity_matched_by_email_gives_it_a_new_agent(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    profile = agent_profile("a1", team=None, email="sam@example.com", name="Sam")
    same = agent_profile("ic-9", team=None, email="SAM@example.com", name="Sam I.")
    apply_and_settle(container, tenant.id, source="generic", events=[profile])
    answered = Ticket("I-1").created(0, assignee="ic-9").customer(0).agent(5, "ic-9").solve(9)
    apply_and_settle(container, tenant.id, source="intercom", events=[same, *answered.events])
    sam = by_identity(client, token)["generic:a1"]["id"]
    assert by_identity(client, token)["intercom:ic-9"]["id"] == sam

    result = graphql_data(client, token, UNMERGE, agent=sam, source="intercom", external="ic-9")
    container.queue.join()  # type: ignore[attr-defined]

    detached = result["unmergeAgent"]["toAgent"]
    assert (detached["name"], detached["active"]) == ("Sam I.", True)
    assert detached["id"] != sam
    assert solved(client, token, MARCH)[detached["id"]]["tickets_solved"] == (1, 1)
    assert solved(client, token, MARCH)[sam]["tickets_solved"] == (0, 0)  # a count: 0


def test_an_unmerged_identity_is_not_matched_by_email_again(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    send_life(client, container, tenant, "zendesk", LIFECYCLES["zendesk"]())
    send_life(client, container, tenant, "chatwoot", chatwoot_as("person2@example.com"))
    person = by_identity(client, token)["zendesk:901"]["id"]
    graphql_data(client, token, UNMERGE, agent=person, source="chatwoot", external="3")

    later = chatwoot_as("person2@example.com").deliveries[2]  # the agent replies again
    later.payload.update(id=17560, created_at="2023-10-10T00:30:00Z")
    integration = admin.create_integration(
        container, tenant=tenant.id, source="chatwoot", secret="k2"
    )
    assert send(client, integration, Delivery(later.payload)).status_code == 202
    container.queue.join()

    agents = by_identity(client, token)
    assert agents["chatwoot:3"]["id"] != person


@pytest.mark.parametrize(
    ("case", "kind", "field"),
    [
        ("self", "ValidationError", "targetAgentId"),
        ("unknown", "NotFoundError", None),
        ("only identity", "ValidationError", "externalId"),
        ("not its identity", "NotFoundError", None),
    ],
)
def test_impossible_merges_are_typed_errors(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    token: str,
    case: str,
    kind: str,
    field: str | None,
) -> None:
    two_agents(container, tenant)
    agents = by_identity(client, token)
    a1, zd = agents["generic:a1"]["id"], agents["zendesk:zd-7"]["id"]
    calls = {
        "self": (MERGE, {"source": a1, "target": a1}, "mergeAgents"),
        "unknown": (MERGE, {"source": "nobody", "target": a1}, "mergeAgents"),
        "only identity": (
            UNMERGE,
            {"agent": a1, "source": "generic", "external": "a1"},
            "unmergeAgent",
        ),
        "not its identity": (
            UNMERGE,
            {"agent": a1, "source": "zendesk", "external": "zd-7"},
            "unmergeAgent",
        ),
    }
    query, variables, name = calls[case]

    result = graphql_data(client, token, query, **variables)[name]

    assert result["__typename"] == kind
    assert result.get("field") == field
    assert by_identity(client, token)["zendesk:zd-7"]["id"] == zd  # nothing moved


def test_merging_needs_the_admin_scope(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    reader = access_token(client, container, tenant.id, scopes=("read",))

    body = graphql(client, reader, MERGE, source="a", target="b").json()

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
