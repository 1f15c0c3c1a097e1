"""/webhooks/{source}/{integration_id}: POST reads the body (bounded) and hands it to
intake; HEAD and GET answer the URL checks some vendors make when a webhook is saved.
A known integration over RATE_LIMIT_WEBHOOK gets 429 with `Retry-After`, which helpdesks
honour when they retry; nothing is stored. Intake runs on the event loop (infra/webhooks.py):
no thread on the way unless it must block (a cache miss, SQLite)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from api.http_errors import service_unavailable
from api.metrics import WEBHOOKS
from api.request_body import BodyTooLargeError, read_body
from infra.bootstrap import Container, SQLAlchemyError, utcnow

log = logging.getLogger(__name__)


def webhook_endpoint(container: Container):  # type: ignore[no-untyped-def]
    limit = container.settings.webhook_max_body

    async def webhook(request: Request) -> JSONResponse:
        source = request.path_params["source"]
        integration_id = request.path_params["integration_id"]
        # Only known sources become metric labels: a random path must not mint series.
        label = source if source in container.adapters else "unknown"
        intake = container.webhooks
        if request.method in ("GET", "HEAD"):
            try:
                probe = await intake.probe(source=source, integration_id=integration_id)
            except SQLAlchemyError:
                log.warning(
                    "a webhook URL check failed: the database is unavailable", exc_info=True
                )
                return service_unavailable({"error": "the database is unavailable; retry later"})
            return JSONResponse(probe.body, status_code=probe.status)
        received_at = utcnow()
        try:
            body = await read_body(request, limit)
        except BodyTooLargeError:
            WEBHOOKS.labels(source=label, outcome="413").inc()
            return JSONResponse({"error": f"body larger than {limit} bytes"}, status_code=413)
        try:
            receipt = await intake.receive(
                source=source,
                integration_id=integration_id,
                headers=dict(request.headers),
                body=body,
                received_at=received_at,
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
        headers = None
        if receipt.retry_after is not None:
            headers = {"Retry-After": str(receipt.retry_after)}
        return JSONResponse(receipt.body, status_code=receipt.status, headers=headers)

    return webhook
