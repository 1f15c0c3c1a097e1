"""Receive one webhook: authenticate it, store it, then ask for processing.

The raw body is committed before this returns, so a 2xx always means "stored".
Requests that fail authentication or validation store nothing at all.

At database speed (issue 11), on the event loop with no thread on the way: the integration
comes from a per-process cache (`TtlCache`, re-read after INTEGRATION_CACHE_TTL seconds;
a miss is read on a thread). The process that commits a change to an
integration evicts it from its own cache at once; every other process (the other workers
of `serve --workers N`, other replicas; all of them when the CLI makes the change) may
verify with the old secret, or accept for a disabled integration, for up to
INTEGRATION_CACHE_TTL seconds after the commit. A known integration's webhook is counted against
RATE_LIMIT_WEBHOOK (infra/rate_batch.py: in this process first, added to Redis in
batches), and one over it is refused with 429 and nothing stored. The body is parsed
once, and the delivery is one autocommitted `INSERT … ON CONFLICT DO NOTHING RETURNING`
awaited on the loop (infra/db/delivery_insert.py) — one round trip. The reconcile request
that follows is coalesced per tenant (`CoalescedRequests`), so Redis is not asked once per
webhook.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from domain.integrations import FAILED, IGNORED, PENDING
from domain.json_nesting import JsonInputError, loads
from domain.ports import TenantId
from infra.db.repositories.deliveries import NewDelivery
from infra.db.repositories.system import IntegrationRecord
from infra.db.uow import AfterCommit
from infra.sources import freshdesk
from infra.sources.base import InboundRequest, IntegrationConfig, SignatureError, SourceAdapter
from infra.sources.decoder import decode_events

# Credentials never reach the database with the stored request.
_SECRET_HEADERS = frozenset({"authorization", "cookie", freshdesk.DEFAULT_HEADER.lower()})


@dataclass(frozen=True, slots=True)
class Receipt:
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    tenant_id: str | None = None  # the integration's tenant, once it was found (access log)
    retry_after: int | None = None  # seconds, with a 429


def _limited(wait: int, tenant_id: str) -> Receipt:
    message = (
        f"this integration sent more webhooks than RATE_LIMIT_WEBHOOK allows; nothing "
        f"was stored, retry in {wait} s"
    )
    return Receipt(429, {"error": message}, tenant_id, retry_after=wait)


def _error(status: int, message: str) -> Receipt:
    return Receipt(status, {"error": message})


class WebhookIntake:
    def __init__(
        self,
        *,
        integration: Callable[[str], Awaitable[IntegrationRecord | None]],
        limit: Callable[[str], Awaitable[int | None]],
        store: Callable[[TenantId, NewDelivery], Awaitable[tuple[str | None, bool]]],
        after_commit: AfterCommit,
        adapters: Mapping[str, SourceAdapter],
        json_max_depth: int,
    ) -> None:
        """`integration`: the (cached) lookup by id; `limit`: counts one webhook of a known
        integration, the seconds to wait if it is over its limit; `store`: commits a
        delivery (infra/db/delivery_insert.py); `after_commit`: asks for the tenant's
        reconcile once a pending delivery is stored."""
        self.integration = integration
        self.limit = limit
        self.store = store
        self.after_commit = after_commit
        self.adapters = adapters
        self.json_max_depth = json_max_depth

    async def receive(
        self,
        *,
        source: str,
        integration_id: str,
        headers: Mapping[str, str],
        body: bytes,
        received_at: datetime,
    ) -> Receipt:
        adapter = self.adapters.get(source)
        integration = await self.integration(integration_id) if adapter is not None else None
        # Only known integrations are counted: random ids in the URL must not each mint a
        # counter (they get 404 anyway).
        if integration is not None and (wait := await self.limit(integration_id)) is not None:
            return _limited(wait, integration.tenant_id)
        found = self._resolve(source, integration_id, adapter, integration)
        if isinstance(found, Receipt):
            return found
        adapter, integration = found
        request = InboundRequest({k.lower(): v for k, v in headers.items()}, body, received_at)
        checked = self._check(adapter, integration, source, request)
        if isinstance(checked, Receipt):
            return replace(checked, tenant_id=integration.tenant_id)
        receipt = await self._store(integration, checked)
        return replace(receipt, tenant_id=integration.tenant_id)

    def _check(
        self,
        adapter: SourceAdapter,
        integration: IntegrationRecord,
        source: str,
        request: InboundRequest,
    ) -> NewDelivery | Receipt:
        """Verified and parsed: the delivery to store (or the 4xx that says why not)."""
        try:
            adapter.verify(request, IntegrationConfig(integration.secret, integration.options))
        except SignatureError as exc:
            return _error(401, f"signature check failed: {exc}")
        try:
            # Refused here (nothing stored); parsed once, then handed to the adapter.
            payload = loads(request.body, max_depth=self.json_max_depth)
        except JsonInputError as exc:
            return _error(400, str(exc))
        decoding = decode_events(adapter, request, payload)
        if decoding.failed and source == "generic":
            # Canonical events are ours to define: reject them outright (nothing stored).
            return _error(422, decoding.failed)
        status, reason = PENDING, None
        if decoding.failed:
            status, reason = FAILED, decoding.failed  # kept for an admin to fix and replay
        elif decoding.ignored:
            status, reason = IGNORED, decoding.ignored
        return _delivery(integration, adapter, request, status, reason)

    async def probe(self, *, source: str, integration_id: str) -> Receipt:
        """A URL check (HEAD/GET), as vendors do when a webhook is saved: 200 where a POST
        would be verified, else the POST's 404 — it tells nothing a POST does not."""
        adapter = self.adapters.get(source)
        integration = await self.integration(integration_id) if adapter is not None else None
        found = self._resolve(source, integration_id, adapter, integration)
        if isinstance(found, Receipt):
            return found
        return Receipt(200, {"status": "ok", "source": source, "accepts": "POST"})

    @staticmethod
    def _resolve(
        source: str,
        integration_id: str,
        adapter: SourceAdapter | None,
        integration: IntegrationRecord | None,
    ) -> tuple[SourceAdapter, IntegrationRecord] | Receipt:
        """The source's adapter and the active integration, or the 404 that says neither."""
        if (
            adapter is None
            or not integration
            or not integration.active
            or integration.source != source
        ):
            return _error(404, f"unknown integration {integration_id!r} for source {source!r}")
        return adapter, integration

    async def _store(self, integration: IntegrationRecord, delivery: NewDelivery) -> Receipt:
        delivery_id, queued = await self.store(integration.tenant_id, delivery)
        if queued:  # committed: as after a unit of work's commit (docs/architecture.md)
            self.after_commit(integration.tenant_id)
        if delivery_id is None:
            return Receipt(200, {"status": "duplicate", "delivery_key": delivery.delivery_key})
        body: dict[str, Any] = {
            "status": delivery.status if delivery.status != PENDING else "accepted",
            "delivery_id": delivery_id,
        }
        if delivery.reason:
            body["reason"] = delivery.reason
        return Receipt(202, body)


def _delivery(
    integration: IntegrationRecord,
    adapter: SourceAdapter,
    request: InboundRequest,
    status: str,
    reason: str | None,
) -> NewDelivery:
    key = adapter.delivery_key(request) or hashlib.sha256(request.body).hexdigest()
    # A source may carry its credential in a header the integration names (Freshdesk).
    secret_headers = _SECRET_HEADERS | {str(integration.options.get("header", "")).lower()}
    headers = {k: v for k, v in request.headers.items() if k not in secret_headers}
    return NewDelivery(
        integration_id=integration.id,
        source=integration.source,
        delivery_key=key,
        headers=headers,
        body=request.body,
        received_at=request.received_at,
        signature="valid",
        status=status,
        reason=reason,
    )
