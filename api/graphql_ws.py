"""GraphQL over WebSocket at /graphql (graphql-transport-ws, for subscriptions).

A browser cannot set headers on a WebSocket, so the token comes in the `connection_init`
payload, `{"Authorization": "Bearer <jwt>"}`, and is verified as on HTTP (api/oauth.py
issues it, TokenService checks it, the same revocation cache). A missing or bad token — or
one that cannot be checked because the database is down — closes the socket with 4403
before anything runs; scopes are then checked per field, as on HTTP. Until then the
connection's principal is NOBODY, who has no tenant and no scope (and the protocol refuses
a `subscribe` before the acknowledgement anyway).

Each `connection_init` and each `subscribe` counts as one request of its API client against
RATE_LIMIT_GRAPHQL, as a POST /graphql does: over it, a connection is closed with 1013
("try again later", the reason says when) instead of acknowledged, and a subscription is
answered with an error of code RATE_LIMITED and `retryAfter`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import NonJsonMessageReceived, WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from api.context import Context
from api.graphql_limits import GraphQLLimits, RequestRejectedError, check_document
from api.oauth import verify_bearer
from domain.auth import Principal
from domain.ports import TenantId
from infra.bootstrap import Container, Limited, SQLAlchemyError, TokenError

NOBODY = Principal(tenant_id=TenantId(""), client_id="", scopes=frozenset())
# A standard close code (RFC 6455 §7.4.1, "try again later"): the client should reconnect.
FELL_BEHIND_CLOSE = 1013
# As for a bad token at connection_init: reconnect with a new one.
TOKEN_EXPIRED_CLOSE = 4403
RATE_LIMITED_CLOSE = 1013  # try again later: the reason says when

log = logging.getLogger(__name__)


async def authenticate_connection(container: Container, context: Context) -> None:
    """Set the connection's principal from its `connection_init` payload, or reject it
    (strawberry then closes the socket with 4403 Forbidden)."""
    params = context.connection_params or {}
    header = next(
        (v for k, v in params.items() if k.lower() == "authorization" and isinstance(v, str)),
        "",
    )
    try:
        # A revocation-cache miss is a blocking query: off the event loop.
        context.principal = await run_in_threadpool(verify_bearer, container, header)
    except TokenError as exc:
        raise ConnectionRejectionError({"message": str(exc)}) from None
    except SQLAlchemyError:
        log.warning("refused a WebSocket connection: its token cannot be checked", exc_info=True)
        raise ConnectionRejectionError() from None
    wait = await retry_after(container, context.principal)
    if wait is not None:  # LimitedTransportWSHandler closes instead of acknowledging
        context.principal = NOBODY
        context.close_with = (RATE_LIMITED_CLOSE, f"RATE_LIMIT_GRAPHQL: retry in {wait} s")


async def retry_after(container: Container, principal: Principal) -> int | None:
    """Count one request of `principal`'s API client (RATE_LIMIT_GRAPHQL): None if within
    the limit, else the seconds until it lets one through."""
    limits = container.rate_limits
    return await run_in_threadpool(limits.retry_after, Limited.GRAPHQL, principal.client_id)


def rate_limited_error(retry_after: int) -> dict[str, object]:
    """The GraphQL error of a request over RATE_LIMIT_GRAPHQL (HTTP and WebSocket)."""
    message = (
        f"this API client sent more requests than RATE_LIMIT_GRAPHQL allows;"
        f" retry in {retry_after} s"
    )
    return {"message": message, "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after}}


class TextFrameAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws speaks in text frames, while the view encodes JSON as bytes
    (orjson, for HTTP); and a message nested past JSON_MAX_DEPTH is invalid JSON (4400)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        text = encoded.decode() if isinstance(encoded, bytes) else encoded
        try:
            await self.ws.send_text(text)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        try:
            async for message in super().iter_json(ignore_parsing_errors=ignore_parsing_errors):
                yield message
        except RequestRejectedError as exc:
            raise NonJsonMessageReceived from exc


class LimitedTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler with the HTTP document and rate limits,
    closing a connection whose subscription fell behind or whose token expired."""

    limits: GraphQLLimits  # set by GraphQLEndpoint's subclass

    async def send_message(self, message: Any) -> None:
        if message["type"] == "connection_ack" and self.context.close_with is not None:
            code, reason = self.context.close_with  # over the rate limit at connection_init
            await self.websocket.close(code=code, reason=reason)
            return
        await super().send_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        payload = message["payload"]
        try:
            check_document(payload.get("query"), self.limits)
            only_subscriptions(payload.get("query"), payload.get("operationName"))
        except RequestRejectedError as exc:
            error = GraphQLError(str(exc), extensions={"code": "BAD_REQUEST"})
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        if self.connection_acknowledged:  # else strawberry closes it: 4401
            wait = await retry_after(self.context.container, self.context.principal)
            if wait is not None:
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [rate_limited_error(wait)]}
                )
                return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        await super().run_operation(operation)
        if self.context.close_with is not None:
            code, reason = self.context.close_with
            await self.websocket.close(code=code, reason=reason)


def only_subscriptions(query: object, operation_name: object) -> None:
    """Queries and mutations go over HTTP: there each request gets its own context (and so
    fresh data loaders), rate limits and access log, which a long-lived socket would not."""
    if not isinstance(query, str):
        return  # strawberry reports the malformed message
    try:
        operation = get_operation_ast(
            parse(query), operation_name if isinstance(operation_name, str) else None
        )
    except GraphQLError:
        return  # strawberry reports the syntax error
    if operation is not None and operation.operation != OperationType.SUBSCRIPTION:
        raise RequestRejectedError(
            400,
            f"only subscriptions over WebSocket: send a {operation.operation.value} as "
            "POST /graphql",
        )
