"""Prometheus metrics of the API process (GET /metrics).

Under `fairscore serve --workers N` these count in every uvicorn process and a scrape adds
them up (multiprocess mode, infra/signals.py); the backlog gauges are computed when
scraped.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from infra.bootstrap import Container, exposition

WEBHOOKS = Counter(
    "fairscore_webhooks_total", "Webhook requests by source and HTTP status", ["source", "outcome"]
)
REQUESTS = Histogram(
    "fairscore_http_request_seconds", "HTTP request latency", ["method", "route", "status"]
)
LIVE_SUBSCRIBERS = Gauge(
    "fairscore_live_subscribers",
    "scoresUpdated subscriptions open (all API processes)",
    multiprocess_mode="livesum",
)


def metrics_endpoint(container: Container):  # type: ignore[no-untyped-def]
    async def metrics(_: Request) -> Response:
        # The backlog gauges query the database: off the event loop.
        body = await run_in_threadpool(exposition, [container.signals])
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics
