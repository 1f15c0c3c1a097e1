"""Prometheus metrics of the API process (GET /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

WEBHOOKS = Counter(
    "fairscore_webhooks_total", "Webhook requests by source and HTTP status", ["source", "outcome"]
)
REQUESTS = Histogram(
    "fairscore_http_request_seconds", "HTTP request latency", ["method", "route", "status"]
)
LIVE_SUBSCRIBERS = Gauge(
    "fairscore_live_subscribers", "scoresUpdated subscriptions open in this process"
)
