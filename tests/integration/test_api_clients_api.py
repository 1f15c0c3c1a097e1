"""Admins create, list, revoke and rotate their tenant's API clients through GraphQL
(SPEC §6): a secret is returned once, never listed; another tenant's client is not found."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.support.api import access_token, graphql, graphql_data, request_token

CLIENT = "client { id name scopes active createdAt revokedAt secretRotatedAt }"
CREATE = f"""
mutation ($scopes: [String!]!, $name: String! = "") {{
  createApiClient(scopes: $scopes, name: $name) {{
    __typename
    ... on CreatedApiClient {{ secret {CLIENT} }}
    ... on ValidationError {{ message field }}
  }}
}}"""
REVOKE = """
mutation ($id: ID!) {
  revokeApiClient(id: $id) {
    __typename
    ... on ApiClient { id active revokedAt }
    ... on NotFoundError { message }
  }
}"""
ROTATE = """
mutation ($id: ID!, $grace: Int) {
  rotateApiClientSecret(id: $id, graceSeconds: $grace) {
    __typename
    ... on RotatedApiClientSecret {
      secret client { id active secretRotatedAt previousSecretValidUntil }
    }
    ... on ValidationError { message field }
    ... on NotFoundError { message }
  }
}"""
LIST = "{ apiClients { id name scopes active createdAt revokedAt secretRotatedAt } }"


@pytest.fixture
def token(client: TestClient, container: Container, tenant: TenantProfile) -> str:
    return access_token(client, container, tenant.id, scopes=("read", "admin"))


def mutate(client: TestClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    data = graphql_data(client, token, query, **variables)
    return dict(next(iter(data.values())))


def test_a_created_client_gets_tokens_and_its_secret_is_never_listed(
    client: TestClient, token: str
) -> None:
    created = mutate(client, token, CREATE, scopes=["read"], name="dashboard")

    assert created["__typename"] == "CreatedApiClient"
    new = created["client"]
    assert new["scopes"] == ["read"] and new["name"] == "dashboard" and new["active"]
    issued = request_token(client, new["id"], created["secret"])
    assert issued.status_code == 200 and issued.json()["scope"] == "read"
    listing = graphql_data(client, token, LIST)["apiClients"]
    assert new in listing
    assert len(listing) == 2  # the admin's own client and the new one
    assert created["secret"] not in json.dumps(listing)


@pytest.mark.parametrize(
    ("scopes", "needle"),
    [([], "unknown scopes"), (["read", "root"], "'root'"), (["reviews:write"], "does not hold")],
)
def test_a_client_gets_only_known_scopes_the_admin_token_holds(
    client: TestClient, token: str, scopes: list[str], needle: str
) -> None:
    result = mutate(client, token, CREATE, scopes=scopes)

    assert result["__typename"] == "ValidationError"
    assert result["field"] == "scopes" and needle in result["message"]
    assert len(graphql_data(client, token, LIST)["apiClients"]) == 1  # nothing created


def test_revoking_stops_new_tokens_and_rotating_replaces_the_secret(
    client: TestClient, token: str
) -> None:
    first = mutate(client, token, CREATE, scopes=["read"])
    second = mutate(client, token, CREATE, scopes=["read"])
    revoke_id, rotate_id = first["client"]["id"], second["client"]["id"]

    revoked = mutate(client, token, REVOKE, id=revoke_id)
    rotated = mutate(client, token, ROTATE, id=rotate_id, grace=0)

    assert revoked["__typename"] == "ApiClient" and revoked["active"] is False
    assert revoked["revokedAt"]
    assert request_token(client, revoke_id, first["secret"]).status_code == 401
    assert rotated["__typename"] == "RotatedApiClientSecret"
    assert rotated["client"]["secretRotatedAt"] and rotated["secret"] != second["secret"]
    assert request_token(client, rotate_id, second["secret"]).status_code == 401
    assert request_token(client, rotate_id, rotated["secret"]).status_code == 200
    again = mutate(client, token, ROTATE, id=revoke_id)
    assert again["__typename"] == "ValidationError" and "revoked" in again["message"]
    assert mutate(client, token, REVOKE, id=revoke_id)["revokedAt"] == revoked["revokedAt"]


def test_a_token_cannot_rotate_a_client_holding_scopes_it_lacks(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    # The rotated secret would let a read+admin token mint reviews:write tokens.
    stronger = admin.create_client(
        container, tenant=tenant.id, scopes=["read", "reviews:write", "admin"]
    )

    result = mutate(client, token, ROTATE, id=stronger[0], grace=0)

    assert result["__typename"] == "ValidationError" and result["field"] == "id"
    assert "reviews:write" in result["message"] and "secret" not in result
    assert request_token(client, *stronger).status_code == 200  # old secret untouched
    (listed,) = [c for c in admin.list_clients(container, tenant.id) if c.client_id == stronger[0]]
    assert listed.secret_rotated_at is None


def test_another_tenants_client_is_not_found_and_keeps_working(
    client: TestClient, container: Container, tenant: TenantProfile, token: str
) -> None:
    other = admin.create_tenant(container, slug=f"{tenant.slug}-b", name="B", timezone="UTC")
    theirs = admin.create_client(container, tenant=other.id, scopes=["read"])

    for query in (REVOKE, ROTATE):
        result = mutate(client, token, query, id=theirs[0])
        assert result == {"__typename": "NotFoundError", "message": f"no API client '{theirs[0]}'"}

    assert theirs[0] not in json.dumps(graphql_data(client, token, LIST))
    assert request_token(client, *theirs).status_code == 200


def test_the_rotate_description_says_a_leaked_secret_needs_no_grace_or_a_revoke(
    client: TestClient, token: str
) -> None:
    query = '{ __type(name: "Mutation") { fields { name description } } }'
    fields = graphql_data(client, token, query)["__type"]["fields"]

    (rotate,) = [f for f in fields if f["name"] == "rotateApiClientSecret"]
    assert "compromised secret" in rotate["description"]
    assert "graceSeconds: 0, or revoke the client" in rotate["description"]


@pytest.mark.parametrize(
    "query",
    [LIST, CREATE, REVOKE, ROTATE],
    ids=["apiClients", "createApiClient", "revokeApiClient", "rotateApiClientSecret"],
)
def test_every_client_field_needs_the_admin_scope(
    client: TestClient, container: Container, tenant: TenantProfile, query: str
) -> None:
    reader = access_token(client, container, tenant.id, scopes=("read",))

    body = graphql(client, reader, query, scopes=["read"], id="fsc_x").json()

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert len(admin.list_clients(container, tenant.id)) == 1  # only the reader's
