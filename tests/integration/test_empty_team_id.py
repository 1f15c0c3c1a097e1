"""An explicit empty `teamId` is a client mistake, answered the same way by the CSV export
(400) and GraphQL agentScores (BAD_USER_INPUT), not "every agent" in one and "none" in the
other."""

from __future__ import annotations

from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.api import access_token, graphql

AGENT_SCORES = """query($p: PeriodInput!, $t: ID) {
  agentScores(period: $p, teamId: $t) { agent { id } } }"""


def test_an_empty_team_id_is_refused_by_the_export_and_by_graphql(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id)
    response = client.get(
        "/exports/agent-scores.csv",
        params={"grain": "MONTH", "start": "2025-03-01", "teamId": ""},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400, response.text
    assert "teamId" in response.text
    body = graphql(client, token, AGENT_SCORES, p={"grain": "MONTH", "start": "2025-03-01"}, t="")
    (error,) = body.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "teamId"}, error
    assert "teamId" in error["message"]
