"""GRAPHQL_MAX_COST (api/graphql_cost.py): an operation whose estimated cost is over it is
refused after validation with code QUERY_TOO_COSTLY and nothing executes; under it, it
runs. Pages of 500 tickets, aliased side by side, are what the other document limits let
through."""

from __future__ import annotations

from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from tests.support.api import access_token, graphql
from tests.support.sql import statements

NODE = "externalId channel status createdAt firstReplyAt assignee { id name } metrics { key value }"
PAGE = f"tickets(first: $first) {{ totalCount edges {{ node {{ {NODE} }} }} }}"


def pages(count: int) -> str:
    aliases = " ".join(f"p{n}: {PAGE}" for n in range(count))
    return f"query Pages($first: Int) {{ {aliases} }}"


def test_an_operation_over_the_cost_limit_is_refused_before_it_runs(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    assert container.settings.graphql_max_cost == 50_000
    token = access_token(client, container, tenant.id)

    with statements(container, r"\bticket\b") as ran:
        response = graphql(client, token, pages(9), first=500)

    assert response.status_code == 200
    body = response.json()
    (error,) = body["errors"]
    # each page: tickets, totalCount, edges once; node and its 11 fields 500 times
    cost = 9 * (3 + 500 * 12)
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": 50_000}
    assert "GRAPHQL_MAX_COST" in error["message"]
    assert body.get("data") is None
    assert ran == []


def test_an_operation_under_the_limit_runs(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id)

    fewer_pages = graphql(client, token, pages(8), first=500)  # 48,024
    smaller_pages = graphql(client, token, pages(15), first=100)

    for response in (smaller_pages, fewer_pages):
        assert response.status_code == 200
        body = response.json()
        assert "errors" not in body, body
        assert body["data"]["p0"] == {"totalCount": 0, "edges": []}
