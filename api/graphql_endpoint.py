"""/graphql: bearer-token authentication in front of strawberry's ASGI app.

A missing, malformed, expired, unsigned or foreign-audience token gets HTTP 401 with
`WWW-Authenticate` before any GraphQL runs; scopes are then checked per field.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from api import graphiql
from api.context import Context
from api.graphql_limits import GraphQLLimits, LimitedGraphQL
from domain.audit import bounded_actor
from domain.auth import Principal
from infra.bootstrap import Container, TokenError

REALM = 'Bearer realm="fairscore"'
# Set by a frontend acting for a person: recorded in the audit log beside the client id.
ACTOR_HEADER = "fairscore-actor"


class _StrawberryApp(LimitedGraphQL):
    def __init__(self, container: Container, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.container = container

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        principal: Principal = request.scope["fairscore.principal"]
        actor = bounded_actor(request.headers.get(ACTOR_HEADER))
        return Context(principal=principal, container=self.container, actor=actor)


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
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if self._is_ide_page(request):
            await graphiql.page()(scope, receive, send)
            return
        try:
            scope["fairscore.principal"] = bearer_principal(self.container, request)
        except TokenError as exc:
            await unauthorized(str(exc))(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _is_ide_page(self, request: Request) -> bool:
        return (
            self.graphiql
            and request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )


def bearer_principal(container: Container, request: Request) -> Principal:
    """The verified caller of a request (GraphQL and the CSV exports); TokenError if none."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("missing bearer token")
    return container.tokens.verify(token.strip())


def unauthorized(message: str) -> JSONResponse:
    error = "invalid_request" if message == "missing bearer token" else "invalid_token"
    header = (
        REALM
        if error == "invalid_request"
        else f'{REALM}, error="{error}", error_description="{message}"'
    )
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": header},
    )
