"""CORS: a browser app on an allowed origin can call /graphql and /oauth/token with a bearer
token; other origins get no CORS headers; development also allows localhost; webhooks none."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.settings import Settings
from tests.support.api import access_token, api_client

APP = "https://dashboard.example.com"
EVIL = "https://evil.example"
DEV_SERVER = "http://localhost:5173"
QUERY = {"query": "{ agents { id } }"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"cors_allow_origins": (APP,), "environment": "production"})


def preflight(client: TestClient, path: str, origin: str) -> Response:
    """What a browser sends before a cross-origin POST with a bearer token and JSON."""
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, fairscore-actor",
        },
    )


def cors_headers(response: Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


@pytest.fixture
def configured(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """An app on the test database under other CORS settings."""
    opened: list[Container] = []

    def make(*, environment: str | None, origins: tuple[str, ...] = ()) -> TestClient:
        c = Container(
            settings.model_copy(update={"environment": environment, "cors_allow_origins": origins})
        )
        opened.append(c)
        return api_client(c)

    yield make
    for c in opened:
        c.close()


@pytest.mark.parametrize("path", ["/graphql", "/oauth/token"])
def test_a_preflight_from_an_allowed_origin_is_answered(client: TestClient, path: str) -> None:
    response = preflight(client, path, APP)

    assert response.status_code == 200, response.text
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == APP
    methods = set(headers["access-control-allow-methods"].split(", "))
    assert methods == {"GET", "POST", "OPTIONS"}
    allowed = set(headers["access-control-allow-headers"].lower().split(", "))
    assert {"authorization", "content-type", "fairscore-actor"} <= allowed
    assert headers["access-control-max-age"] == "7200"
    assert "access-control-allow-credentials" not in headers  # bearer tokens, not cookies
    assert "Origin" in response.headers["vary"]


def test_an_allowed_origins_post_with_a_bearer_token_is_readable(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id)

    response = client.post(
        "/graphql", json=QUERY, headers={"Origin": APP, "Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"agents": []}}
    assert response.headers["access-control-allow-origin"] == APP
    assert "access-control-allow-credentials" not in response.headers


def test_another_origin_gets_no_cors_headers(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id)

    refused = preflight(client, "/graphql", EVIL)
    post = client.post(
        "/graphql", json=QUERY, headers={"Origin": EVIL, "Authorization": f"Bearer {token}"}
    )

    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert post.status_code == 200  # CORS is the browser's wall: the server still answers,
    assert cors_headers(post) == {}  # and the browser keeps the answer from the page


def test_webhooks_are_server_to_server(client: TestClient) -> None:
    response = preflight(client, "/webhooks/generic/some-integration", APP)

    assert response.status_code == 405  # the route's own answer: no CORS layer in front
    assert cors_headers(response) == {}


def test_development_allows_localhost_dev_servers_only(
    configured: Callable[..., TestClient],
) -> None:
    client = configured(environment="development")

    for origin in (DEV_SERVER, "http://127.0.0.1:3000", "http://localhost"):
        response = preflight(client, "/graphql", origin)
        assert response.status_code == 200, origin
        assert response.headers["access-control-allow-origin"] == origin
    for origin in (EVIL, "http://localhost.evil.example", "https://localhost:5173"):
        response = preflight(client, "/graphql", origin)
        assert "access-control-allow-origin" not in response.headers, origin


def test_production_allows_no_origin_by_default(configured: Callable[..., TestClient]) -> None:
    client = configured(environment="production")

    for origin in (DEV_SERVER, APP, EVIL):
        response = preflight(client, "/graphql", origin)
        assert response.status_code == 400, origin
        assert "access-control-allow-origin" not in response.headers, origin


# --- what "development" means, and how the setting is read ----------------------------------


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("ENVIRONMENT", "CORS_ALLOW_ORIGINS", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_embedded_default_is_development_and_services_are_production(
    environ: pytest.MonkeyPatch,
) -> None:
    postgres = "postgresql+psycopg://fairscore@db/fairscore"

    assert Settings(_env_file=None).is_development
    assert not Settings(_env_file=None, database_url=postgres).is_development
    assert not Settings(_env_file=None, redis_url="redis://localhost:6379/0").is_development
    environ.setenv("ENVIRONMENT", "development")
    assert Settings(_env_file=None, database_url=postgres).is_development
    environ.setenv("ENVIRONMENT", "production")
    assert not Settings(_env_file=None).is_development


def test_the_allow_list_is_comma_separated(environ: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).cors_allow_origins == ()
    environ.setenv("CORS_ALLOW_ORIGINS", f" {APP}/, http://localhost:8080 ,")

    assert Settings(_env_file=None).cors_allow_origins == (APP, "http://localhost:8080")
