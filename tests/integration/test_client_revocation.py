"""A revoked client's outstanding access tokens are refused within the revocation cache's
TTL (30 s by default; 1 s here), not at their expiry; its other tokens' tenant is not
affected."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.settings import Settings
from tests.support.api import graphql, request_token

TTL = 1.0
AGENTS = "{ agents { id } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"revocation_cache_ttl": TTL})


def token_of(client: TestClient, credentials: tuple[str, str]) -> str:
    response = request_token(client, *credentials)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_a_revoked_clients_token_is_refused_once_the_cache_ttl_passes(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    revoked = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    kept = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    token, other = token_of(client, revoked), token_of(client, kept)
    assert graphql(client, token, AGENTS).status_code == 200  # works before revocation

    result = CliRunner().invoke(app, ["client", "revoke", "--tenant", tenant.slug, revoked[0]])
    assert result.exit_code == 0, result.output
    time.sleep(TTL + 0.1)

    response = graphql(client, token, AGENTS)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "revoked" in response.json()["errors"][0]["message"]
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert graphql(client, other, AGENTS).status_code == 200  # the tenant's other client


def test_rotation_does_not_revoke_the_tokens_already_issued(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    credentials = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    token = token_of(client, credentials)

    admin.rotate_client(container, tenant=tenant.id, client_id=credentials[0])
    time.sleep(TTL + 0.1)

    assert graphql(client, token, AGENTS).status_code == 200
