"""Webhook intake's parts on the event loop (infra/webhooks.py), from the container's: the
cached integration lookup, the rate limit, the store. Each answers without a thread unless
it must do blocking I/O: a cache miss, a limit near its end in Redis, SQLite."""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

from domain.ports import TenantId
from infra.db.delivery_insert import AsyncDeliveryInsert
from infra.db.repositories.deliveries import NewDelivery
from infra.db.repositories.system import IntegrationRecord
from infra.rate_batch import BatchedHits
from infra.rate_limits import Limited
from infra.ttl_cache import MISSING
from infra.webhooks import WebhookIntake

if TYPE_CHECKING:
    from infra.bootstrap import Container


def webhook_intake(c: Container) -> WebhookIntake:
    hits = None if c.rate_limits.in_process else BatchedHits(c.rate_limits, Limited.WEBHOOK)

    async def integration(integration_id: str) -> IntegrationRecord | None:
        cached = c.integrations.peek(integration_id)
        if cached is not MISSING:
            return cached
        return await anyio.to_thread.run_sync(c.integrations.get, integration_id)

    async def limit(integration_id: str) -> int | None:
        """Count one webhook of a known integration: the seconds to wait if it is over
        RATE_LIMIT_WEBHOOK (in Redis: counted here first, infra/rate_batch.py)."""
        limits = c.rate_limits
        if hits is None:  # in this process's memory: no I/O
            return limits.retry_after(Limited.WEBHOOK, integration_id)
        if hits.counted(integration_id):
            return None
        return await anyio.to_thread.run_sync(hits.exact, integration_id)

    async def store(tenant_id: TenantId, delivery: NewDelivery) -> tuple[str | None, bool]:
        insert = c.delivery_insert
        if isinstance(insert, AsyncDeliveryInsert):
            return await insert.add(tenant_id, delivery)
        return await anyio.to_thread.run_sync(insert.add, tenant_id, delivery)

    return WebhookIntake(
        integration=integration,
        limit=limit,
        store=store,
        after_commit=c.request_reconcile_soon,
        adapters=c.adapters,
        json_max_depth=c.settings.json_max_depth,
    )
