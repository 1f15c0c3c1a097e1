"""Scopes of SPEC §7 (performance management is HR data): every query needs `people:read`
and every mutation `people:write`; `read`, `admin` and `reviews:write` give nothing of it —
not even an empty answer — and neither people scope implies the other.

Each §7 package adds its root fields to QUERIES or MUTATIONS below: one test covers them
all. The goals of a tenant exist when the calls are made, so an allowed call would answer
with data: a refusal is a refusal, not an empty list."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.api import access_token, graphql

# root field → a document calling it
QUERIES = {
    "goals": "{ goals { id title progress } }",
    "goal": '{ goal(id: "GOAL") { id title } }',
    "careerTracks": "{ careerTracks { id } }",
    "agentCareerLevels": '{ agentCareerLevels(agentId: "x") { effectiveOn } }',
    "careerReadiness": '{ careerReadiness(agentId: "x") { __typename } }',
    "oneOnOnes": '{ oneOnOnes(agentId: "x") { totalCount } }',
}
MUTATIONS = {
    "createGoal": """mutation { createGoal(input: {title: "T", ownerKind: TENANT, kind: MANUAL,
      startDate: "2026-01-01", endDate: "2026-12-31"}) { __typename } }""",
    "updateGoal": """mutation { updateGoal(id: "GOAL", input: {progress: 0.5}) {
      __typename } }""",
    "createCareerTrack": """mutation { createCareerTrack(input: {name: "T", kind: TECHNICAL,
      levels: [{name: "A"}]}) { __typename } }""",
    "setAgentLevel": """mutation { setAgentLevel(input: {agentId: "x", trackId: "y",
      levelId: "z"}) { __typename } }""",
    "createOneOnOne": """mutation { createOneOnOne(input: {agentId: "x", managerId: "y",
      heldOn: "2026-03-05"}) { __typename } }""",
    "updateOneOnOne": 'mutation { updateOneOnOne(id: "x", input: {}) { __typename } }',
    "createGoalFromActionItem": """mutation { createGoalFromActionItem(oneOnOneId: "x",
      itemId: "y", input: {endDate: "2026-06-30"}) { __typename } }""",
}
NOT_PEOPLE = ("read", "admin", "reviews:write")


def refused(client: TestClient, token: str, document: str, goal_id: str) -> dict[str, Any]:
    body = graphql(client, token, document.replace("GOAL", goal_id)).json()
    # a nullable root field answers null beside its error, a non-null one no data at all
    assert not any((body.get("data") or {}).values()), body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}, body
    return dict(body)


@pytest.fixture
def goal_id(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    token = access_token(client, container, tenant.id, scopes=("people:write",))
    body = graphql(
        client, token, MUTATIONS["createGoal"].replace("__typename", "... on Goal { id }")
    )
    return str(body.json()["data"]["createGoal"]["id"])


# (scopes of the token, the fields it must be refused)
REFUSALS = [
    (NOT_PEOPLE, sorted(QUERIES.keys() | MUTATIONS.keys())),  # nothing of §7
    (("read", "people:read"), sorted(MUTATIONS)),  # people:read cannot write
    (("read", "people:write"), sorted(QUERIES)),  # people:write cannot read
]


@pytest.mark.parametrize(
    ("scopes", "field"), [(scopes, f) for scopes, fields in REFUSALS for f in fields]
)
def test_a_token_without_the_people_scope_a_field_needs_gets_nothing_of_it(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    goal_id: str,
    scopes: tuple[str, ...],
    field: str,
) -> None:
    token = access_token(client, container, tenant.id, scopes=scopes)
    refused(client, token, {**QUERIES, **MUTATIONS}[field], goal_id)


@pytest.mark.parametrize("field", sorted(QUERIES))
def test_people_read_reads(
    client: TestClient, container: Container, tenant: TenantProfile, goal_id: str, field: str
) -> None:
    """The control: the same documents answer with data under `people:read` (the goal's
    own, for the goal fields)."""
    token = access_token(client, container, tenant.id, scopes=("people:read",))
    body = graphql(client, token, QUERIES[field].replace("GOAL", goal_id)).json()
    assert not body.get("errors"), body
    assert body["data"][field] is not None
    if field.startswith("goal"):
        assert goal_id in str(body["data"])
