"""Talk to the real ASGI app the way its users do: OAuth tokens, GraphQL, signed webhooks.

Used by the integration tests; everything goes through HTTP and the real database.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from httpx2 import Response
from sqlalchemy import Table, func, select
from starlette.testclient import TestClient

from api.app import create_app
from domain.ports import TenantId, TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from infra.db.tables import TICKET_EVENT, WEBHOOK_DELIVERY
from infra.sources.generic import sign
from tests.support.owner import owner_engine

# authlib refuses a token endpoint on plain HTTP (except localhost).
BASE_URL = "https://testserver"


def api_client(container: Container) -> TestClient:
    return TestClient(create_app(container), base_url=BASE_URL)


# --- OAuth and GraphQL ---------------------------------------------------------------------


def request_token(client: TestClient, client_id: str, secret: str, **form: str) -> Response:
    """POST /oauth/token with the client-credentials grant, authenticated by HTTP Basic."""
    data = {"grant_type": "client_credentials", **form}
    return client.post("/oauth/token", data=data, auth=(client_id, secret))


def access_token(
    client: TestClient, container: Container, tenant: TenantId, scopes: Iterable[str] = ("read",)
) -> str:
    """A fresh API client of `tenant` and a token issued to it by the real endpoint."""
    client_id, secret = admin.create_client(container, tenant=tenant, scopes=list(scopes))
    response = request_token(client, client_id, secret)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def graphql(client: TestClient, token: str, query: str, **variables: Any) -> Response:
    return client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )


def graphql_data(client: TestClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    """The `data` of a query that must succeed."""
    response = graphql(client, token, query, **variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return dict(body["data"])


# --- Standard Webhooks ---------------------------------------------------------------------


def batch(events: Iterable[Mapping[str, Any]]) -> bytes:
    return json.dumps({"events": list(events)}).encode()


def signed_headers(
    secret: str, body: bytes, *, msg_id: str | None = None, timestamp: int | None = None
) -> dict[str, str]:
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
        "content-type": "application/json",
    }


def post_webhook(
    client: TestClient,
    integration: IntegrationRecord,
    body: bytes,
    *,
    msg_id: str | None = None,
    timestamp: int | None = None,
    secret: str | None = None,
    source: str | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Response:
    """A correctly signed delivery unless told otherwise (other secret, source, headers)."""
    headers = signed_headers(secret or integration.secret, body, msg_id=msg_id, timestamp=timestamp)
    headers.update(extra_headers or {})
    path = f"/webhooks/{source or integration.source}/{integration.id}"
    return client.post(path, content=body, headers=headers)


# --- the database, read directly -----------------------------------------------------------


def count_rows(container: Container, table: Table, tenant: TenantId, **where: object) -> int:
    """Rows of `table` that belong to `tenant` (and whose columns equal `where`), read on a
    connection of its own."""
    stmt = select(func.count()).select_from(table).where(table.c.tenant_id == tenant)
    for column, value in where.items():
        stmt = stmt.where(table.c[column] == value)
    with owner_engine(container).connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def stored(container: Container, tenant: TenantProfile) -> tuple[int, int]:
    """(webhook deliveries, ticket events) stored for the tenant."""
    return (
        count_rows(container, WEBHOOK_DELIVERY, tenant.id),
        count_rows(container, TICKET_EVENT, tenant.id),
    )
