"""/graphql: bearer-token authentication in front of strawberry's ASGI app.

A missing, malformed, expired, unsigned or foreign-audience token gets HTTP 401 with
`WWW-Authenticate` before any GraphQL runs; a client over RATE_LIMIT_GRAPHQL gets 429 with
`Retry-After` (code RATE_LIMITED); scopes are then checked per field. A token that
cannot be checked (the revocation set is not cached and the database is down) gets 503.
WebSockets (graphql-transport-ws, for subscriptions) authenticate in `connection_init`
instead: api/graphql_ws.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from api import graphiql
from api.access_log import note_caller
from api.context import Context
from api.graphql_limits import GraphQLLimits, LimitedGraphQL
from api.graphql_ws import (
    NOBODY,
    LimitedTransportWSHandler,
    TextFrameAdapter,
    authenticate_connection,
    rate_limited_error,
    retry_after,
)
from api.http_errors import graphql_errors, service_unavailable
from api.oauth import verify_bearer
from domain import auth
from domain.audit import bounded_actor
from domain.auth import Principal
from infra.bootstrap import Container, SQLAlchemyError, TokenError

REALM = 'Bearer realm="fairscore"'
# Set by a frontend acting for a person: recorded in the audit log beside the client id.
ACTOR_HEADER = "fairscore-actor"


class _StrawberryApp(LimitedGraphQL):
    def __init__(self, container: Container, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.container = container

        class Handler(LimitedTransportWSHandler):
            limits = self.limits

        self.graphql_transport_ws_handler_class = Handler
        self.websocket_adapter_class = TextFrameAdapter

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        actor = bounded_actor(request.headers.get(ACTOR_HEADER))
        if isinstance(request, WebSocket):  # authenticated by on_ws_connect
            return Context(principal=NOBODY, container=self.container, actor=actor)
        principal: Principal = request.scope["fairscore.principal"]
        return Context(principal=principal, container=self.container, actor=actor)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        await authenticate_connection(self.container, context)
        unset: UnsetType = UNSET
        return unset


class GraphQLEndpoint:
    def __init__(self, container: Container, schema: Any) -> None:
        settings = container.settings
        self.container = container
        self.graphiql = settings.graphiql
        self.app = _StrawberryApp(
            container,
            schema=schema,
            limits=GraphQLLimits.of(settings),
            # The IDE page is ours (self-hosted assets, no principal needed): strawberry's
            # loads from a CDN and builds the context, which needs a principal, first.
            graphql_ide=None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # The token travels in connection_init, never as a cookie: a page on another
            # origin has no credentials to abuse, so any origin may connect.
            allowed_origins=("*",),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # authenticated in connection_init
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if self._is_ide_page(request):
            await graphiql.page()(scope, receive, send)
            return
        principal = await authenticate(self.container, request)
        if isinstance(principal, Response):
            await principal(scope, receive, send)
            return
        wait = await retry_after(self.container, principal)
        if wait is not None:
            await rate_limited(wait)(scope, receive, send)
            return
        scope["fairscore.principal"] = principal
        await self.app(scope, receive, send)

    def _is_ide_page(self, request: Request) -> bool:
        return (
            self.graphiql
            and request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )


async def authenticate(container: Container, request: Request) -> Principal | Response:
    """The verified caller (GraphQL and the CSV exports), or the response refusing it: 401
    for a bad token, 503 when the database needed to check it is unreachable."""
    try:
        # A revocation-cache miss is a blocking query: off the event loop.
        principal = await run_in_threadpool(bearer_principal, container, request)
    except TokenError as exc:
        return unauthorized(str(exc))
    except SQLAlchemyError:
        return unavailable()
    note_caller(request, principal)
    return principal


async def authorised(
    container: Container, request: Request, scope: auth.Scope, refuse: Callable[[], Response]
) -> Principal | Response:
    """The caller of a download (the CSV and PDF exports) if their token has `scope`, else
    the response refusing them: `authenticate`'s, or `refuse()` (their 403)."""
    principal = await authenticate(container, request)
    if isinstance(principal, Response) or principal.has(scope):
        return principal
    return refuse()


def bearer_principal(container: Container, request: Request) -> Principal:
    """The verified caller of a request (GraphQL and the CSV exports); TokenError if none."""
    return verify_bearer(container, request.headers.get("authorization", ""))


def unavailable(
    message: str = "the token cannot be checked: the database is unavailable; retry later",
) -> JSONResponse:
    return service_unavailable(graphql_errors(message, "SERVICE_UNAVAILABLE"))


def rate_limited(wait: int) -> JSONResponse:
    return JSONResponse(
        {"errors": [rate_limited_error(wait)]}, status_code=429, headers={"Retry-After": str(wait)}
    )


def unauthorized(message: str) -> JSONResponse:
    error = "invalid_request" if message == "missing bearer token" else "invalid_token"
    header = (
        REALM
        if error == "invalid_request"
        else f'{REALM}, error="{error}", error_description="{message}"'
    )
    return JSONResponse(
        graphql_errors(message, "UNAUTHENTICATED"),
        status_code=401,
        headers={"WWW-Authenticate": header},
    )
