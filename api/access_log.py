"""One structured access-log record per HTTP request, and its latency histogram.

Each request has an id: the caller's `X-Request-Id` when it is a sane token (so a proxy's
or client's id follows the request through), else a new one; it is echoed in the
response and bound to every log record written while the request runs. The tenant and
client are those of the verified token (`note_caller`), absent before authentication.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

import structlog
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.metrics import REQUESTS
from domain.auth import Principal

REQUEST_ID_HEADER = "x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")  # no spaces, quotes or control bytes

log = structlog.get_logger("fairscore.access")


def note_caller(request: Request, principal: Principal) -> None:
    """Name the verified caller in this request's access-log record."""
    request.state.tenant_id = principal.tenant_id
    request.state.client_id = principal.client_id


def request_id(incoming: str | None) -> str:
    if incoming and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class AccessLog:
    """Outermost middleware: preflights are logged and timed too (route "unmatched");
    latency is labelled by route template, not raw path (ids would explode cardinality)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id(Request(scope).headers.get(REQUEST_ID_HEADER))
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=rid):
            try:
                await self.app(scope, receive, capture)
            finally:
                self._record(scope, rid, status["code"], time.perf_counter() - started)

    def _record(self, scope: Scope, rid: str, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", "unmatched")
        REQUESTS.labels(scope["method"], route, str(status)).observe(seconds)
        state = scope.get("state") or {}
        log.log(
            logging.WARNING if status >= 500 else logging.INFO,
            "request",
            request_id=rid,
            method=scope["method"],
            route=route,
            status=status,
            duration_ms=round(seconds * 1000, 2),
            tenant_id=state.get("tenant_id"),
            client_id=state.get("client_id"),
        )
