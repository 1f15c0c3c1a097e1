"""A subscription sent over HTTP (POST, or GET with a query) is the client's mistake: 400
saying so, not a crash answered "Unexpected error." — subscriptions run over WebSocket."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.api import access_token, api_client

UPDATES = "subscription { scoresUpdated { grain periodStart } }"


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_subscription_over_http_is_a_400(
    container: Container, tenant: TenantProfile, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    client: TestClient = api_client(container)
    token = access_token(client, container, tenant.id)
    headers = {"Authorization": f"Bearer {token}"}

    if method == "POST":
        response = client.post("/graphql", json={"query": UPDATES}, headers=headers)
    else:
        response = client.get("/graphql", params={"query": UPDATES}, headers=headers)

    assert response.status_code == 400, response.text
    assert response.text == f"subscriptions are not allowed when using {method}"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # no crash logged


def test_queries_and_mutations_still_run_over_http(
    container: Container, tenant: TenantProfile
) -> None:
    client = api_client(container)
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    headers = {"Authorization": f"Bearer {token}"}
    query = client.get("/graphql", params={"query": "{ teams { name } }"}, headers=headers)
    mutation = client.post(
        "/graphql",
        json={"query": 'mutation { createTeam(name: "Tier 1") { ... on Team { name } } }'},
        headers=headers,
    )

    assert query.json() == {"data": {"teams": []}}
    assert mutation.json() == {"data": {"createTeam": {"name": "Tier 1"}}}
