"""Webhook intake caches integrations (issue 11): a rotated secret or a disabled integration
stops verifying at once in the process that changed it, and in every other process within
INTEGRATION_CACHE_TTL seconds. The database unreachable is a 503 with Retry-After, and a
pooled connection the server dropped is replaced, not answered with an error."""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from starlette.testclient import TestClient

from domain.integrations import IntegrationChange
from domain.ports import TenantId, TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.delivery_insert import AsyncDeliveryInsert
from infra.db.migrate import upgrade
from infra.db.repositories.deliveries import NewDelivery
from infra.db.repositories.system import IntegrationRecord
from infra.db.tables import WEBHOOK_DELIVERY
from infra.settings import Settings
from tests.conftest import scratch_database
from tests.integration.test_auth_database_down import unreachable
from tests.support.api import api_client, batch, count_rows, post_webhook

EVENT = {
    "type": "ticket.created",
    "id": "e-1",
    "occurred_at": "2026-11-02T10:00:00Z",
    "ticket_id": "t-1",
    "channel": "email",
    "requester_id": "c1",
}
BODY = batch([EVENT])


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def change(c: Container, integration: IntegrationRecord, **values: object) -> None:
    admin.update_integration(
        c,
        tenant=integration.tenant_id,
        integration_id=integration.id,
        change=IntegrationChange(**values),  # type: ignore[arg-type]
    )


def test_a_rotated_secret_stops_verifying_at_once_where_it_was_rotated(
    client: TestClient, container: Container, integration: IntegrationRecord
) -> None:
    assert post_webhook(client, integration, BODY).status_code == 202  # cached now
    secret = new_secret()
    change(container, integration, secret=secret)

    assert post_webhook(client, integration, BODY).status_code == 401  # the old secret
    assert post_webhook(client, integration, BODY, secret=secret).status_code == 202


def test_a_disabled_integration_is_404_at_once_where_it_was_disabled(
    client: TestClient, container: Container, integration: IntegrationRecord
) -> None:
    assert post_webhook(client, integration, BODY).status_code == 202
    change(container, integration, active=False)

    assert post_webhook(client, integration, BODY).status_code == 404
    change(container, integration, active=True)
    assert post_webhook(client, integration, BODY).status_code == 202


def test_another_process_stops_verifying_the_old_secret_within_the_cache_ttl(
    container: Container, settings: Settings, integration: IntegrationRecord
) -> None:
    ttl = 0.5
    other = Container(settings.model_copy(update={"integration_cache_ttl": ttl}))
    try:
        other_client = api_client(other)
        assert post_webhook(other_client, integration, BODY).status_code == 202  # cached
        change(container, integration, secret=new_secret())  # by "another process"
        rotated_at = time.monotonic()
        while post_webhook(other_client, integration, BODY).status_code == 202:
            # The bound is finite and stated; the slack is for a loaded machine, not speed.
            assert time.monotonic() - rotated_at < ttl + 5, "old secret still verifies"
            time.sleep(0.05)
        assert post_webhook(other_client, integration, BODY).status_code == 401
    finally:
        other.close()


@pytest.fixture
def database_down(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    # Every login's URL: the app's, and the system login's that intake looks up and stores by.
    gone = unreachable(settings, tmp_path)
    urls = {"database_url": gone, "system_database_url": gone}
    dead = Container(settings.model_copy(update=urls))
    yield api_client(dead)
    dead.close()


def test_the_database_down_is_a_503_with_retry_after_and_nothing_stored(
    container: Container,
    tenant: TenantProfile,
    integration: IntegrationRecord,
    database_down: TestClient,
) -> None:
    response = post_webhook(database_down, integration, BODY)

    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert "nothing was stored" in response.json()["error"]
    assert count_rows(container, WEBHOOK_DELIVERY, tenant.id) == 0


def test_the_database_down_is_a_503_for_a_url_check_too(
    integration: IntegrationRecord, database_down: TestClient
) -> None:
    path = f"/webhooks/{integration.source}/{integration.id}"
    for response in (database_down.get(path), database_down.head(path)):
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"].isdigit()


def test_every_pooled_connection_the_server_dropped_is_replaced_before_answering(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    """No ping before each use: after a restart every pooled connection is dead, so the
    INSERT that meets the first invalidates them all and runs again on a fresh one, and
    the requests after it never meet a dead one (PostgreSQL only: SQLite has no server)."""
    with scratch_database("fairscore_restart") as url:
        upgrade(url)
        c = Container(Settings(database_url=url, redis_url=None, data_dir=tmp_path))
        try:
            tenant = admin.create_tenant(c, slug="drop", name="Drop", timezone="UTC")
            integration = admin.create_integration(
                c, tenant=tenant.id, source="generic", secret=None
            )
            client = api_client(c)
            assert post_webhook(client, integration, BODY).status_code == 202
            # Two connections pooled, as after two concurrent deliveries.
            insert = c.delivery_insert
            assert isinstance(insert, AsyncDeliveryInsert)
            asyncio.run(two_at_once(insert, tenant.id, integration.id))
            assert insert.connections.idle == 2
            terminate_backends(postgres_admin_url, make_url(url).database or "")

            statuses = [post_webhook(client, integration, BODY).status_code for _ in range(5)]

            assert statuses == [202] * 5
            assert count_rows(c, WEBHOOK_DELIVERY, tenant.id) == 8
        finally:
            c.close()


def test_an_intake_connection_that_cannot_be_opened_is_a_database_error(
    postgres_url: str,
) -> None:
    """With the integration cached, a delivery's INSERT is intake's first statement: a
    server that stopped (or is shutting down) must fail it as a DBAPIError, the 503 of
    api/webhooks.py, not as the driver's own error (a 500)."""
    stopped = make_url(postgres_url).set(port=1).render_as_string(hide_password=False)
    insert = AsyncDeliveryInsert(stopped)
    try:
        with pytest.raises(SQLAlchemyError):
            asyncio.run(insert.add(TenantId("t-1"), new_delivery(BODY)))
    finally:
        insert.close()


def test_a_failed_insert_keeps_the_webhook_body_out_of_its_error(postgres_url: str) -> None:
    """The error is logged with the 503 (api/webhooks.py): the body a helpdesk sent must
    not be in it. A tenant id longer than its column makes the driver refuse the row."""
    insert = AsyncDeliveryInsert(postgres_url)
    try:
        with pytest.raises(DBAPIError) as refused:
            asyncio.run(insert.add(TenantId("t" * 40), new_delivery(b'{"card": "4111-1111"}')))
    finally:
        insert.close()
    message = str(refused.value)
    assert "too long" in message  # the driver's message is kept
    assert "[parameters:" not in message
    assert "4111" not in message


async def two_at_once(insert: AsyncDeliveryInsert, tenant_id: str, integration_id: str) -> None:
    deliveries = [new_delivery(BODY, key=f"pooled-{n}", integration=integration_id) for n in (1, 2)]
    await asyncio.gather(*(insert.add(TenantId(tenant_id), d) for d in deliveries))


def new_delivery(body: bytes, *, key: str = "msg-1", integration: str = "i-1") -> NewDelivery:
    return NewDelivery(
        integration_id=integration,
        source="generic",
        delivery_key=key,
        headers={},
        body=body,
        received_at=datetime.now(UTC),
        signature="valid",
    )


def terminate_backends(admin_url: str, database: str) -> None:
    """What a server restart does to a database's connections: every one is ended."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d"
            ),
            {"d": database},
        ).scalar_one()
    engine.dispose()
    assert killed >= 2
