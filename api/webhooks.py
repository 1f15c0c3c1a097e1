"""/webhooks/{source}/{integration_id}: POST reads the body (bounded) and hands it to
intake; HEAD and GET answer the URL checks some vendors make when a webhook is saved.
A known integration over RATE_LIMIT_WEBHOOK gets 429 with `Retry-After`, which helpdesks
honour when they retry; nothing is stored."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from api.http_errors import service_unavailable
from api.metrics import WEBHOOKS
from api.request_body import BodyTooLargeError, read_body
from infra.bootstrap import Container, Limited, SQLAlchemyError, utcnow

T = TypeVar("T")
log = logging.getLogger(__name__)


def webhook_endpoint(container: Container):  # type: ignore[no-untyped-def]
    limit = container.settings.webhook_max_body
    # Few threads (one per intake connection): dozens contending for the GIL cost more
    # CPU than the statements they run.
    threads = anyio.CapacityLimiter(container.intake_threads)

    async def webhook(request: Request) -> JSONResponse:
        source = request.path_params["source"]
        # Only known sources become metric labels: a random path must not mint series.
        label = source if source in container.adapters else "unknown"
        if request.method in ("GET", "HEAD"):
            try:
                probe = await run_in_threadpool(
                    lambda: container.webhooks.probe(
                        source=source, integration_id=request.path_params["integration_id"]
                    )
                )
            except SQLAlchemyError:
                log.warning(
                    "a webhook URL check failed: the database is unavailable", exc_info=True
                )
                return service_unavailable({"error": "the database is unavailable; retry later"})
            return JSONResponse(probe.body, status_code=probe.status)
        received_at = utcnow()
        integration_id = request.path_params["integration_id"]
        try:
            body = await read_body(request, limit)
        except BodyTooLargeError:
            WEBHOOKS.labels(source=label, outcome="413").inc()
            return JSONResponse({"error": f"body larger than {limit} bytes"}, status_code=413)
        try:
            receive = functools.partial(
                container.webhooks.receive,
                source=source,
                integration_id=integration_id,
                headers=dict(request.headers),
                body=body,
                received_at=received_at,
            )
            receipt = await anyio.to_thread.run_sync(
                within_limit, container, integration_id, receive, limiter=threads
            )
        except SQLAlchemyError:
            # Not stored: the sender must try again (a 2xx would lose the delivery). The
            # error's statement parameters (the webhook's body) are hidden (delivery_insert).
            log.warning("a webhook was not stored: the database is unavailable", exc_info=True)
            WEBHOOKS.labels(source=label, outcome="503").inc()
            return service_unavailable(
                {"error": "the database is unavailable; nothing was stored, retry later"}
            )
        WEBHOOKS.labels(source=label, outcome=str(receipt.status)).inc()
        request.state.tenant_id = receipt.tenant_id  # names the tenant in the access log
        if isinstance(receipt, RateLimited):
            return JSONResponse(
                {"error": receipt.message},
                status_code=429,
                headers={"Retry-After": str(receipt.retry_after)},
            )
        return JSONResponse(receipt.body, status_code=receipt.status)

    return webhook


@dataclass(frozen=True, slots=True)
class RateLimited:
    retry_after: int
    tenant_id: str | None = None
    status: int = 429

    @property
    def message(self) -> str:
        return (
            f"this integration sent more webhooks than RATE_LIMIT_WEBHOOK allows; nothing "
            f"was stored, retry in {self.retry_after} s"
        )


def within_limit(
    container: Container, integration_id: str, receive: Callable[[], T]
) -> T | RateLimited:
    """`receive()`, unless the integration is over its limit. Only known integrations are
    counted: random ids in the URL must not each mint a counter (they get 404 anyway)."""
    known = container.integrations.get(integration_id)
    if known is not None:
        wait = container.rate_limits.retry_after(Limited.WEBHOOK, integration_id)
        if wait is not None:
            return RateLimited(wait, known.tenant_id)
    return receive()
