"""OAuth2 client credentials (RFC 6749 §4.4) at POST /oauth/token, RFC 9068 access tokens,
and bearer authentication in front of /graphql (RFC 6750)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select, update
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import API_CLIENT
from infra.db.types import utcnow
from tests.support.api import access_token, api_client, graphql, graphql_data, request_token
from tests.support.owner import owner_engine

AGENTS = "{ agents { id name } }"


@pytest.fixture
def credentials(container: Container, tenant: TenantProfile) -> tuple[str, str]:
    return admin.create_client(container, tenant=tenant.id, scopes=["read", "admin"])


def decode(container: Container, token: str) -> jwt.Token:
    return jwt.decode(token, container.tokens.key, algorithms=["RS256"])


# --- the token endpoint --------------------------------------------------------------------


def test_client_authenticated_by_http_basic_gets_a_bearer_token(
    client: TestClient, container: Container, credentials: tuple[str, str]
) -> None:
    response = request_token(client, *credentials)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["access_token"]
    assert body["expires_in"] == container.settings.access_token_ttl
    assert body["scope"].split() == ["admin", "read"]
    assert response.headers["cache-control"] == "no-store"  # RFC 6749 §5.1


def test_client_authenticated_by_form_fields_gets_a_bearer_token(
    client: TestClient, credentials: tuple[str, str]
) -> None:
    client_id, secret = credentials
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}

    response = client.post("/oauth/token", data=form)

    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    assert set(response.json()["scope"].split()) == {"read", "admin"}


def test_the_access_token_is_an_rfc9068_jwt_carrying_the_tenant(
    client: TestClient,
    container: Container,
    tenant: TenantProfile,
    credentials: tuple[str, str],
) -> None:
    client_id, _ = credentials
    before = int(time.time())

    token = decode(container, request_token(client, *credentials).json()["access_token"])

    settings = container.settings
    assert token.header["typ"] == "at+jwt"
    assert token.header["alg"] == "RS256"
    claims = token.claims
    assert claims["iss"] == settings.jwt_issuer
    assert claims["aud"] == settings.jwt_audience
    assert claims["sub"] == client_id
    assert claims["client_id"] == client_id
    assert before <= claims["iat"] <= int(time.time())
    assert claims["exp"] == claims["iat"] + settings.access_token_ttl
    assert claims["jti"]
    assert claims["scope"].split() == ["admin", "read"]
    assert claims["tenant_id"] == tenant.id


def test_every_token_gets_its_own_jti(
    client: TestClient, container: Container, credentials: tuple[str, str]
) -> None:
    tokens = [request_token(client, *credentials).json()["access_token"] for _ in range(3)]

    assert len({decode(container, t).claims["jti"] for t in tokens}) == 3


def test_the_token_verifies_with_the_published_public_jwks(
    client: TestClient, credentials: tuple[str, str]
) -> None:
    keys = client.get("/.well-known/jwks.json").json()
    token = request_token(client, *credentials).json()["access_token"]

    assert all("d" not in key for key in keys["keys"]), "the private exponent is never published"
    decoded = jwt.decode(token, KeySet.import_key_set(keys), algorithms=["RS256"])
    assert decoded.header["kid"] == keys["keys"][0]["kid"]


def test_requesting_a_subset_of_the_clients_scopes_narrows_the_token(
    client: TestClient, container: Container, credentials: tuple[str, str]
) -> None:
    response = request_token(client, *credentials, scope="read")

    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "read"
    assert decode(container, response.json()["access_token"]).claims["scope"] == "read"


@pytest.mark.parametrize(
    "scope",
    ["reviews:write", "read reviews:write", "superuser"],
    ids=["a scope the client lacks", "one scope too many", "a scope that does not exist"],
)
def test_requesting_a_scope_the_client_does_not_hold_is_invalid_scope(
    client: TestClient, credentials: tuple[str, str], scope: str
) -> None:
    response = request_token(client, *credentials, scope=scope)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert "access_token" not in response.json()


def test_a_wrong_secret_by_http_basic_is_401_invalid_client(
    client: TestClient, credentials: tuple[str, str]
) -> None:
    client_id, _ = credentials

    response = request_token(client, client_id, "not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")  # RFC 6749 §5.2


def test_a_wrong_secret_by_form_fields_is_401_invalid_client(
    client: TestClient, credentials: tuple[str, str]
) -> None:
    client_id, _ = credentials
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": "not-the-secret",
    }

    response = client.post("/oauth/token", data=form)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_an_unknown_client_by_http_basic_is_401_invalid_client(client: TestClient) -> None:
    response = request_token(client, "fsc_does_not_exist", "whatever")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_an_unknown_client_by_form_fields_is_invalid_client(client: TestClient) -> None:
    """RFC 6749 §5.2 requires 401 only for Authorization-header auth; 400 is allowed here."""
    form = {
        "grant_type": "client_credentials",
        "client_id": "fsc_does_not_exist",
        "client_secret": "whatever",
    }

    response = client.post("/oauth/token", data=form)

    assert response.status_code in (400, 401)
    assert response.json()["error"] == "invalid_client"


def test_a_request_without_client_credentials_is_401_invalid_client(client: TestClient) -> None:
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"})

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_revoked_client_gets_no_token(
    client: TestClient, container: Container, credentials: tuple[str, str]
) -> None:
    client_id, _ = credentials
    revoke = update(API_CLIENT).where(API_CLIENT.c.client_id == client_id)
    with owner_engine(container).begin() as conn:
        conn.execute(revoke.values(revoked_at=utcnow()))

    response = request_token(client, *credentials)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("grant_type", ["password", "authorization_code", "refresh_token", ""])
def test_any_grant_but_client_credentials_is_unsupported_grant_type(
    client: TestClient, credentials: tuple[str, str], grant_type: str
) -> None:
    form = {"grant_type": grant_type, "username": "u", "password": "p", "code": "c"}

    response = client.post("/oauth/token", data=form, auth=credentials)

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"grant_type": "client_credentials"}', "application/json"),
        (b"grant_type=client_credentials", "text/plain"),
        (b"grant_type=client_credentials", None),
    ],
    ids=["json", "text/plain", "no content type"],
)
def test_a_token_request_that_is_not_form_encoded_is_400(
    client: TestClient, credentials: tuple[str, str], content: bytes, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}

    response = client.post("/oauth/token", content=content, headers=headers, auth=credentials)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_the_token_endpoint_refuses_plain_http(
    container: Container, credentials: tuple[str, str]
) -> None:
    plain = TestClient(api_client(container).app, base_url="http://api.example.com")

    response = request_token(plain, *credentials)

    assert response.status_code == 400
    assert "access_token" not in response.json()


def test_client_secrets_are_stored_only_as_hashes(
    container: Container, credentials: tuple[str, str]
) -> None:
    client_id, secret = credentials
    stmt = select(API_CLIENT.c.secret_hash).where(API_CLIENT.c.client_id == client_id)
    with owner_engine(container).connect() as conn:
        stored = conn.execute(stmt).scalar_one()

    assert stored
    assert secret not in stored


# --- bearer authentication on /graphql -----------------------------------------------------


@cache
def foreign_key() -> RSAKey:
    return RSAKey.generate_key(2048)


def mint(
    container: Container,
    tenant: TenantProfile,
    *,
    key: RSAKey | None = None,
    header: dict[str, Any] | None = None,
    **overrides: Any,
) -> str:
    """A token as the server would issue it, with chosen claims changed (None removes one)."""
    now = int(time.time())
    claims = {
        "iss": container.settings.jwt_issuer,
        "aud": container.settings.jwt_audience,
        "sub": "fsc_minted",
        "client_id": "fsc_minted",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
        "scope": "read",
        "tenant_id": tenant.id,
        **overrides,
    }
    claims = {k: v for k, v in claims.items() if v is not None}
    header = header or {"alg": "RS256", "typ": "at+jwt"}
    return jwt.encode(header, claims, key or container.tokens.key, algorithms=["RS256"])


def unsigned(container: Container, tenant: TenantProfile) -> str:
    """The same claims with `alg: none` and no signature (RFC 7519 §6)."""
    _, claims, _ = mint(container, tenant).split(".")
    header = json.dumps({"alg": "none", "typ": "at+jwt"}).encode()
    return base64.urlsafe_b64encode(header).rstrip(b"=").decode() + f".{claims}."


def expired(container: Container, tenant: TenantProfile) -> str:
    now = int(time.time())
    return mint(container, tenant, iat=now - 900, nbf=None, exp=now - 60)


Auth = Callable[[Container, TenantProfile], dict[str, str]]


def bearer(make: Callable[[Container, TenantProfile], str]) -> Auth:
    return lambda c, t: {"Authorization": f"Bearer {make(c, t)}"}


REJECTED: dict[str, tuple[Auth, str]] = {
    "no token": (lambda c, t: {}, "missing"),
    "another scheme": (lambda c, t: {"Authorization": "Basic dXNlcjpwYXNz"}, "missing"),
    "empty bearer": (lambda c, t: {"Authorization": "Bearer "}, "missing"),
    "malformed token": (bearer(lambda c, t: "not-a-jwt"), "invalid"),
    "expired token": (bearer(expired), "expired"),
    "signed by another key": (bearer(lambda c, t: mint(c, t, key=foreign_key())), "signature"),
    "unsigned (alg none)": (bearer(unsigned), "algorithm"),
    "another audience": (bearer(lambda c, t: mint(c, t, aud="someone-else")), "aud"),
    "another issuer": (bearer(lambda c, t: mint(c, t, iss="https://evil.test")), "iss"),
    "typ JWT, not at+jwt": (
        bearer(lambda c, t: mint(c, t, header={"alg": "RS256", "typ": "JWT"})),
        "at+jwt",
    ),
    "no typ header": (bearer(lambda c, t: mint(c, t, header={"alg": "RS256"})), "at+jwt"),
    "no tenant claim": (bearer(lambda c, t: mint(c, t, tenant_id=None)), "tenant_id"),
    "not valid yet": (bearer(lambda c, t: mint(c, t, nbf=int(time.time()) + 3600)), "valid"),
}


def test_a_token_minted_like_the_servers_own_is_accepted(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    """The control for the rejections below: only the one changed property is wrong."""
    response = client.post(
        "/graphql", json={"query": AGENTS}, headers=bearer(mint)(container, tenant)
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"agents": []}


@pytest.mark.parametrize(("auth", "reason"), REJECTED.values(), ids=REJECTED.keys())
def test_graphql_rejects_a_request_without_an_acceptable_token_with_401(
    client: TestClient, container: Container, tenant: TenantProfile, auth: Auth, reason: str
) -> None:
    response = client.post("/graphql", json={"query": AGENTS}, headers=auth(container, tenant))

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    message = response.json()["errors"][0]["message"]
    assert reason in message
    assert "data" not in response.json()


def test_a_rejected_token_is_named_invalid_token_in_the_challenge(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    response = graphql(client, expired(container, tenant), AGENTS)

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]  # RFC 6750 §3.1


def test_a_token_from_the_endpoint_reads_graphql(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id, scopes=["read"])

    assert graphql_data(client, token, AGENTS) == {"agents": []}


def test_a_token_without_the_read_scope_gets_an_error_naming_the_scope(
    client: TestClient, container: Container, tenant: TenantProfile
) -> None:
    token = access_token(client, container, tenant.id, scopes=["admin", "reviews:write"])

    response = graphql(client, token, AGENTS)

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1
    assert "'read'" in body["errors"][0]["message"]
    assert body["errors"][0]["path"] == ["agents"]
