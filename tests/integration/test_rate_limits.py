"""Rate limits (issue 11): /graphql per API client (its WebSocket's connection_init and
subscribe too), /oauth/token per client_id and address (or address alone), webhooks per
integration. Over a limit: 429 with Retry-After (GraphQL: code RATE_LIMITED);
other keys are not limited. Embedded (SQLite, PostgreSQL without Redis) the counts live in
the process; with Redis two API processes share them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import Queue
from starlette.testclient import TestClient, WebSocketDisconnect

from api.graphql_ws import RATE_LIMITED_CLOSE
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container, Limited
from infra.db.repositories.system import IntegrationRecord
from infra.rate_limits import RateLimits
from infra.settings import Settings
from tests.factories import solved_twice
from tests.integration.test_scores_subscription import UPDATES, connected
from tests.support.api import (
    access_token,
    api_client,
    batch,
    graphql,
    post_webhook,
    request_token,
    stored,
)

AGENTS = "{ agents { id } }"
LIMIT = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "rate_limit_graphql": f"{LIMIT}/hour",
            "rate_limit_token": f"{LIMIT}/hour",
            "rate_limit_webhook": f"{LIMIT}/hour",
        }
    )


def assert_limited(response: object) -> int:
    """The Retry-After of a 429: whole seconds within the window (an hour, so a test's few
    requests almost never straddle a window's edge, where the sliding count is a weighted
    estimate and a refusal can come one request late)."""
    assert response.status_code == 429, response.text  # type: ignore[attr-defined]
    retry_after = int(response.headers["retry-after"])  # type: ignore[attr-defined]
    assert 1 <= retry_after <= 3600
    return retry_after


def test_graphql_is_limited_per_api_client(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id)
    other = access_token(client, container, tenant.id)
    for _ in range(LIMIT):
        assert graphql(client, token, AGENTS).status_code == 200

    refused = graphql(client, token, AGENTS)

    retry_after = assert_limited(refused)
    (error,) = refused.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": retry_after}
    assert "RATE_LIMIT_GRAPHQL" in error["message"]
    # another client of the same tenant is not limited
    answer = graphql(client, other, AGENTS)
    assert answer.status_code == 200
    assert answer.json()["data"] == {"agents": []}


def test_token_requests_are_limited_per_client_id_before_the_secret_is_checked(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    client_id, secret = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    other_id, other_secret = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    assert request_token(client, client_id, "not-the-secret").status_code == 401
    for _ in range(LIMIT - 1):
        assert request_token(client, client_id, secret).status_code == 200

    refused = request_token(client, client_id, secret)
    assert_limited(refused)
    assert refused.json()["error"] == "rate_limited"
    assert "RATE_LIMIT_TOKEN" in refused.json()["error_description"]
    # the form's client_id (client_secret_post) is the same key
    posted = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert_limited(posted)
    assert request_token(client, other_id, other_secret).status_code == 200


def test_a_stranger_who_knows_the_client_id_cannot_lock_the_client_out(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    client_id, secret = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    stranger = TestClient(client.app, base_url=str(client.base_url), client=("203.0.113.9", 4000))
    for _ in range(LIMIT):
        assert request_token(stranger, client_id, "a-guess").status_code == 401
    assert_limited(request_token(stranger, client_id, "another-guess"))
    assert_limited(request_token(stranger, client_id, secret))  # still limited from there

    assert request_token(client, client_id, secret).status_code == 200


def test_token_requests_naming_no_client_are_limited_per_address(client: TestClient) -> None:
    form = {"grant_type": "client_credentials"}
    for _ in range(LIMIT):
        assert client.post("/oauth/token", data=form).status_code == 401
    assert_limited(client.post("/oauth/token", data=form))


def test_webhooks_are_limited_per_integration_and_a_refused_one_stores_nothing(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
) -> None:
    other = admin.create_integration(container, tenant=tenant.id, source="generic", secret=None)
    for n in range(LIMIT):
        accepted = post_webhook(client, integration, batch(solved_twice(f"T-{n}")))
        assert accepted.status_code == 202, accepted.text
    container.queue.join()
    before = stored(container, tenant)

    refused = post_webhook(client, integration, batch(solved_twice("T-late")))

    assert_limited(refused)
    assert "RATE_LIMIT_WEBHOOK" in refused.json()["error"]
    container.queue.join()
    assert stored(container, tenant) == before
    assert post_webhook(client, other, batch(solved_twice("T-other"))).status_code == 202


def test_unknown_integrations_are_not_counted(client: TestClient) -> None:
    path = f"/webhooks/generic/{uuid.uuid4().hex}"
    for _ in range(LIMIT + 2):
        assert client.post(path, content=b"{}").status_code == 404


# --- GraphQL over WebSocket: connection_init and subscribe count as requests ----------------


def test_websocket_connections_and_subscriptions_are_limited_per_api_client(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id)
    other = access_token(client, container, tenant.id)
    assert graphql(client, token, AGENTS).status_code == 200  # 1: HTTP and socket share it
    with connected(client, token) as ws:  # 2
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": UPDATES}})  # 3
        ws.send_json({"id": "2", "type": "subscribe", "payload": {"query": UPDATES}})
        refused = ws.receive_json()
    assert refused["type"] == "error" and refused["id"] == "2", refused
    (error,) = refused["payload"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 3600

    with connected(client, token) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()  # closed instead of acknowledged
    assert closed.value.code == RATE_LIMITED_CLOSE
    assert "RATE_LIMIT_GRAPHQL: retry in" in closed.value.reason
    assert_limited(graphql(client, token, AGENTS))
    # another client of the same tenant is not limited
    with connected(client, other) as ws:
        assert ws.receive_json() == {"type": "connection_ack"}


# --- with Redis: one count for every API process ----------------------------------------------


@pytest.fixture
def redis_apps(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[tuple[Container, TestClient, TestClient]]:
    """Two API processes' apps (two containers) on PostgreSQL and one Redis."""
    shared = Settings(
        database_url=postgres_url,
        redis_url=redis_url,
        queue_name=f"limits-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path / "keys",
        jwt_issuer="https://fairscore.test",
        graphiql=False,
        rate_limit_graphql=f"{LIMIT}/hour",
        rate_limit_token=f"{LIMIT}/hour",
        rate_limit_webhook=f"{LIMIT}/hour",
    )
    first, second = Container(shared), Container(shared)
    try:
        yield first, api_client(first), api_client(second)
    finally:
        assert first.redis is not None
        Queue(shared.queue_name, connection=first.redis).empty()  # reconcile requests
        first.close()
        second.close()


def test_with_redis_two_api_processes_share_each_clients_limit(
    redis_apps: tuple[Container, TestClient, TestClient],
) -> None:
    container, one, two = redis_apps
    assert "redis" in type(container.rate_limits.storage).__name__.lower()
    tenant = admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Redis Co", timezone="UTC"
    )
    token = access_token(one, container, tenant.id)
    other = access_token(two, container, tenant.id)
    assert graphql(one, token, AGENTS).status_code == 200
    assert graphql(two, token, AGENTS).status_code == 200
    assert graphql(one, token, AGENTS).status_code == 200

    refused = graphql(two, token, AGENTS)

    assert_limited(refused)
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert_limited(graphql(one, token, AGENTS))
    assert graphql(two, other, AGENTS).status_code == 200


def test_with_redis_the_token_limit_is_shared_too(
    redis_apps: tuple[Container, TestClient, TestClient],
) -> None:
    container, one, two = redis_apps
    tenant = admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Redis Co", timezone="UTC"
    )
    client_id, secret = admin.create_client(container, tenant=tenant.id, scopes=["read"])
    answers = [request_token(app, client_id, secret).status_code for app in (one, two, one)]
    assert answers == [200, 200, 200]
    assert_limited(request_token(two, client_id, secret))


def test_with_redis_an_integrations_webhooks_count_together(
    redis_apps: tuple[Container, TestClient, TestClient],
) -> None:
    container, one, two = redis_apps
    tenant = admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Redis Co", timezone="UTC"
    )
    hook = admin.create_integration(container, tenant=tenant.id, source="generic", secret=None)
    answers = [
        post_webhook(app, hook, batch(solved_twice(f"T-{n}"))).status_code
        for n, app in enumerate((one, two, one))
    ]
    assert answers == [202, 202, 202]

    refused = post_webhook(two, hook, batch(solved_twice("T-late")))

    assert_limited(refused)
    assert stored(container, tenant)[0] == 3


def test_a_limit_that_cannot_be_counted_lets_the_request_through(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Nothing listens on port 1: the limiter must not turn a Redis outage into an API outage.
    limits = RateLimits.in_redis("redis://127.0.0.1:1/0", {Limited.GRAPHQL: "1/minute"})
    try:
        with caplog.at_level(logging.WARNING, logger="infra.rate_limits"):
            assert [limits.retry_after(Limited.GRAPHQL, "c") for _ in range(3)] == [None] * 3
    finally:
        limits.close()
    (warning,) = caplog.records  # one line for the outage, not one per request
    assert "RATE_LIMIT_GRAPHQL not counted" in warning.getMessage()
