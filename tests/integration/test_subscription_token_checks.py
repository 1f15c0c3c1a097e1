"""A WebSocket is authenticated once, at connection_init, so its token is re-checked while
a subscription runs: revoking the client ends the subscription (as on HTTP, within
REVOCATION_CACHE_TTL). Queries and mutations are refused over the socket: HTTP gives each
its own context, limits and log."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient, WebSocketDisconnect

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.settings import Settings
from tests.integration.test_scores_subscription import UPDATES, connected, subscribed
from tests.support.api import access_token, graphql_data

RECHECK_SECONDS = 3.0


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"revocation_cache_ttl": RECHECK_SECONDS})


def test_revoking_the_client_ends_its_subscription(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    client_id, _ = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    issued = container.tokens.issue(tenant_id=tenant.id, client_id=client_id, scopes=["read"])
    received = []
    with subscribed(client, container, issued["access_token"]) as ws:
        admin.revoke_client(container, tenant=tenant.id, client_id=client_id)
        revoked_at = time.monotonic()
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                received.append(ws.receive_json())
    assert time.monotonic() - revoked_at < 4 * RECHECK_SECONDS + 2
    assert closed.value.code == 4403
    assert [m["type"] for m in received] == ["next", "complete"], received
    error = received[0]["payload"]["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "revoked" in error["message"]


def test_a_subscription_started_on_a_socket_opened_before_a_revocation_is_refused_at_once(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    client_id, _ = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    issued = container.tokens.issue(tenant_id=tenant.id, client_id=client_id, scopes=["read"])
    with connected(client, issued["access_token"]) as ws:
        assert ws.receive_json() == {"type": "connection_ack"}
        admin.revoke_client(container, tenant=tenant.id, client_id=client_id)
        time.sleep(RECHECK_SECONDS + 0.5)  # the revocation is now what any process sees
        started = time.monotonic()
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": UPDATES}})
        answer = ws.receive_json()
        waited = time.monotonic() - started
    assert answer["type"] == "next", answer
    assert answer["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert waited < RECHECK_SECONDS - 1, f"refused after {waited:.1f} s, not at the start"


@pytest.mark.parametrize(
    "document",
    ["{ agents { id } }", 'mutation { createTeam(input: {name: "x"}) { __typename } }'],
)
def test_queries_and_mutations_are_refused_over_the_socket(
    client: TestClient, container: Container, tenant: TenantProfile, document: str
) -> None:
    token = access_token(client, container, tenant.id, scopes=["read", "admin"])
    teams_before = graphql_data(client, token, "{ teams { id } }")["teams"]
    with connected(client, token) as ws:
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": document}})
        answer = ws.receive_json()
    assert answer["type"] == "error", answer
    assert answer["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "POST /graphql" in answer["payload"][0]["message"]
    assert graphql_data(client, token, "{ teams { id } }")["teams"] == teams_before
