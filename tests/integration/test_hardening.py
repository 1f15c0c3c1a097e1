"""Small defences found in review: credentials never stored, metric labels bounded."""

from __future__ import annotations

from sqlalchemy import select

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import WEBHOOK_DELIVERY
from tests.fixtures import WEBHOOKS
from tests.support.api import api_client
from tests.support.owner import owner_engine


def test_a_freshdesk_secret_in_a_renamed_header_is_not_stored(
    container: Container, tenant: TenantProfile
) -> None:
    hook = admin.create_integration(
        container,
        tenant=tenant.id,
        source="freshdesk",
        secret="s3cret-value",
        options={"header": "X-Desk-Key"},
    )
    body = (WEBHOOKS / "freshdesk" / "ticket_created.zulip-template.json").read_bytes()
    response = api_client(container).post(
        f"/webhooks/freshdesk/{hook.id}",
        content=body,
        headers={"X-Desk-Key": "s3cret-value", "Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    with owner_engine(container).connect() as conn:
        stored = conn.execute(
            select(WEBHOOK_DELIVERY.c.headers).where(WEBHOOK_DELIVERY.c.tenant_id == tenant.id)
        ).scalar_one()
    assert "x-desk-key" not in stored
    assert "s3cret-value" not in str(stored)


def test_unknown_sources_do_not_become_metric_labels(container: Container) -> None:
    client = api_client(container)
    client.post("/webhooks/made-up-source-123/whatever", content=b"{}")
    metrics = client.get("/metrics").text
    assert "made-up-source-123" not in metrics
    assert 'source="unknown"' in metrics
